"""Workspaces: who creates, finds, joins and runs them, invitations, roles, archiving and inactivity prompts."""

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import func, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import (
    Invitation,
    JoinRequest,
    Membership,
    Notification,
    OutboxMessage,
    Status,
    User,
    Workspace,
)
from partnerskap.models.base import utcnow
from partnerskap.services import accounts, calendar, discussions, mail, membership, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.workspaces import WorkspaceForm
from tests.conftest import make_person, viewer
from tests.refusals import HIDDEN_THREAD, NO_SUCH_REQUEST, ARCHIVED, CHOOSE_AN_OPTION, INVITATION_GONE, KEEP_AN_OWNER, LAST_OWNER_STAYS, MANAGERS_ONLY, MEMBERS_ONLY, NOT_APPROVED, NOT_FOUND, OWNERS_ONLY


def form(name: str = "Baltic Bridges", **changes) -> WorkspaceForm:
    return WorkspaceForm(name=name, purpose="Cultural exchange around the Baltic Sea", **changes)


def count(model) -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def role(workspace: Workspace, user: User) -> str | None:
    with transaction() as session:
        return workspaces.role_of(session, workspace.id, user.id)


def kinds_for(user: User) -> list[str]:
    with transaction() as session:
        return [n.kind for n in session.exec(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)).all()]


def mails_to(email: str) -> list[OutboxMessage]:
    with transaction() as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)).all())


def add(workspace: Workspace, user: User, as_role: str = "member") -> None:
    with transaction() as session:
        session.add(Membership(workspace_id=workspace.id, user_id=user.id, role=as_role))


def change(model, row_id: int, **values) -> None:
    with transaction() as session:
        row = session.get(model, row_id)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


@pytest.fixture
def moderator(password_hash: str) -> User:
    """Mona, made a moderator where a test needs one."""
    return make_person(password_hash, "Mona")


@pytest.fixture
def open_workspace(owner) -> Workspace:
    return workspaces.create(viewer(owner), form("Open Forum"))


@pytest.fixture
def request_workspace(owner) -> Workspace:
    return workspaces.create(viewer(owner), form("Request Room", access="request"))


@pytest.fixture
def closed_workspace(owner) -> Workspace:
    return workspaces.create(viewer(owner), form("Secret Circle", access="invitation"))


# Creating and changing


def test_approved_member_creates_workspace_and_becomes_owner(member):
    created = workspaces.create(viewer(member), form(description="Who we are", kind="event", starts_on="2026-06-01", ends_on="2026-06-03"))
    assert created.id is not None
    assert role(created, member) == "owner"
    assert workspaces.place(viewer(member), created.id).owners == ["Bob"]
    assert str(created.ends_on) == "2026-06-03"


def test_pending_applicant_cannot_create_workspace(applicant):
    with pytest.raises(Refused, match=NOT_APPROVED):
        workspaces.create(viewer(applicant), form())
    assert count(Workspace) == 0


def test_denied_person_cannot_create_workspace(denied):
    with pytest.raises(Refused, match=NOT_APPROVED):
        workspaces.create(viewer(denied), form())
    assert count(Workspace) == 0


def test_taken_name_is_refused_regardless_of_case_and_spaces_and_nothing_is_written(owner, member):
    workspaces.create(viewer(owner), form("Baltic Bridges"))
    with pytest.raises(Invalid) as refused:
        workspaces.create(viewer(member), form("  baltic   BRIDGES "))
    assert "name" in refused.value.errors
    assert count(Workspace) == 1
    assert count(Membership) == 1


def test_name_taken_at_the_same_moment_is_refused_as_taken(owner, member, monkeypatch):
    workspaces.create(viewer(owner), form("Baltic Bridges"))
    monkeypatch.setattr(workspaces, "_name_taken", lambda *args, **kwargs: False)
    with pytest.raises(Invalid) as refused:
        workspaces.create(viewer(member), form("baltic bridges"))
    assert "name" in refused.value.errors
    other = workspaces.create(viewer(member), form("Nordic Bridges"))
    with pytest.raises(Invalid) as renaming:
        workspaces.update(viewer(member), other.id, form("BALTIC BRIDGES"))
    assert "name" in renaming.value.errors
    assert count(Workspace) == 2
    assert count(Membership) == 2


