"""The permission policy as a table: people × actions × workspace settings, each cell checked against the real service.

The expected outcome of every cell comes from the policy (`permissions.decide`); the test then does the action through
the service that does it for real and compares: allowed means the service did it, refused means it refused with
exactly the policy's message. A service that checked something by hand, or forgot to check, shows up as a cell.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import col, select

from partnerskap.db import transaction
from partnerskap.models import AccessPolicy, AuditEntry, Document, Event, Lifecycle, Membership, Post, Role, Status, Thread, User, Workspace, WorkspaceRole
from partnerskap.models.base import utcnow
from partnerskap.services import calendar, discussions, documents, permissions, workspace_page, workspaces
from partnerskap.services.errors import Refused
from partnerskap.services.permissions import Action, Allowed, Refusal, WorkspacePlace
from partnerskap.services.sessions import Viewer
from tests.conftest import make_person

ACCESS = tuple(AccessPolicy)
LIFECYCLES = tuple(Lifecycle)
PEOPLE = ("owner", "moderator", "member", "outsider", "admin", "suspended")
ROLES = {"owner": WorkspaceRole.OWNER, "moderator": WorkspaceRole.MODERATOR, "member": WorkspaceRole.MEMBER, "suspended": WorkspaceRole.MEMBER}
# An item loaded by id in a place the viewer may not read is refused as if it did not exist (workspaces.authorised).
HIDDEN = {
    Action.EDIT: "This post does not exist.",
    Action.CHANGE: "This event does not exist.",
    Action.MODERATE: "This discussion does not exist or you do not have access to it.",
    Action.TRASH: "This document is not in the trash.",
}


def viewer(user: User) -> Viewer:
    with transaction() as session:
        return Viewer.of(session.get(User, user.id))


@dataclasses.dataclass(frozen=True)
class Cell:
    """One workspace made for one action by one person: the items the action is done on."""

    workspace_id: int
    thread_id: int
    post_id: int
    event_id: int
    trashed_id: int


@pytest.fixture
def people(password_hash: str) -> dict[str, User]:
    """Olivia owns, Maria moderates, Bob is a member, Charlie an outsider, Alice an administrator, Sam a suspended member."""
    made = {
        "owner": make_person(password_hash, "Olivia"),
        "second_owner": make_person(password_hash, "Otto"),
        "moderator": make_person(password_hash, "Maria"),
        "member": make_person(password_hash, "Bob"),
        "outsider": make_person(password_hash, "Charlie"),
        "admin": make_person(password_hash, "Alice", role=Role.ADMIN),
        "suspended": make_person(password_hash, "Sam", status=Status.SUSPENDED),
    }
    return made


def make_cell(people: dict[str, User], access: str, lifecycle: str, number: int) -> Cell:
    """A workspace with two owners (so no last-owner rule interferes), a moderator and members, and in it a thread and
    an event by Bob and a document in the trash; then given its access policy and lifecycle."""
    with transaction() as session:
        workspace = Workspace(name=f"Cell {number}", name_key=f"cell {number}", purpose="A cell of the table", access=access, lifecycle=Lifecycle.ACTIVE, created_by=people["owner"].id)
        session.add(workspace)
        session.flush()
        for person, role in [*ROLES.items(), ("second_owner", WorkspaceRole.OWNER)]:
            session.add(Membership(workspace_id=workspace.id, user_id=people[person].id, role=role))
        bob = people["member"].id
        thread = Thread(workspace_id=workspace.id, title="Plans", author_id=bob, post_count=1)
        session.add(thread)
        session.flush()
        post = Post(thread_id=thread.id, author_id=bob, body="Let us plan", html="<p>Let us plan</p>\n", idempotency_key=f"cell-{number}")
        event = Event(workspace_id=workspace.id, title="Meeting", starts_at=utcnow(), ends_at=utcnow(), created_by=bob)
        trashed = Document(workspace_id=workspace.id, name="Old minutes", created_by=bob, deleted_at=utcnow(), deleted_by=bob)
        session.add_all([post, event, trashed])
        session.flush()
        workspace.lifecycle = lifecycle
        session.add(workspace)
        return Cell(workspace.id, thread.id, post.id, event.id, trashed.id)


def same_settings(cell: Cell) -> workspaces.WorkspaceForm:
    with transaction() as session:
        workspace = session.get(Workspace, cell.workspace_id)
        return workspaces.WorkspaceForm(name=workspace.name, purpose=workspace.purpose, access=workspace.access, lifecycle=workspace.lifecycle)


# Each action done through the service that does it for real.
DO: dict[Action, Callable[[Viewer, Cell, dict[str, User]], object]] = {
    Action.SEE: lambda who, cell, people: workspaces.place(who, cell.workspace_id),
    Action.READ: lambda who, cell, people: workspaces.members(who, cell.workspace_id),
    Action.JOIN: lambda who, cell, people: workspaces.join(who, cell.workspace_id, "May I?"),
    Action.LEAVE: lambda who, cell, people: workspaces.leave(who, cell.workspace_id),
    Action.CONTRIBUTE: lambda who, cell, people: calendar.add_event(who, cell.workspace_id, calendar.EventForm(title="Kick-off", starts="2030-01-01T10:00", ends="2030-01-01T11:00")),
    Action.EDIT: lambda who, cell, people: discussions.edit(who, cell.post_id, "Let us plan together"),
    Action.CHANGE: lambda who, cell, people: calendar.delete_event(who, cell.event_id),
    Action.REVIEW: lambda who, cell, people: workspaces.join_requests(who, cell.workspace_id),
    Action.MODERATE: lambda who, cell, people: discussions.pin(who, cell.thread_id, True),
    Action.TRASH: lambda who, cell, people: documents.restore_document(who, cell.trashed_id),
    Action.APPOINT: lambda who, cell, people: workspaces.set_role(who, cell.workspace_id, people["member"].id, WorkspaceRole.MEMBER),
    Action.OWN: lambda who, cell, people: workspaces.update(who, cell.workspace_id, same_settings(cell)),
}


def expected(person: str, who: Viewer, action: Action, workspace: Workspace) -> Allowed | Refusal:
    """The policy's answer for the cell, as the service must give it."""
    place = WorkspacePlace(workspace=workspace, role=ROLES.get(person))
    author = who.id if person == "member" else None  # Bob wrote the post and the event
    decision = permissions.decide(who, action, place, author_id=author)
    if action in HIDDEN and isinstance(permissions.decide(who, Action.READ, place), Refusal) and who.is_member:
        return Refusal(HIDDEN[action])
    return decision


