"""The moderation handlers as a browser tab calls them: Bob reports a post, Olivia's workspace is moderated; every
moderation handler, called by a member, an outsider and a moderator of another workspace, refuses with a clear message
and changes nothing."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import ModerationCase, Post, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import discussions, moderation, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from partnerskap.state.accounts import AccountState
from partnerskap.state.admin import AdminState
from partnerskap.state.moderation import ModerationState, ReportState
from tests.conftest import make_person, viewer
from tests.handlers import Tab
from tests.test_guard import _table_snapshot


@pytest.fixture
def post(workspace: Workspace, owner: User) -> Post:
    """Olivia's opening post in Baltic Bridges."""
    thread = discussions.start_thread(viewer(owner), workspace.id, "Welcome", "Buy cheap watches here", discussions.new_key())
    with transaction() as session:
        return session.exec(select(Post).where(Post.thread_id == thread.id)).one()


@pytest.fixture
def other_moderator(password_hash: str) -> User:
    """Mia, who owns a workspace of her own and nothing of Olivia's."""
    mia = make_person(password_hash, "Mia")
    workspaces.create(viewer(mia), WorkspaceForm(name="Nordic Nights", purpose="Evenings"))
    return mia


async def test_member_reports_a_post_through_the_dialog_and_is_thanked(post, member):
    tab = Tab.of(member)
    await tab.call(ReportState, "open_report", "post", post.id)
    state, _ = await tab.call(ReportState, "send_report", {"reason": "spam", "note": "Watches"})
    assert state.notice == t("Thank you. Your report arrived and the moderators will look at it.", state.lang)
    assert state.report_open is False
    state, _ = await tab.call(ReportState, "open_report", "post", post.id)
    state, _ = await tab.call(ReportState, "send_report", {"reason": "spam", "note": "Again"})
    assert state.notice == t(moderation.ALREADY_REPORTED, state.lang)


async def test_the_owner_hides_a_reported_post_from_the_queue(post, member, owner):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    tab = Tab.of(owner, path="/moderation")
    state, _ = await tab.call(ModerationState, "load_queue")
    assert [shown.id for shown in state.cases] == [case.id]
    state, _ = await tab.call(ModerationState, "decide", {"case_id": str(case.id), "decision": "hide", "reason": "Advertising", "until": ""})
    assert state.cases == [] and [shown.id for shown in state.decided] == [case.id]


def _calls(case_id: int, workspace_id: int) -> list[tuple[type, str, tuple]]:
    return [
        (ModerationState, "load_queue", ()),
        (ModerationState, "decide", ({"case_id": str(case_id), "decision": "hide", "reason": "Because", "until": ""},)),
        (ModerationState, "appeal", ({"case_id": str(case_id), "note": "Not fair"},)),
        (ModerationState, "close_workspace", ({"workspace_id": str(workspace_id), "reason": "Because"},)),
        (ModerationState, "reopen_workspace", ({"workspace_id": str(workspace_id), "reason": "Because"},)),
        (ModerationState, "delete_workspace", (workspace_id,)),
        (ModerationState, "save_premoderation", ({"workspace_id": str(workspace_id), "premoderation_days": "5"},)),
        (AdminState, "end_sessions", (case_id,)),
    ]


@pytest.mark.parametrize("who", ["member", "outsider", "other_moderator"])
async def test_every_moderation_handler_refuses_people_who_do_not_moderate_and_changes_nothing(who, post, member, admin, workspace, request):
    person = request.getfixturevalue(who)
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.decide(viewer(admin), case.id, "warn", "Careful")
    with transaction() as session:
        session.get(ModerationCase, case.id).status = "open"  # open again: deciding it would change it
    for state_class, name, arguments in _calls(case.id, workspace.id):
        tab = Tab.of(person, path=f"/moderation?{urlencode({'case_id': case.id})}")
        before = _table_snapshot()
        state, _ = await tab.call(state_class, name, *arguments)
        assert _table_snapshot() == before, f"{who} changed something through {name}"
        if name == "load_queue":
            assert case.id not in [shown.id for shown in state.cases]
        else:
            assert state.notice, f"{who} got no message from {name}"


async def test_an_appeal_after_the_deadline_says_so_and_changes_nothing(post, member, admin, owner):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    moderation.decide(viewer(admin), case.id, "warn", "Careful")
    with transaction() as session:
        session.get(ModerationCase, case.id).decided_at = utcnow() - timedelta(days=15)
    tab = Tab.of(owner)
    before = _table_snapshot()
    state, _ = await tab.call(ModerationState, "appeal", {"case_id": str(case.id), "note": "Late"})
    assert state.notice == t(moderation.APPEAL_LATE, state.lang)
    assert _table_snapshot() == before


async def test_a_suspended_member_who_logs_in_sees_the_reason_the_end_and_the_appeal(post, member, admin, owner):
    case = moderation.report(viewer(member), "post", post.id, "spam")
    until = (utcnow() + timedelta(days=10)).date()
    moderation.decide(viewer(admin), case.id, "suspend", "Repeated advertising", until.isoformat())
    tab = Tab.of(owner, path="/status")
    state, _ = await tab.call(AccountState, "load_status")
    assert (state.viewer_status, state.status_reason, state.appeal_case) == ("suspended", "Repeated advertising", case.id)
    assert state.suspended_until
    tab.move_to(f"/moderation/cases/{case.id}?{urlencode({'case_id': case.id})}")
    state, _ = await tab.call(ModerationState, "load_case")
    assert (state.case.id, state.case.reason, state.can_appeal) == (case.id, "Repeated advertising", True)
    state, _ = await tab.call(ModerationState, "appeal", {"case_id": str(case.id), "note": "I will stop"})
    assert state.notice == t("Your appeal was sent. Another administrator will decide.", state.lang)


async def test_admin_ends_a_members_sessions_from_the_member_card(member, admin):
    members_tab = Tab.of(member)
    state, _ = await Tab.of(admin).call(AdminState, "end_sessions", member.id)
    assert state.notice == t("{name} was logged out everywhere.", state.lang, name="Bob")
    state, _ = await members_tab.call(ReportState, "close_report")
    assert state.notice == t("Log in to continue.", state.lang)