def test_end_date_before_start_is_refused_and_nothing_is_written(member):
    with pytest.raises(Invalid) as refused:
        workspaces.create(viewer(member), form(starts_on="2026-06-10", ends_on="2026-06-09"))
    assert "ends_on" in refused.value.errors
    assert count(Workspace) == 0


def test_malformed_date_and_unknown_options_are_refused(member):
    with pytest.raises(Invalid) as refused:
        workspaces.create(viewer(member), form(starts_on="next week", access="secret"))
    assert {"starts_on", "access"} <= set(refused.value.errors)
    assert count(Workspace) == 0


def test_owner_cannot_rename_to_another_workspaces_name(owner, open_workspace, request_workspace):
    with pytest.raises(Invalid) as refused:
        workspaces.update(viewer(owner), request_workspace.id, form("OPEN forum", access="request"))
    assert "name" in refused.value.errors


def test_moderator_cannot_change_workspace_details(open_workspace, moderator):
    add(open_workspace, moderator, "moderator")
    with pytest.raises(Refused, match=OWNERS_ONLY):
        workspaces.update(viewer(moderator), open_workspace.id, form("Taken Over"))
    assert workspaces.place(viewer(moderator), open_workspace.id).workspace.name == "Open Forum"


# Finding


def test_listing_shows_mine_and_discoverable_ones_but_never_invitation_only_to_non_members(
    owner, outsider, open_workspace, request_workspace, closed_workspace
):
    names = {row.workspace.name: row for row in workspaces.listing(viewer(outsider)).rows}
    assert set(names) == {"Open Forum", "Request Room"}
    assert all(row.role is None for row in names.values())
    assert workspaces.listing(viewer(outsider), mine=True).rows == []

    mine = {row.workspace.name: row.role for row in workspaces.listing(viewer(owner), mine=True).rows}
    assert mine == {"Open Forum": "owner", "Request Room": "owner", "Secret Circle": "owner"}


def test_invited_member_lists_invitation_only_workspace_once_they_belong(owner, member, closed_workspace):
    invitation = workspaces.invite(viewer(owner), closed_workspace.id, member.email)
    assert "Secret Circle" not in [row.workspace.name for row in workspaces.listing(viewer(member)).rows]
    workspaces.answer_invitation(viewer(member), invitation.id, accept=True)
    assert [row.workspace.name for row in workspaces.listing(viewer(member)).rows] == ["Secret Circle"]


def test_listing_searches_names_and_purposes_and_filters_by_kind_access_and_lifecycle(owner, outsider):
    me = viewer(owner)
    workspaces.create(me, WorkspaceForm(name="Nordic Theatre Days", purpose="A festival of stage arts", kind="event"))
    workspaces.create(me, WorkspaceForm(name="Water Research", purpose="Clean lakes in Finland", access="request"))
    workspaces.create(me, WorkspaceForm(name="Old Archive", purpose="Finished project", lifecycle="archived"))

    def names(**filters) -> set[str]:
        return {row.workspace.name for row in workspaces.listing(viewer(outsider), **filters).rows}

    assert names(query="THEATRE") == {"Nordic Theatre Days"}
    assert names(query="lakes") == {"Water Research"}
    assert names(query="nothing like this") == set()
    assert names(kind="event") == {"Nordic Theatre Days"}
    assert names(access="request") == {"Water Research"}
    assert names(lifecycle="archived") == {"Old Archive"}
    assert names(kind="project", lifecycle="active") == {"Water Research"}


def test_listing_counts_members_and_shows_my_pending_request(owner, member, request_workspace):
    workspaces.join(viewer(member), request_workspace.id)
    [row] = workspaces.listing(viewer(member)).rows
    assert row.member_count == 1
    assert row.request_pending is True
    assert row.role is None


