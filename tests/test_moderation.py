"""Moderation: reports grouped into cases, the queue's scope, one-step decisions with reasons, appeals, closed workspaces,
pre-moderation, suspensions that lift themselves. Olivia owns Baltic Bridges, Bob is a member, Charlie an outsider,
Alice and Frank are administrators, Mia moderates another workspace."""

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import func, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import (
    AuditEntry,
    CaseStatus,
    Document,
    Lifecycle,
    Membership,
    ModerationCase,
    Notification,
    OutboxMessage,
    Post,
    Report,
    Role,
    Status,
    Thread,
    User,
    Workspace,
)
from partnerskap.models.base import utcnow
from partnerskap.services import discussions, documents, moderation, notifications, permissions, sessions, transparency, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.workspaces import WorkspaceForm
from tests.conftest import make_person, viewer


@pytest.fixture
def second_admin(password_hash: str) -> User:
    """Frank, another administrator."""
    return make_person(password_hash, "Frank", role=Role.ADMIN, language="sv")


@pytest.fixture
def other_moderator(password_hash: str) -> User:
    """Mia, who owns a workspace of her own and nothing of Olivia's."""
    mia = make_person(password_hash, "Mia")
    workspaces.create(viewer(mia), WorkspaceForm(name="Nordic Nights", purpose="Evenings"))
    return mia


@pytest.fixture
def post(workspace: Workspace, owner: User) -> Post:
    """Olivia's opening post in Baltic Bridges."""
    thread = discussions.start_thread(viewer(owner), workspace.id, "Welcome", "Buy cheap watches here", discussions.new_key())
    with transaction() as session:
        return session.exec(select(Post).where(Post.thread_id == thread.id)).one()


def count(model, *conditions) -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(model).where(*conditions)).one()


def case_of(case_id: int) -> ModerationCase:
    with transaction() as session:
        return session.get(ModerationCase, case_id)


def table_state() -> tuple:
    """What a refused call must leave as it was."""
    with transaction() as session:
        return (
            [(c.id, c.status, c.decision, c.decided_by, c.appealed_at) for c in session.exec(select(ModerationCase)).all()],
            [(p.id, p.held, p.deleted_at) for p in session.exec(select(Post)).all()],
            [(w.id, w.lifecycle) for w in session.exec(select(Workspace)).all()],
            [(u.id, u.status) for u in session.exec(select(User)).all()],
            session.exec(select(func.count()).select_from(AuditEntry)).one(),
        )


def test_reports_of_the_same_post_group_into_one_case(post, member, outsider, workspace, password_hash):
    other = make_person(password_hash, "Greta")
    with transaction() as session:
        session.add(Membership(workspace_id=workspace.id, user_id=other.id))
    first = moderation.report(viewer(member), "post", post.id, "spam", "Selling watches")
    second = moderation.report(viewer(other), "post", post.id, "other")
    assert first.id == second.id
    assert count(Report, Report.case_id == first.id) == 2
    assert case_of(first.id).author_id == post.author_id


def test_the_reporter_is_told_the_report_arrived(post, member):
    moderation.report(viewer(member), "post", post.id, "spam")
    with transaction() as session:
        told = session.exec(select(Notification).where(Notification.user_id == member.id)).one()
    assert told.kind == "report_received"
    assert "arrived" in notifications.text_of(told, "en")


def test_member_cannot_report_the_same_item_twice_while_its_case_is_open(post, member):
    moderation.report(viewer(member), "post", post.id, "spam")
    before = table_state()
    with pytest.raises(Refused, match="already reported"):
        moderation.report(viewer(member), "post", post.id, "harassment")
    assert table_state() == before


def test_outsider_cannot_report_a_post_they_cannot_read(post, outsider, workspace):
    with transaction() as session:
        session.get(Workspace, workspace.id).access = "invitation"
    with pytest.raises(Refused, match=moderation.ITEM_MISSING):
        moderation.report(viewer(outsider), "post", post.id, "spam")
    assert count(ModerationCase) == 0


def test_a_report_needs_one_of_the_reasons(post, member):
    with pytest.raises(Invalid):
        moderation.report(viewer(member), "post", post.id, "boredom")