def outcome(do: Callable[[], object]) -> Allowed | Refusal:
    try:
        do()
    except Refused as refusal:
        return Refusal(refusal.message)
    return permissions.ALLOWED


def test_every_action_has_a_service_in_the_table():
    assert set(DO) == set(Action)


@pytest.mark.parametrize(("access", "lifecycle"), list(itertools.product(ACCESS, LIFECYCLES)))
def test_services_refuse_exactly_what_the_policy_refuses(people, access, lifecycle):
    viewers = {person: viewer(people[person]) for person in PEOPLE}
    wrong = []
    for number, (person, action) in enumerate(itertools.product(PEOPLE, Action)):
        cell = make_cell(people, access, lifecycle, number)
        with transaction() as session:
            workspace = session.get(Workspace, cell.workspace_id)
        want = expected(person, viewers[person], action, workspace)
        got = outcome(lambda: DO[action](viewers[person], cell, people))
        if got != want:
            wrong.append(f"{person:10} {action:10} policy: {want}  service: {got}")
    assert wrong == [], f"{access}/{lifecycle}:\n" + "\n".join(wrong)


def test_the_table_of_roles_and_actions_in_the_architecture_notes_is_the_policys():
    notes = (Path(__file__).parent.parent / "docs" / "architecture.md").read_text()
    assert permissions.table() in notes


# What the table means for the people in it


def test_admin_opens_an_invitation_only_workspace_they_do_not_belong_to_and_the_entry_is_audited(people):
    cell = make_cell(people, AccessPolicy.INVITATION, Lifecycle.ACTIVE, 1)
    alice = viewer(people["admin"])
    page = workspace_page.open_workspace(alice, cell.workspace_id)
    assert [thread.thread.title for thread in page.threads] == ["Plans"]
    assert page.place.role is None
    assert entries_of(people["admin"]) == [("workspace.enter", cell.workspace_id)]
    workspace_page.open_workspace(alice, cell.workspace_id, entering=False)  # a refresh after a change is no new entry
    assert len(entries_of(people["admin"])) == 1


def test_members_entering_their_own_workspace_are_not_audited(people):
    cell = make_cell(people, AccessPolicy.INVITATION, Lifecycle.ACTIVE, 1)
    workspace_page.open_workspace(viewer(people["owner"]), cell.workspace_id)
    discussions.open_thread(viewer(people["member"]), cell.thread_id)
    assert entries_of(people["owner"]) == [] and entries_of(people["member"]) == []


def test_admin_opening_a_thread_of_a_workspace_they_do_not_belong_to_is_audited_once(people):
    cell = make_cell(people, AccessPolicy.INVITATION, Lifecycle.ACTIVE, 1)
    page = discussions.open_thread(viewer(people["admin"]), cell.thread_id)
    assert [view.html for view in page.posts] == ["<p>Let us plan</p>\n"]
    discussions.posts(viewer(people["admin"]), cell.thread_id, after_id=0)
    assert entries_of(people["admin"]) == [("workspace.enter", cell.workspace_id)]


def test_outsider_cannot_find_an_invitation_only_workspace(people):
    cell = make_cell(people, AccessPolicy.INVITATION, Lifecycle.ACTIVE, 1)
    with pytest.raises(Refused, match="does not exist or you do not have access"):
        workspace_page.open_workspace(viewer(people["outsider"]), cell.workspace_id)


def test_member_may_remove_their_own_event_but_not_another_members(people):
    cell = make_cell(people, AccessPolicy.OPEN, Lifecycle.ACTIVE, 1)
    olivias = calendar.add_event(viewer(people["owner"]), cell.workspace_id, calendar.EventForm(title="Olivia's", starts="2030-01-01T10:00", ends="2030-01-01T11:00"))
    bob = viewer(people["member"])
    page = workspace_page.open_workspace(bob, cell.workspace_id)
    removable = {event.title: bool(permissions.decide(bob, Action.CHANGE, page.place, author_id=event.created_by)) for event in page.events}
    assert removable == {"Olivia's": False}  # Bob's own event started in the past, so only Olivia's is upcoming
    with pytest.raises(Refused, match="Only its author and the workspace's moderators can do this."):
        calendar.delete_event(bob, olivias.id)
    calendar.delete_event(bob, cell.event_id)


def entries_of(user: User) -> list[tuple[str, int | None]]:
    with transaction() as session:
        return [(entry.action, entry.workspace_id) for entry in session.exec(select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(col(AuditEntry.id))).all()]


def test_admin_finds_invitation_only_workspaces_in_the_list_and_outsiders_do_not(people):
    make_cell(people, AccessPolicy.INVITATION, Lifecycle.ACTIVE, 1)
    assert [row.workspace.name for row in workspaces.listing(viewer(people["admin"])).rows] == ["Cell 1"]
    assert workspaces.listing(viewer(people["outsider"])).rows == []
