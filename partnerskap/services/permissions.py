"""The permission policy: who may do which action in which place, answered in one function for every caller.

Services refuse with it (`require`), states decide which controls a page shows with it (`decide`), and the HTTP
routes reach it through the services they call. A place is anything people act in: a workspace, a network, an open
discussion area or a private conversation; content joins by adding its place type and rules to `_RULES`.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable

from partnerskap.i18n import N_
from partnerskap.models import AccessPolicy, Area, Conversation, Lifecycle, Network, Role, Workspace, WorkspaceRole
from partnerskap.services.errors import Refused
from partnerskap.services.sessions import Viewer

LOG_IN = N_("Log in to continue.")
NOT_APPROVED = N_("Your membership has not been approved.")
ADMINS_ONLY = N_("Only administrators can do this.")
NOT_FOUND = N_("This workspace does not exist or you do not have access to it.")
MEMBERS_ONLY = N_("Only the workspace's members can do this.")
MODERATORS_ONLY = N_("Only the workspace's owners and moderators can do this.")
OWNERS_ONLY = N_("Only the workspace's owners can do this.")
AUTHOR_ONLY = N_("You can only change your own posts.")
AUTHOR_OR_MODERATORS = N_("Only its author and the workspace's moderators can do this.")
ARCHIVED = N_("This workspace is archived: it can be read but not changed.")
CLOSED = N_("This workspace was closed by the administrators: it can be read but not changed.")
ALREADY_MEMBER = N_("You are already a member of this workspace.")
INVITATION_ONLY = N_("This workspace is open by invitation only.")
NETWORK_NOT_FOUND = N_("This network does not exist.")
NETWORK_MEMBERS_ONLY = N_("Only the network's members can do this.")
NETWORK_OWNERS_ONLY = N_("Only the network's owners can do this.")
NETWORK_CLOSED = N_("This network is closed: it can be read but not changed.")
ALREADY_IN_NETWORK = N_("You are already a member of this network.")
REQUEST_WAITING = N_("Your request to join is waiting for the network's owners.")
AREA_NEEDS_NO_JOINING = N_("Every member takes part in open areas without joining.")
AREA_ADMINS_ONLY = N_("Only administrators moderate open areas.")
CONVERSATION_NOT_FOUND = N_("This conversation does not exist or you are not part of it.")


class Action(enum.StrEnum):
    """What a person may try to do in a place."""

    SEE = "see"  # find it and read its introduction
    READ = "read"  # its discussions, calendar, library and member list
    JOIN = "join"  # join at once, or ask to
    LEAVE = "leave"
    CONTRIBUTE = "contribute"  # start discussions, reply, add events, upload, make folders
    EDIT = "edit"  # rewrite the text of an item: its author only
    CHANGE = "change"  # change or remove an item: its author, or moderation
    REVIEW = "review"  # read what moderation reads: edit history, requests to join, invitations
    MODERATE = "moderate"  # pin, decide requests, invite, withdraw invitations, remove members
    TRASH = "trash"  # see the library's trash and restore from it
    APPOINT = "appoint"  # change members' roles, hand the workspace over
    OWN = "own"  # change the settings (un-archiving too), export everyone's documents


@dataclasses.dataclass(frozen=True)
class Allowed:
    """The action is allowed."""

    def __bool__(self) -> bool:
        return True


@dataclasses.dataclass(frozen=True)
class Refusal:
    """The action is refused, with the message (a catalogue id) that says why."""

    message: str

    def __bool__(self) -> bool:
        return False


ALLOWED = Allowed()
Decision = Allowed | Refusal


@dataclasses.dataclass(frozen=True)
class WorkspacePlace:
    """A workspace as one viewer meets it: their role (None for non-members) and whether an invitation waits."""

    workspace: Workspace
    role: str | None
    invited: bool = False
    owners: list[str] = dataclasses.field(default_factory=list)

    @property
    def is_member(self) -> bool:
        """The viewer belongs to the workspace."""
        return self.role is not None

    @property
    def archived(self) -> bool:
        """The workspace can be read but not changed."""
        return self.workspace.lifecycle == Lifecycle.ARCHIVED

    @property
    def closed(self) -> bool:
        """The administrators closed the workspace: read-only, whoever asks, until an administrator reopens it."""
        return self.workspace.lifecycle in (Lifecycle.CLOSED, Lifecycle.DELETED)


@dataclasses.dataclass(frozen=True)
class Rule:
    """Who may do an action in a workspace, and whether it changes the workspace (refused once archived)."""

    roles: frozenset[str]
    admins: bool
    author: bool
    writes: bool
    refusal: str


_ALL_ROLES = frozenset(WorkspaceRole)
_MANAGERS = frozenset({WorkspaceRole.OWNER, WorkspaceRole.MODERATOR})
_OWNERS = frozenset({WorkspaceRole.OWNER})
WORKSPACE_RULES: dict[Action, Rule] = {
    Action.READ: Rule(_ALL_ROLES, admins=True, author=False, writes=False, refusal=MEMBERS_ONLY),
    Action.LEAVE: Rule(_ALL_ROLES, admins=False, author=False, writes=False, refusal=MEMBERS_ONLY),
    Action.CONTRIBUTE: Rule(_ALL_ROLES, admins=False, author=False, writes=True, refusal=MEMBERS_ONLY),
    Action.EDIT: Rule(frozenset(), admins=False, author=True, writes=True, refusal=AUTHOR_ONLY),
    Action.CHANGE: Rule(_MANAGERS, admins=True, author=True, writes=True, refusal=AUTHOR_OR_MODERATORS),
    Action.REVIEW: Rule(_MANAGERS, admins=True, author=False, writes=False, refusal=MODERATORS_ONLY),
    Action.MODERATE: Rule(_MANAGERS, admins=True, author=False, writes=True, refusal=MODERATORS_ONLY),
    Action.TRASH: Rule(_OWNERS, admins=True, author=False, writes=False, refusal=OWNERS_ONLY),
    Action.APPOINT: Rule(_OWNERS, admins=False, author=False, writes=True, refusal=OWNERS_ONLY),
    Action.OWN: Rule(_OWNERS, admins=False, author=False, writes=False, refusal=OWNERS_ONLY),
}


def _decide_workspace(viewer: Viewer, action: Action, place: WorkspacePlace, author_id: int | None) -> Decision:
    workspace = place.workspace
    admin = viewer.is_admin
    if workspace.lifecycle == Lifecycle.DELETED:
        return Refusal(NOT_FOUND)
    if not (place.is_member or admin or place.invited or workspace.access != AccessPolicy.INVITATION):
        return Refusal(NOT_FOUND)  # invitation-only workspaces are hidden from outsiders, as if they did not exist
    if action == Action.SEE:
        return ALLOWED
    if action == Action.JOIN:
        if place.is_member:
            return Refusal(ALREADY_MEMBER)
        if place.closed:
            return Refusal(CLOSED)
        if place.archived:
            return Refusal(ARCHIVED)
        if workspace.access == AccessPolicy.INVITATION:
            return Refusal(INVITATION_ONLY)
        return ALLOWED
    rule = WORKSPACE_RULES[action]
    authored = place.is_member and author_id is not None and author_id == viewer.id
    if not (place.role in rule.roles or (rule.admins and admin) or (rule.author and authored)):
        return Refusal(MEMBERS_ONLY if not (place.is_member or (rule.admins and admin)) else rule.refusal)
    if rule.writes and place.closed:
        return Refusal(CLOSED)
    if rule.writes and place.archived:
        return Refusal(ARCHIVED)
    if action == Action.OWN and place.closed:  # owners cannot reopen it through the settings; members still export their own files
        return Refusal(CLOSED)
    return ALLOWED


@dataclasses.dataclass(frozen=True)
class NetworkPlace:
    """A network as one viewer meets it: their role in it (None for non-members) and whether their request waits."""

    network: Network
    role: str | None
    pending: bool = False

    @property
    def is_member(self) -> bool:
        """The viewer belongs to the network."""
        return self.role is not None and not self.pending

    @property
    def archived(self) -> bool:
        """A closed network can be read but not changed."""
        return self.network.closed_at is not None


def _decide_network(viewer: Viewer, action: Action, place: NetworkPlace, author_id: int | None) -> Decision:
    """Every member finds a network; its members read and write in it; its owners and administrators moderate it."""
    owner = place.is_member and place.role == "owner"
    if action == Action.SEE:
        return ALLOWED if place.network.merged_into is None or viewer.is_admin else Refusal(NETWORK_NOT_FOUND)
    if action == Action.JOIN:
        if place.is_member:
            return Refusal(ALREADY_IN_NETWORK)
        if place.pending:
            return Refusal(REQUEST_WAITING)
        return Refusal(NETWORK_CLOSED) if place.archived else ALLOWED
    if action == Action.READ:
        return ALLOWED if place.is_member or viewer.is_admin else Refusal(NETWORK_MEMBERS_ONLY)
    if action == Action.LEAVE:
        return ALLOWED if place.is_member else Refusal(NETWORK_MEMBERS_ONLY)
    if action in (Action.REVIEW, Action.MODERATE, Action.CHANGE):
        authored = action == Action.CHANGE and place.is_member and author_id == viewer.id
        if not (owner or viewer.is_admin or authored):
            return Refusal(NETWORK_MEMBERS_ONLY if not place.is_member else NETWORK_OWNERS_ONLY)
    elif action == Action.EDIT:
        if not (place.is_member and author_id is not None and author_id == viewer.id):
            return Refusal(AUTHOR_ONLY)
    elif action == Action.CONTRIBUTE:
        if not place.is_member:
            return Refusal(NETWORK_MEMBERS_ONLY)
    elif not owner:  # trash, appoint, own
        return Refusal(NETWORK_OWNERS_ONLY)
    if place.archived and action != Action.REVIEW:
        return Refusal(NETWORK_CLOSED)
    return ALLOWED


@dataclasses.dataclass(frozen=True)
class AreaPlace:
    """An open discussion area: the same for every viewer."""

    area: Area
    archived: bool = False


def _decide_area(viewer: Viewer, action: Action, place: AreaPlace, author_id: int | None) -> Decision:
    """Every approved member reads and writes without joining; administrators moderate."""
    if action in (Action.SEE, Action.READ, Action.CONTRIBUTE):
        return ALLOWED
    if action in (Action.JOIN, Action.LEAVE):
        return Refusal(AREA_NEEDS_NO_JOINING)
    if action == Action.EDIT:
        return ALLOWED if author_id is not None and author_id == viewer.id else Refusal(AUTHOR_ONLY)
    if action == Action.CHANGE and author_id is not None and author_id == viewer.id:
        return ALLOWED
    return ALLOWED if viewer.is_admin else Refusal(AREA_ADMINS_ONLY)


@dataclasses.dataclass(frozen=True)
class ConversationPlace:
    """A private conversation and whether the viewer takes part in it."""

    conversation: Conversation
    participant: bool
    archived: bool = False


def _decide_conversation(viewer: Viewer, action: Action, place: ConversationPlace, author_id: int | None) -> Decision:
    """Only its participants reach a conversation: administrators have no reach into it (a reported post reaches them)."""
    if not place.participant:
        return Refusal(CONVERSATION_NOT_FOUND)
    if action in (Action.SEE, Action.READ, Action.CONTRIBUTE, Action.LEAVE):
        return ALLOWED
    if action in (Action.EDIT, Action.CHANGE):
        return ALLOWED if author_id is not None and author_id == viewer.id else Refusal(AUTHOR_ONLY)
    return Refusal(CONVERSATION_NOT_FOUND)


_RULES: dict[type, Callable[[Viewer, Action, object, int | None], Decision]] = {
    WorkspacePlace: _decide_workspace,
    NetworkPlace: _decide_network,
    AreaPlace: _decide_area,
    ConversationPlace: _decide_conversation,
}


def decide(viewer: Viewer | None, action: Action, place: object, *, author_id: int | None = None) -> Decision:
    """May this viewer do this action here? `author_id` is the author of the item acted on, if any."""
    if viewer is None:
        return Refusal(LOG_IN)
    if not viewer.is_member:
        return Refusal(NOT_APPROVED)
    return _RULES[type(place)](viewer, action, place, author_id)


def require(viewer: Viewer | None, action: Action, place: object, *, author_id: int | None = None) -> None:
    """Refuse unless the policy allows the action."""
    decision = decide(viewer, action, place, author_id=author_id)
    if isinstance(decision, Refusal):
        raise Refused(decision.message)


def require_member(viewer: Viewer | None) -> Viewer:
    """An approved member, or a refusal."""
    if viewer is None:
        raise Refused(LOG_IN)
    if not viewer.is_member:
        raise Refused(NOT_APPROVED)
    return viewer


def require_admin(viewer: Viewer | None) -> Viewer:
    """An approved administrator, or a refusal."""
    if not require_member(viewer).is_admin:
        raise Refused(ADMINS_ONLY)
    return viewer


def table() -> str:
    """The policy as a markdown table of roles × actions (docs/architecture.md shows it; a test keeps the two equal)."""
    people = {
        "Owner": (WorkspaceRole.OWNER, "member", False),
        "Moderator": (WorkspaceRole.MODERATOR, "member", False),
        "Member": (WorkspaceRole.MEMBER, "member", False),
        "Author (a member)": (WorkspaceRole.MEMBER, "member", True),
        "Outsider": (None, "member", False),
        "Admin (not a member)": (None, "admin", False),
        "Suspended": (WorkspaceRole.MEMBER, "suspended", False),
    }

    def answer(role: str | None, kind: str, authored: bool, access: str, lifecycle: str, action: Action) -> str:
        viewer = Viewer(id=1, name="", email="", organisation="", status="suspended" if kind == "suspended" else "approved", role="admin" if kind == "admin" else "member", language="en")
        place = WorkspacePlace(workspace=Workspace(id=1, name="", name_key="", purpose="", access=access, lifecycle=lifecycle, created_by=2), role=role)
        return "yes" if decide(viewer, action, place, author_id=1 if authored else 2) else "–"

    header = ["Action", *people, "Outsider, invitation-only", "Owner, archived", "Owner, closed"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for action in Action:
        cells = [answer(*person, AccessPolicy.OPEN, Lifecycle.ACTIVE, action) for person in people.values()]
        cells.append(answer(None, "member", False, AccessPolicy.INVITATION, Lifecycle.ACTIVE, action))
        cells.append(answer(WorkspaceRole.OWNER, "member", True, AccessPolicy.OPEN, Lifecycle.ARCHIVED, action))
        cells.append(answer(WorkspaceRole.OWNER, "member", True, AccessPolicy.OPEN, Lifecycle.CLOSED, action))
        lines.append("| " + " | ".join([f"`{action}`", *cells]) + " |")
    return "\n".join(lines)


def may_edit_content(viewer: Viewer | None) -> bool:
    """Whether the viewer writes the instance's pages, news and events: approved editors and administrators."""
    return viewer is not None and viewer.is_member and viewer.role in (Role.EDITOR, Role.ADMIN)


def require_editor(viewer: Viewer | None) -> Viewer:
    """An approved editor or administrator, or a refusal."""
    if not may_edit_content(require_member(viewer)):
        raise Refused(N_("Only editors and administrators can do this."))
    return viewer