@pytest.mark.parametrize("kind", ["document", "workspace", "event", "member"])
def test_member_reports_documents_workspaces_events_and_members(kind, workspace, owner, member, tmp_path):
    from partnerskap.models import Event

    with transaction() as session:
        if kind == "document":
            item = Document(workspace_id=workspace.id, name="Flyer.pdf", created_by=owner.id)
        elif kind == "event":
            item = Event(workspace_id=workspace.id, title="Party", starts_at=utcnow(), ends_at=utcnow(), created_by=owner.id)
        else:
            item = None
        if item is not None:
            session.add(item)
            session.flush()
        item_id = item.id if item is not None else workspace.id if kind == "workspace" else owner.id
    case = moderation.report(viewer(member), kind, item_id, "privacy", "Names my family")
    assert (case.item_kind, case.author_id) == (kind, owner.id)


def test_the_workspace_owner_sees_the_case_and_a_moderator_of_another_workspace_does_not(post, member, owner, other_moderator, admin):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    assert [view.case.id for view in moderation.queue(viewer(owner)).open] == [case.id]
    assert [view.case.id for view in moderation.queue(viewer(admin)).open] == [case.id]
    assert moderation.queue(viewer(other_moderator)).open == []
    with pytest.raises(Refused, match="owners and moderators"):
        moderation.queue(viewer(member))


def test_the_queue_shows_who_reported_why_and_the_authors_earlier_cases(post, member, admin, owner, workspace):
    earlier = moderation.report(viewer(member), "workspace", workspace.id, "other", "Odd name")
    moderation.decide(viewer(admin), earlier.id, "warn", "Choose a clearer name")
    moderation.report(viewer(member), "post", post.id, "spam", "Watches again")
    [shown] = moderation.queue(viewer(admin)).open
    assert [(line.reporter, line.reason, line.note) for line in shown.reports] == [("Bob", "spam", "Watches again")]
    assert [case.id for case in shown.earlier] == [earlier.id]
    assert shown.link.startswith(f"/threads/{post.thread_id}")


def test_hiding_a_post_keeps_it_for_moderators_with_a_marker_and_hides_it_from_members(post, member, owner, admin):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.decide(viewer(admin), case.id, "hide", "Advertising is not allowed here")
    assert [view.id for view in discussions.posts(viewer(member), post.thread_id)] == []
    [seen] = discussions.posts(viewer(owner), post.thread_id)
    assert seen.post.held == "hidden"
    with pytest.raises(Refused, match="This post does not exist"):
        discussions.quote_text(viewer(member), post.id)


def test_the_author_and_the_reporters_hear_the_outcome_in_their_languages(post, member, owner, admin, workspace):
    with transaction() as session:
        session.get(User, owner.id).language = "sv"
        session.get(User, member.id).language = "fi"
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.decide(viewer(admin), case.id, "hide", "Reklam")
    with transaction() as session:
        to_author = session.exec(select(Notification).where(Notification.user_id == owner.id, Notification.kind == "moderation_decision")).one()
        to_reporter = session.exec(select(Notification).where(Notification.user_id == member.id, Notification.kind == "report_outcome")).one()
        mailed = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == owner.email)).all()
    assert "dold" in notifications.text_of(to_author, "sv") and "Reklam" in notifications.text_of(to_author, "sv")
    assert "piilotettu" in notifications.text_of(to_reporter, "fi")
    assert to_author.link == f"/moderation/cases/{case.id}"
    assert mailed, "the affected member is told by e-mail too"


def test_every_decision_is_audited_with_its_reason(post, member, admin):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.decide(viewer(admin), case.id, "remove", "Spam")
    with transaction() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "moderation.remove")).one()
    assert (entry.actor_id, entry.target_user_id, entry.reason) == (admin.id, post.author_id, "Spam")


def test_deciding_an_already_decided_case_changes_nothing(post, member, admin):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.decide(viewer(admin), case.id, "dismiss", "Not spam")
    before = table_state()
    with pytest.raises(Refused, match="already decided"):
        moderation.decide(viewer(admin), case.id, "remove", "Spam after all")
    assert table_state() == before


@pytest.mark.parametrize("who", ["member", "outsider", "other_moderator"])
def test_people_who_do_not_moderate_the_workspace_cannot_decide(who, post, member, request):
    person = viewer(request.getfixturevalue(who))
    case = moderation.report(viewer(member), "post", post.id, "spam")
    before = table_state()
    with pytest.raises(Refused, match="does not exist or you do not moderate it"):
        moderation.decide(person, case.id, "hide", "Because")
    assert table_state() == before