def test_non_member_sees_only_the_introduction_of_a_discoverable_workspace(owner, outsider, request_workspace):
    thread = discussions.start_thread(viewer(owner), request_workspace.id, "Welcome", "Hello everyone", "key-opening-1")
    place = workspaces.place(viewer(outsider), request_workspace.id)
    assert place.role is None
    assert place.workspace.purpose == "Cultural exchange around the Baltic Sea"
    assert place.workspace.lifecycle == "active"
    assert place.owners == ["Olivia"]
    with pytest.raises(Refused, match=MEMBERS_ONLY):
        workspaces.members(viewer(outsider), request_workspace.id)
    with pytest.raises(Refused, match=MEMBERS_ONLY):
        discussions.threads(viewer(outsider), request_workspace.id)
    with pytest.raises(Refused, match=HIDDEN_THREAD):
        discussions.posts(viewer(outsider), thread.id)


def test_outsider_cannot_find_invitation_only_workspace(owner, outsider, closed_workspace):
    with pytest.raises(Refused) as hidden:
        workspaces.place(viewer(outsider), closed_workspace.id)
    with pytest.raises(Refused) as missing:
        workspaces.place(viewer(outsider), closed_workspace.id + 1000)
    assert hidden.value.message == missing.value.message == NOT_FOUND
    with pytest.raises(Refused) as joining:
        workspaces.join(viewer(outsider), closed_workspace.id)
    assert joining.value.message == NOT_FOUND
    assert count(Membership) == 1


def test_invited_member_can_see_invitation_only_workspace_before_answering(owner, member, closed_workspace):
    workspaces.invite(viewer(owner), closed_workspace.id, member.email)
    place = workspaces.place(viewer(member), closed_workspace.id)
    assert place.workspace.name == "Secret Circle"
    assert place.role is None


# Joining


def test_member_joins_open_workspace_at_once(owner, member, open_workspace):
    assert workspaces.join(viewer(member), open_workspace.id) == "joined"
    assert role(open_workspace, member) == "member"
    assert [(person.name, person.role) for person in workspaces.members(viewer(member), open_workspace.id)] == [("Bob", "member"), ("Olivia", "owner")]


def test_member_cannot_join_twice(member, open_workspace):
    workspaces.join(viewer(member), open_workspace.id)
    with pytest.raises(Refused, match="You are already a member of this workspace."):
        workspaces.join(viewer(member), open_workspace.id)


def test_pending_applicant_cannot_join(applicant, open_workspace):
    with pytest.raises(Refused, match=NOT_APPROVED):
        workspaces.join(viewer(applicant), open_workspace.id)
    assert role(open_workspace, applicant) is None


def test_join_request_notifies_owners_and_moderators_and_acceptance_admits_and_tells_the_requester(
    owner, moderator, member, outsider, request_workspace
):
    add(request_workspace, moderator, "moderator")
    add(request_workspace, outsider)
    assert workspaces.join(viewer(member), request_workspace.id, "We run a youth theatre") == "requested"
    assert role(request_workspace, member) is None
    assert kinds_for(owner) == ["join_request"]
    assert kinds_for(moderator) == ["join_request"]
    assert kinds_for(outsider) == []

    [(request, requester)] = workspaces.join_requests(viewer(moderator), request_workspace.id)
    assert (requester.name, request.message) == ("Bob", "We run a youth theatre")

    workspaces.decide_request(viewer(moderator), request.id, accept=True)
    assert role(request_workspace, member) == "member"
    assert kinds_for(member) == ["accepted"]
    [mail] = mails_to(member.email)
    assert "Request Room" in mail.subject
    assert workspaces.join_requests(viewer(owner), request_workspace.id) == []


