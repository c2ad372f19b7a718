"""The places a discussion belongs to besides workspaces (networks, open areas, private conversations), as the policy meets them."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from partnerskap.models import (
    Area,
    Conversation,
    ConversationMember,
    Membership,
    Network,
    NetworkMember,
    Status,
    Thread,
    User,
    Workspace,
)
from partnerskap.models.accounts import folded
from partnerskap.services import permissions
from partnerskap.services.errors import Refused
from partnerskap.services.permissions import (
    Action,
    AreaPlace,
    ConversationPlace,
    NetworkPlace,
    WorkspacePlace,
)

KINDS = ("workspace", "network", "area", "conversation")
MENTIONS_AT_MOST = 8

_NETWORK_ROLE = select(NetworkMember.role, NetworkMember.pending).where(col(NetworkMember.network_id) == bindparam("network_id"), col(NetworkMember.user_id) == bindparam("user_id"))
_IN_CONVERSATION = select(ConversationMember.id).where(col(ConversationMember.conversation_id) == bindparam("conversation_id"), col(ConversationMember.user_id) == bindparam("user_id"))


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def network_place(session: Session, viewer_id: int, network: Network) -> NetworkPlace:
    """The network with the viewer's role in it."""
    found = session.connection().execute(_NETWORK_ROLE, {"network_id": network.id, "user_id": viewer_id}).first()
    return NetworkPlace(network=network, role=found[0] if found else None, pending=bool(found and found[1]))


def load(session: Session, viewer_id: int, kind: str, place_id: int) -> NetworkPlace | AreaPlace | ConversationPlace | None:
    """A network, area or conversation as the viewer meets it, or None when there is none by that id."""
    if not _is_id(place_id):
        return None
    if kind == "network":
        network = session.get(Network, place_id)
        return network_place(session, viewer_id, network) if network else None
    if kind == "area":
        area = session.get(Area, place_id)
        return AreaPlace(area=area) if area else None
    if kind == "conversation":
        conversation = session.get(Conversation, place_id)
        if conversation is None:
            return None
        participant = session.connection().execute(_IN_CONVERSATION, {"conversation_id": place_id, "user_id": viewer_id}).first() is not None
        return ConversationPlace(conversation=conversation, participant=participant)
    return None


def missing(kind: str) -> str:
    """The refusal for a place of this kind that does not exist (or is hidden from the viewer)."""
    return {"network": permissions.NETWORK_NOT_FOUND, "conversation": permissions.CONVERSATION_NOT_FOUND}.get(kind, permissions.NOT_FOUND)


def authorise(session: Session, viewer, kind: str, place_id: int, action: Action) -> NetworkPlace | AreaPlace | ConversationPlace:
    """The place, if the policy allows the viewer the action in it; otherwise the policy's refusal."""
    permissions.require_member(viewer)
    found = load(session, viewer.id, kind, place_id)
    if found is None:
        raise Refused(missing(kind))
    permissions.require(viewer, action, found)
    return found


def of_thread(thread: Thread) -> tuple[str, int]:
    """The kind and id of the place a thread belongs to."""
    for kind in KINDS:
        if (place_id := getattr(thread, f"{kind}_id")) is not None:
            return kind, place_id
    raise Refused(permissions.NOT_FOUND)


def name(place: object) -> str:
    """What the place is called (a conversation is called by its thread)."""
    if isinstance(place, WorkspacePlace):
        return place.workspace.name
    if isinstance(place, NetworkPlace):
        return place.network.name
    if isinstance(place, AreaPlace):
        return place.area.name
    return ""


def link(place: object) -> str:
    """The address of the place's own page."""
    if isinstance(place, WorkspacePlace):
        return f"/workspaces/{place.workspace.id}"
    if isinstance(place, NetworkPlace):
        return f"/networks/{place.network.id}"
    if isinstance(place, AreaPlace):
        return f"/areas/{place.area.id}"
    return "/messages"


def _readers(kind: str, place_id: int):
    """A query of the ids of the members who read a place's discussions (administrators moderating are not among them)."""
    if kind == "workspace":
        return select(Membership.user_id).where(col(Membership.workspace_id) == place_id)
    if kind == "network":
        return select(NetworkMember.user_id).where(col(NetworkMember.network_id) == place_id, col(NetworkMember.pending).is_(False))
    if kind == "conversation":
        return select(ConversationMember.user_id).where(col(ConversationMember.conversation_id) == place_id)
    return select(User.id).where(col(User.status) == Status.APPROVED)


def readers_among(session: Session, kind: str, place_id: int, user_ids: set[int]) -> set[int]:
    """Which of these members read the place: one query on the candidates, never a list of every reader."""
    if not user_ids:
        return set()
    query = _readers(kind, place_id)
    column = query.selected_columns[0]
    return set(session.exec(query.where(column.in_(sorted(user_ids)))).all())


def reader_names(session: Session, kind: str, place_id: int, prefix: str) -> list[tuple[int, str]]:
    """The first few readers of the place whose name starts with the prefix (mention completion as one types)."""
    readers = _readers(kind, place_id).subquery()
    rows = session.exec(
        select(User.id, User.name)
        .where(col(User.id).in_(select(readers)), col(User.name_key).startswith(folded(prefix), autoescape=True), col(User.status) == Status.APPROVED)
        .order_by(User.name)
        .limit(MENTIONS_AT_MOST)
    ).all()
    return [(user_id, user_name) for user_id, user_name in rows]


def workspace_of(place: object) -> Workspace | None:
    """The workspace, when the place is one."""
    return place.workspace if isinstance(place, WorkspacePlace) else None