def test_a_workspace_moderator_cannot_suspend_or_close(post, member, owner):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    for decision in ("suspend", "close"):
        with pytest.raises(Refused, match="Only administrators"):
            moderation.decide(viewer(owner), case.id, decision, "Because")
    assert case_of(case.id).status == CaseStatus.OPEN


def test_suspension_until_a_day_ends_sessions_and_lifts_itself(post, member, admin, owner, monkeypatch):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    until = (utcnow() + timedelta(days=3)).date().isoformat()
    moderation.decide(viewer(admin), case.id, "suspend", "Repeated spam", until)
    with transaction() as session:
        olivia = session.get(User, owner.id)
        assert (olivia.status, olivia.suspended_until.date().isoformat()) == (Status.SUSPENDED, until)
    assert moderation.lift_suspensions() == 0
    with transaction() as session:
        session.get(User, owner.id).suspended_until = utcnow() - timedelta(minutes=1)
    assert moderation.lift_suspensions() == 1
    assert viewer(owner).status == Status.APPROVED


def test_a_suspension_that_ended_lifts_when_the_member_next_arrives(owner):
    with transaction() as session:
        ticket = sessions.issue_ticket(owner.id, session=session)
        olivia = session.get(User, owner.id)
        olivia.status, olivia.suspended_until = Status.SUSPENDED, utcnow() - timedelta(seconds=1)
    resolved = sessions.resolve(sessions.exchange_ticket(ticket))
    assert resolved.status == Status.APPROVED
    with transaction() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "membership.suspension_ended", AuditEntry.target_user_id == owner.id)).first()


def test_the_author_appeals_once_and_another_admin_decides(post, member, admin, second_admin, owner):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.decide(viewer(admin), case.id, "hide", "Advertising")
    moderation.appeal(viewer(owner), case.id, "It was a joke")
    assert case_of(case.id).status == CaseStatus.APPEALED
    assert moderation.queue(viewer(admin)).open == []
    before = table_state()
    with pytest.raises(Refused, match="Another administrator"):
        moderation.decide(viewer(admin), case.id, "dismiss", "Fine")
    assert table_state() == before
    with pytest.raises(Refused, match="already appealed"):
        moderation.appeal(viewer(owner), case.id, "Again")
    moderation.decide(viewer(second_admin), case.id, "dismiss", "A joke, and harmless")
    assert case_of(case.id).status == CaseStatus.FINAL
    with transaction() as session:
        assert session.get(Post, post.id).held == ""
    with pytest.raises(Refused, match="already appealed"):
        moderation.appeal(viewer(owner), case.id, "Once more")


def test_an_appeal_after_fourteen_days_is_refused(post, member, admin, owner):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.decide(viewer(admin), case.id, "warn", "Careful")
    with transaction() as session:
        session.get(ModerationCase, case.id).decided_at = utcnow() - timedelta(days=15)
    before = table_state()
    with pytest.raises(Refused, match="14 days"):
        moderation.appeal(viewer(owner), case.id, "Late")
    assert table_state() == before
    assert moderation.own_case(viewer(owner), case.id).can_appeal is False


def test_only_the_affected_member_may_appeal(post, member, admin):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.decide(viewer(admin), case.id, "warn", "Careful")
    with pytest.raises(Refused, match="does not exist"):
        moderation.appeal(viewer(member), case.id, "Not mine")


def test_a_closed_workspace_is_read_only_with_its_reason_and_owners_cannot_reopen_it(workspace, owner, member, admin):
    moderation.close_workspace(viewer(admin), workspace.id, "Illegal material")
    place = workspaces.place(viewer(member), workspace.id)
    assert place.closed and place.workspace.closed_reason == "Illegal material"
    with pytest.raises(Refused, match="closed by the administrators"):
        discussions.start_thread(viewer(member), workspace.id, "Hello", "Anyone?", discussions.new_key())
    with pytest.raises(Refused, match="closed by the administrators"):
        workspaces.update(viewer(owner), workspace.id, WorkspaceForm(name="Baltic Bridges", purpose="Again", lifecycle="active"))
    assert permissions.decide(viewer(member), permissions.Action.READ, place)
    with transaction() as session:
        told = session.exec(select(Notification).where(Notification.user_id == member.id, Notification.kind == "workspace_closed")).one()
    assert "Illegal material" in notifications.text_of(told, "en")