def test_declined_request_tells_the_requester_and_admits_nobody(owner, member, request_workspace):
    workspaces.join(viewer(member), request_workspace.id)
    [(request, _)] = workspaces.join_requests(viewer(owner), request_workspace.id)
    workspaces.decide_request(viewer(owner), request.id, accept=False)
    assert role(request_workspace, member) is None
    assert kinds_for(member) == ["declined"]
    assert len(mails_to(member.email)) == 1
    with pytest.raises(Refused, match="This request was already decided."):
        workspaces.decide_request(viewer(owner), request.id, accept=True)
    assert role(request_workspace, member) is None


def test_second_request_while_one_is_pending_is_refused(member, request_workspace):
    workspaces.join(viewer(member), request_workspace.id)
    with pytest.raises(Refused, match="You have already asked to join. The owners will decide."):
        workspaces.join(viewer(member), request_workspace.id)
    assert count(JoinRequest) == 1


def test_plain_member_and_outsider_cannot_decide_join_requests(owner, member, outsider, request_workspace, password_hash):
    add(request_workspace, member)
    frida = make_person(password_hash, "Frida")
    workspaces.join(viewer(frida), request_workspace.id)
    [(request, _)] = workspaces.join_requests(viewer(owner), request_workspace.id)
    for person, refusal, refusal_of_request in ((member, MANAGERS_ONLY, MANAGERS_ONLY), (outsider, MEMBERS_ONLY, NO_SUCH_REQUEST)):
        with pytest.raises(Refused, match=refusal_of_request):
            workspaces.decide_request(viewer(person), request.id, accept=True)
        with pytest.raises(Refused, match=refusal):
            workspaces.join_requests(viewer(person), request_workspace.id)
    assert role(request_workspace, frida) is None


# Invitations


def test_member_invited_by_email_is_notified_and_joins_by_accepting(owner, member, closed_workspace):
    workspaces.invite(viewer(owner), closed_workspace.id, "  BOB@example.org ")
    assert kinds_for(member) == ["invitation"]
    [(invitation, workspace)] = workspaces.listing(viewer(member)).invitations
    assert workspace.name == "Secret Circle"
    assert workspaces.answer_invitation(viewer(member), invitation.id, accept=True) == closed_workspace.id
    assert role(closed_workspace, member) == "member"
    assert workspaces.listing(viewer(member)).invitations == []


def test_member_invited_by_exact_name_is_notified_and_joins_by_accepting(owner, member, closed_workspace):
    invitation = workspaces.invite(viewer(owner), closed_workspace.id, "Bob")
    assert invitation.user_id == member.id
    assert kinds_for(member) == ["invitation"]
    workspaces.answer_invitation(viewer(member), invitation.id, accept=True)
    assert role(closed_workspace, member) == "member"


def test_declined_invitation_admits_nobody(owner, member, closed_workspace):
    invitation = workspaces.invite(viewer(owner), closed_workspace.id, member.email)
    workspaces.answer_invitation(viewer(member), invitation.id, accept=False)
    assert role(closed_workspace, member) is None
    with pytest.raises(Refused, match=NOT_FOUND):
        workspaces.place(viewer(member), closed_workspace.id)


def test_invitation_cannot_be_answered_by_someone_else(owner, member, outsider, closed_workspace):
    invitation = workspaces.invite(viewer(owner), closed_workspace.id, member.email)
    with pytest.raises(Refused, match=INVITATION_GONE):
        workspaces.answer_invitation(viewer(outsider), invitation.id, accept=True)
    assert role(closed_workspace, outsider) is None


def test_unknown_name_that_is_no_address_is_refused(owner, closed_workspace):
    with pytest.raises(Invalid) as refused:
        workspaces.invite(viewer(owner), closed_workspace.id, "Nobody Known")
    assert "who" in refused.value.errors
    assert count(Invitation) == 0


def test_existing_member_of_the_workspace_cannot_be_invited(owner, member, open_workspace):
    add(open_workspace, member)
    with pytest.raises(Invalid):
        workspaces.invite(viewer(owner), open_workspace.id, member.email)
    assert count(Invitation) == 0


