"""A member's home: my workspaces with unread counts, what others did since my last visit, what waits for me."""

from datetime import timedelta

import pytest
from sqlmodel import update

from partnerskap.db import transaction
from partnerskap.models import AuthSession, Membership, Post, Thread
from partnerskap.models.base import utcnow
from partnerskap.schemas import HomePublic
from partnerskap.services import calendar, discussions, home, workspaces
from partnerskap.services.errors import Refused
from partnerskap.services.workspaces import WorkspaceForm
from tests.conftest import viewer
from tests.refusals import NOT_APPROVED


def last_visit(user, ago: timedelta) -> None:
    """The person's previous session ended `ago` (everyone belonged to their workspaces by then); the current one began just now."""
    now = utcnow()
    with transaction() as session:
        session.exec(update(Membership).values(joined_at=now - ago - timedelta(days=1)))
        session.add(AuthSession(token_hash=f"previous-{user.id}", user_id=user.id, created_at=now - ago - timedelta(hours=1), last_seen_at=now - ago))
        session.add(AuthSession(token_hash=f"current-{user.id}", user_id=user.id, created_at=now, last_seen_at=now))


def news(user) -> list[str]:
    return [item.text for item in HomePublic.of(home.home(viewer(user)), "en").activity]


def test_member_sees_what_others_did_since_the_last_visit(owner, member, outsider, workspace):
    old = discussions.start_thread(viewer(owner), workspace.id, "Last year's plans", "Old news", "key-old-thread")
    with transaction() as session:
        session.exec(update(Thread).where(Thread.id == old.id).values(created_at=utcnow() - timedelta(days=3)))
        session.exec(update(Post).where(Post.thread_id == old.id).values(created_at=utcnow() - timedelta(days=3)))
    last_visit(member, timedelta(days=1))
    thread = discussions.start_thread(viewer(owner), workspace.id, "Spring festival", "Who joins?", "key-number-1")
    discussions.reply(viewer(member), thread.id, "I do", "key-number-2")
    discussions.reply(viewer(owner), thread.id, "Great", "key-number-3")
    discussions.reply(viewer(owner), thread.id, "See you", "key-number-4")
    calendar.add_event(viewer(owner), workspace.id, calendar.EventForm(title="Planning meeting", starts="2099-05-01T10:00", ends="2099-05-01T12:00"))
    workspaces.join(viewer(outsider), workspace.id)
    assert sorted(news(member)) == sorted(
        [
            'Olivia started the discussion "Spring festival"',
            '2 new replies in "Spring festival"',
            'Olivia added the event "Planning meeting"',
            "Charlie joined the workspace",
        ]
    )


def test_a_member_who_never_left_sees_the_last_week(owner, member, workspace):
    discussions.start_thread(viewer(owner), workspace.id, "Spring festival", "Who joins?", "key-number-1")
    assert news(member) == ['Olivia started the discussion "Spring festival"']
    assert news(owner) == ["Bob joined the workspace"]


def test_my_workspaces_count_discussions_with_unread_posts(owner, member, workspace):
    first = discussions.start_thread(viewer(owner), workspace.id, "Spring festival", "Who joins?", "key-number-1")
    discussions.start_thread(viewer(owner), workspace.id, "Budget", "Numbers", "key-number-2")
    assert [(card.name, card.role, card.unread) for card in HomePublic.of(home.home(viewer(member)), "en").workspaces] == [("Baltic Bridges", "member", 2)]
    discussions.posts(viewer(member), first.id)
    assert HomePublic.of(home.home(viewer(member)), "en").workspaces[0].unread == 1


def test_home_shows_my_invitations_requests_and_upcoming_events(owner, member, outsider, workspace):
    on_request = workspaces.create(viewer(owner), WorkspaceForm(name="Request Room", purpose="Asking first", access="request"))
    closed = workspaces.create(viewer(owner), WorkspaceForm(name="Secret Circle", purpose="Invited only", access="invitation"))
    workspaces.join(viewer(outsider), on_request.id)
    workspaces.invite(viewer(owner), closed.id, outsider.email)
    workspaces.join(viewer(outsider), workspace.id)
    calendar.add_event(viewer(owner), workspace.id, calendar.EventForm(title="Planning meeting", starts="2099-05-01T10:00", ends="2099-05-01T12:00"))
    shown = HomePublic.of(home.home(viewer(outsider)), "en")
    assert [invitation.workspace for invitation in shown.invitations] == ["Secret Circle"]
    assert [request.workspace for request in shown.requests] == ["Request Room"]
    assert [(event.title, event.workspace) for event in shown.upcoming] == [("Planning meeting", "Baltic Bridges")]
    assert HomePublic.of(home.home(viewer(owner)), "en").requests_to_decide == 1


def test_administrator_sees_applicants_waiting_and_members_do_not(admin, member, applicant):
    assert home.home(viewer(admin)).applicants_waiting == 1
    assert home.home(viewer(member)).applicants_waiting == 0


def test_applicant_has_no_home_yet(applicant):
    with pytest.raises(Refused, match=NOT_APPROVED):
        home.home(viewer(applicant))