def test_admin_reopens_a_closed_workspace(workspace, owner, admin):
    moderation.close_workspace(viewer(admin), workspace.id, "Check")
    moderation.reopen(viewer(admin), workspace.id, "Checked: fine")
    assert workspaces.place(viewer(owner), workspace.id).workspace.lifecycle == Lifecycle.ACTIVE


def test_a_closed_workspace_is_deleted_only_after_its_grace_period_and_its_files_go_too(workspace, owner, member, admin, post):
    from partnerskap.storage import get_storage

    documents.accept_upload_terms(viewer(member))
    incoming = documents.IncomingFile(viewer(member), workspace.id, "notes.txt")
    incoming.add(b"my own notes\n")
    version = incoming.finish()
    moderation.close_workspace(viewer(admin), workspace.id, "Illegal material")
    with pytest.raises(Refused, match="grace period"):
        moderation.delete_closed(viewer(admin), workspace.id)
    assert list(get_storage().keys("workspaces/")) == [version.storage_key]
    with transaction() as session:
        session.get(Workspace, workspace.id).closed_at = utcnow() - timedelta(days=config.settings.closed_grace_days + 1)
    moderation.delete_closed(viewer(admin), workspace.id)
    assert count(Thread, Thread.workspace_id == workspace.id) == 0
    assert list(get_storage().keys("workspaces/")) == []
    assert documents.reconcile() == {"rows_without_objects": [], "objects_without_rows": [], "stale_uploads": []}
    with pytest.raises(Refused):
        workspaces.place(viewer(member), workspace.id)


def test_members_download_their_own_files_from_a_closed_workspace(workspace, member, admin):
    documents.accept_upload_terms(viewer(member))
    incoming = documents.IncomingFile(viewer(member), workspace.id, "notes.txt")
    incoming.add(b"my own notes\n")
    incoming.finish()
    moderation.close_workspace(viewer(admin), workspace.id, "Illegal material")
    stream, _name = documents.export_zip(viewer(member), workspace.id, only_mine=True)
    assert b"notes.txt" in b"".join(stream)
    with pytest.raises(Refused, match="closed by the administrators"):
        documents.IncomingFile(viewer(member), workspace.id, "more.txt")


def test_a_new_members_post_waits_for_approval_when_pre_moderation_is_on(workspace, owner, member, admin, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, premoderation_days=7))
    thread = discussions.start_thread(viewer(owner), workspace.id, "Welcome", "Say hello", discussions.new_key())
    [waiting] = discussions.reply(viewer(member), thread.id, "Hello from Bob", discussions.new_key())
    assert waiting.post.held == "pending"
    assert [view.id for view in discussions.posts(viewer(member), thread.id)][-1] == waiting.id
    assert waiting.id in [view.id for view in discussions.posts(viewer(owner), thread.id)]  # the owner moderates
    [case] = moderation.queue(viewer(owner)).open
    assert case.case.purpose == "approval"
    moderation.decide(viewer(owner), case.case.id, "approve", "")
    with transaction() as session:
        assert session.get(Post, waiting.id).held == ""


def test_a_waiting_post_is_invisible_to_other_members(workspace, owner, member, password_hash):
    thread = discussions.start_thread(viewer(owner), workspace.id, "Welcome", "Say hello", discussions.new_key())
    with transaction() as session:
        session.get(Workspace, workspace.id).premoderation_days = 3
    [waiting] = discussions.reply(viewer(member), thread.id, "Hello from Bob", discussions.new_key())
    greta = make_person(password_hash, "Greta")
    with transaction() as session:
        session.add(Membership(workspace_id=workspace.id, user_id=greta.id))
    assert waiting.id not in [view.id for view in discussions.posts(viewer(greta), thread.id)]


def test_admin_ends_every_session_of_a_member(member, admin):
    with transaction() as session:
        ticket = sessions.issue_ticket(member.id, session=session)
    token = sessions.exchange_ticket(ticket)
    assert sessions.resolve(token) is not None
    moderation.end_sessions(viewer(admin), member.id)
    assert sessions.resolve(token) is None
    with pytest.raises(Refused, match="Only administrators"):
        moderation.end_sessions(viewer(member), admin.id)