def test_plain_member_and_outsider_cannot_invite(owner, member, outsider, open_workspace):
    add(open_workspace, member)
    for person, refusal in ((member, MANAGERS_ONLY), (outsider, MEMBERS_ONLY)):
        with pytest.raises(Refused, match=refusal):
            workspaces.invite(viewer(person), open_workspace.id, "frida@example.org")
    assert count(Invitation) == 0
    assert mails_to("frida@example.org") == []


def test_invited_address_gets_mail_and_lands_in_the_workspace_once_approved(owner, admin, closed_workspace):
    workspaces.invite(viewer(owner), closed_workspace.id, "Frida@Example.org")
    [invite_mail] = mails_to("frida@example.org")
    assert "Secret Circle" in invite_mail.body
    assert "/register" in invite_mail.body

    frida = accounts.register(
        accounts.Registration(name="Frida", email="frida@example.org", organisation="", password="a long passphrase here", accepted_terms=True, language="en"), "192.0.2.1"
    )
    token = mail.readable_body(mails_to("frida@example.org")[-1]).split("/confirm?token=")[1].split()[0]
    accounts.confirm_email(token)
    with transaction() as session:
        assert session.get(User, frida.id).status == Status.PENDING
    assert role(closed_workspace, frida) is None

    membership.approve(viewer(admin), frida.id)
    assert role(closed_workspace, frida) == "member"
    assert workspaces.place(viewer(frida), closed_workspace.id).role == "member"


def test_invited_applicant_lands_in_the_workspace_when_approved(owner, admin, applicant, closed_workspace):
    workspaces.invite(viewer(owner), closed_workspace.id, applicant.email)
    assert role(closed_workspace, applicant) is None
    membership.approve(viewer(admin), applicant.id)
    assert role(closed_workspace, applicant) == "member"


def test_invited_address_lands_in_the_workspace_at_confirmation_under_the_open_policy(owner, closed_workspace, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, membership_policy="open"))
    workspaces.invite(viewer(owner), closed_workspace.id, "frida@example.org")
    frida = accounts.register(
        accounts.Registration(name="Frida", email="frida@example.org", organisation="", password="a long passphrase here", accepted_terms=True, language="en"), "192.0.2.1"
    )
    accounts.confirm_email(mail.readable_body(mails_to("frida@example.org")[-1]).split("/confirm?token=")[1].split()[0])
    assert role(closed_workspace, frida) == "member"


def test_expired_invitation_cannot_be_accepted(owner, member, closed_workspace):
    invitation = workspaces.invite(viewer(owner), closed_workspace.id, member.email)
    change(Invitation, invitation.id, expires_at=utcnow() - timedelta(minutes=1))
    assert workspaces.listing(viewer(member)).invitations == []
    assert workspaces.invitations(viewer(owner), closed_workspace.id) == []
    with pytest.raises(Refused, match=INVITATION_GONE):
        workspaces.answer_invitation(viewer(member), invitation.id, accept=True)
    with pytest.raises(Refused, match=NOT_FOUND):
        workspaces.place(viewer(member), closed_workspace.id)
    assert role(closed_workspace, member) is None


def test_expired_address_invitation_does_not_admit_on_approval(owner, admin, applicant, closed_workspace):
    invitation = workspaces.invite(viewer(owner), closed_workspace.id, applicant.email)
    change(Invitation, invitation.id, expires_at=utcnow() - timedelta(minutes=1))
    membership.approve(viewer(admin), applicant.id)
    assert role(closed_workspace, applicant) is None


def test_withdrawn_invitation_cannot_be_accepted(owner, member, closed_workspace):
    invitation = workspaces.invite(viewer(owner), closed_workspace.id, member.email)
    assert [i.id for i in workspaces.invitations(viewer(owner), closed_workspace.id)] == [invitation.id]
    workspaces.withdraw_invitation(viewer(owner), invitation.id)
    assert workspaces.invitations(viewer(owner), closed_workspace.id) == []
    with pytest.raises(Refused, match=INVITATION_GONE):
        workspaces.answer_invitation(viewer(member), invitation.id, accept=True)
    assert role(closed_workspace, member) is None


def test_outsider_cannot_withdraw_an_invitation(owner, member, outsider, closed_workspace):
    invitation = workspaces.invite(viewer(owner), closed_workspace.id, member.email)
    with pytest.raises(Refused, match=INVITATION_GONE):
        workspaces.withdraw_invitation(viewer(outsider), invitation.id)
    workspaces.answer_invitation(viewer(member), invitation.id, accept=True)
    assert role(closed_workspace, member) == "member"


# Roles


def test_owner_makes_a_member_moderator_and_back(owner, member, open_workspace):
    add(open_workspace, member)
    workspaces.set_role(viewer(owner), open_workspace.id, member.id, "moderator")
    assert role(open_workspace, member) == "moderator"
    workspaces.set_role(viewer(owner), open_workspace.id, member.id, "member")
    assert role(open_workspace, member) == "member"


def test_moderator_and_member_cannot_set_roles(owner, moderator, member, open_workspace):
    add(open_workspace, moderator, "moderator")
    add(open_workspace, member)
    with pytest.raises(Refused, match=OWNERS_ONLY):
        workspaces.set_role(viewer(moderator), open_workspace.id, member.id, "moderator")
    with pytest.raises(Refused, match=OWNERS_ONLY):
        workspaces.set_role(viewer(member), open_workspace.id, member.id, "owner")
    assert role(open_workspace, member) == "member"


def test_unknown_role_is_refused(owner, member, open_workspace):
    add(open_workspace, member)
    with pytest.raises(Refused, match=CHOOSE_AN_OPTION):
        workspaces.set_role(viewer(owner), open_workspace.id, member.id, "king")
    assert role(open_workspace, member) == "member"


def test_transferring_ownership_makes_the_former_owner_a_moderator(owner, member, open_workspace):
    add(open_workspace, member)
    workspaces.transfer_ownership(viewer(owner), open_workspace.id, member.id)
    assert role(open_workspace, member) == "owner"
    assert role(open_workspace, owner) == "moderator"
    assert workspaces.place(viewer(owner), open_workspace.id).owners == ["Bob"]


def test_ownership_cannot_be_transferred_to_a_non_member(owner, outsider, open_workspace):
    with pytest.raises(Refused, match="This person is not a member of the workspace."):
        workspaces.transfer_ownership(viewer(owner), open_workspace.id, outsider.id)
    assert role(open_workspace, owner) == "owner"


def test_moderator_removes_a_member_but_not_an_owner(owner, moderator, member, open_workspace):
    add(open_workspace, moderator, "moderator")
    add(open_workspace, member)
    with pytest.raises(Refused, match=OWNERS_ONLY):
        workspaces.remove_member(viewer(moderator), open_workspace.id, owner.id)
    assert role(open_workspace, owner) == "owner"
    workspaces.remove_member(viewer(moderator), open_workspace.id, member.id)
    assert role(open_workspace, member) is None


def test_plain_member_cannot_remove_anyone(owner, member, outsider, open_workspace):
    add(open_workspace, member)
    add(open_workspace, outsider)
    with pytest.raises(Refused, match=MANAGERS_ONLY):
        workspaces.remove_member(viewer(member), open_workspace.id, outsider.id)
    assert role(open_workspace, outsider) == "member"


def test_member_leaves_a_workspace(member, open_workspace):
    add(open_workspace, member)
    workspaces.leave(viewer(member), open_workspace.id)
    assert role(open_workspace, member) is None


def test_last_owner_cannot_leave_be_demoted_or_removed(owner, open_workspace):
    me = viewer(owner)
    with pytest.raises(Refused, match=LAST_OWNER_STAYS):
        workspaces.leave(me, open_workspace.id)
    with pytest.raises(Refused, match=KEEP_AN_OWNER):
        workspaces.set_role(me, open_workspace.id, owner.id, "moderator")
    with pytest.raises(Refused, match=KEEP_AN_OWNER):
        workspaces.remove_member(me, open_workspace.id, owner.id)
    assert role(open_workspace, owner) == "owner"