def test_a_hidden_document_is_kept_from_members_and_shown_to_moderators(workspace, owner, member, admin):
    documents.accept_upload_terms(viewer(member))
    incoming = documents.IncomingFile(viewer(member), workspace.id, "leaflet.txt")
    incoming.add(b"Call this number\n")
    version = incoming.finish()
    case = moderation.report(viewer(owner), "document", version.document_id, "privacy", "A private phone number")
    moderation.decide(viewer(admin), case.id, "hide", "Personal data of a third person")
    assert [entry.document.name for entry in documents.library(viewer(member), workspace.id).entries] == []
    [kept] = documents.library(viewer(owner), workspace.id).entries
    assert kept.document.held == "hidden"
    with pytest.raises(Refused, match="does not exist"):
        documents.authorise_download(viewer(member), version.document_id)


def test_owner_sets_pre_moderation_for_their_workspace_and_members_cannot(workspace, owner, member):
    assert moderation.set_premoderation(viewer(owner), workspace.id, 5).premoderation_days == 5
    with pytest.raises(Refused, match="owners"):
        moderation.set_premoderation(viewer(member), workspace.id, 0)
    with pytest.raises(Invalid):
        moderation.set_premoderation(viewer(owner), workspace.id, 400)


def test_reports_and_decisions_of_real_cases_are_counted_in_the_transparency_report(post, member, admin, workspace, password_hash):
    greta = make_person(password_hash, "Greta")
    with transaction() as session:
        session.add(Membership(workspace_id=workspace.id, user_id=greta.id))
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.report(viewer(greta), "post", post.id, "harassment")
    moderation.decide(viewer(admin), case.id, "hide", "Advertising")
    (month,) = transparency.months()
    assert (month.reports, month.actions, month.actions_by_reason) == ({"spam": 1, "harassment": 1}, {"hide": 1}, {"spam": {"hide": 1}})


def test_member_reports_a_post_in_a_network_discussion_and_the_admin_hides_it(owner, member, outsider, admin):
    from partnerskap.services import networks
    from partnerskap.services.networks import NetworkForm

    network = networks.create(viewer(owner), NetworkForm(name="Language cafés", purpose="Sharing practice", kind="theme"))
    networks.join(viewer(member), network.id)
    thread = discussions.start_thread(viewer(owner), network.id, "Offers", "Buy cheap watches here", discussions.new_key(), kind="network")
    with transaction() as session:
        post = session.exec(select(Post).where(Post.thread_id == thread.id)).one()
    with pytest.raises(Refused, match=moderation.ITEM_MISSING):
        moderation.report(viewer(outsider), "post", post.id, "spam")  # Charlie has not joined the network
    case = moderation.report(viewer(member), "post", post.id, "spam")
    [shown] = moderation.queue(viewer(admin)).open
    assert shown.case.id == case.id and shown.link.startswith(f"/threads/{thread.id}")
    moderation.decide(viewer(admin), case.id, "hide", "Advertising is not allowed here")
    assert discussions.posts(viewer(member), thread.id) == []


def test_member_reports_a_network_and_a_published_news_item_but_not_a_draft(owner, member, admin):
    from partnerskap.models import ContentItem, ContentVersion, Publication
    from partnerskap.services import networks
    from partnerskap.services.networks import NetworkForm

    network = networks.create(viewer(owner), NetworkForm(name="Cheap watches", purpose="Shop", kind="theme"))
    with transaction() as session:
        news = ContentItem(kind="news", slug="spring-news", default_language="fi", status=Publication.PUBLISHED, created_by=admin.id)
        draft = ContentItem(kind="news", slug="draft-news", default_language="fi", created_by=admin.id)
        session.add_all([news, draft])
        session.flush()
        session.add(ContentVersion(item_id=news.id, language="fi", title="Kevään uutiset"))
    by_network = moderation.report(viewer(member), "network", network.id, "spam")
    by_news = moderation.report(viewer(member), "content", news.id, "other", "Wrong date")
    assert [(case.item_kind, case.author_id) for case in (by_network, by_news)] == [("network", owner.id), ("content", admin.id)]
    shown = {view.case.id: view for view in moderation.queue(viewer(admin)).open}
    assert shown[by_network.id].link == f"/networks/{network.id}" and shown[by_news.id].link == "/news/spring-news"
    with pytest.raises(Refused, match=moderation.ITEM_MISSING):
        moderation.report(viewer(member), "content", draft.id, "spam")  # a draft is no one's to see yet