def test_one_of_two_owners_may_step_down(owner, member, open_workspace):
    add(open_workspace, member, "owner")
    workspaces.set_role(viewer(owner), open_workspace.id, owner.id, "member")
    assert role(open_workspace, owner) == "member"
    with pytest.raises(Refused, match=LAST_OWNER_STAYS):
        workspaces.leave(viewer(member), open_workspace.id)


# Lifecycle


def test_archived_workspace_is_read_only_for_everyone_in_it_but_still_readable(owner, member, outsider, open_workspace):
    add(open_workspace, member)
    thread = discussions.start_thread(viewer(owner), open_workspace.id, "Plans", "Let us plan", "key-opening-1")
    workspaces.update(viewer(owner), open_workspace.id, form("Open Forum", lifecycle="archived"))
    event = calendar.EventForm(title="Meeting", starts="2030-01-01T10:00", ends="2030-01-01T11:00")
    for person in (owner, member):
        with pytest.raises(Refused, match=ARCHIVED):
            discussions.reply(viewer(person), thread.id, "One more thing", f"key-reply-{person.id}")
        with pytest.raises(Refused, match=ARCHIVED):
            discussions.start_thread(viewer(person), open_workspace.id, "New", "New topic", f"key-start-{person.id}")
        with pytest.raises(Refused, match=ARCHIVED):
            calendar.add_event(viewer(person), open_workspace.id, event)
        assert [row.thread.title for row in discussions.threads(viewer(person), thread.workspace_id)] == ["Plans"]
        assert [view.html for view in discussions.posts(viewer(person), thread.id)] == ["<p>Let us plan</p>\n"]
        assert calendar.upcoming(viewer(person), open_workspace.id) == []
    with pytest.raises(Refused, match=ARCHIVED):
        workspaces.join(viewer(outsider), open_workspace.id)
    assert workspaces.place(viewer(outsider), open_workspace.id).workspace.lifecycle == "archived"


def test_owner_reactivates_an_archived_workspace(owner, open_workspace):
    workspaces.update(viewer(owner), open_workspace.id, form("Open Forum", lifecycle="archived"))
    workspaces.update(viewer(owner), open_workspace.id, form("Open Forum", lifecycle="active"))
    discussions.start_thread(viewer(owner), open_workspace.id, "Back", "We are back", "key-opening-1")


def test_quiet_workspace_prompts_its_owners_once_per_quiet_spell(owner, member, open_workspace, request_workspace):
    add(open_workspace, member)
    change(Workspace, open_workspace.id, last_activity_at=utcnow() - timedelta(days=100))
    assert workspaces.prompt_inactive(90) == 1
    assert kinds_for(owner) == ["inactive"]
    assert kinds_for(member) == []

    assert workspaces.prompt_inactive(90) == 0
    assert kinds_for(owner) == ["inactive"]

    discussions.start_thread(viewer(member), open_workspace.id, "Still here", "Yes we are", "key-opening-1")
    assert workspaces.prompt_inactive(90) == 0
    change(Workspace, open_workspace.id, last_activity_at=utcnow() - timedelta(days=100))
    assert workspaces.prompt_inactive(90) == 1
    assert kinds_for(owner) == ["inactive", "inactive"]


def test_touch_ends_a_quiet_spell(owner, open_workspace):
    change(Workspace, open_workspace.id, last_activity_at=utcnow() - timedelta(days=100))
    workspaces.prompt_inactive(90)
    with transaction() as session:
        workspaces.touch(session, open_workspace.id)
    change(Workspace, open_workspace.id, last_activity_at=utcnow() - timedelta(days=100))
    assert workspaces.prompt_inactive(90) == 1


def test_archived_workspace_is_not_prompted(owner, open_workspace):
    workspaces.update(viewer(owner), open_workspace.id, form("Open Forum", lifecycle="archived"))
    change(Workspace, open_workspace.id, last_activity_at=utcnow() - timedelta(days=100))
    assert workspaces.prompt_inactive(90) == 0
    assert kinds_for(owner) == []
