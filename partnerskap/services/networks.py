"""Networks: standing groups of members around a theme, a region or a kind of organisation, with their own discussion.

Any approved member creates one and becomes its owner; members join an open network at once or ask to join one on
request; administrators merge networks (members, workspace links and discussions carried over) or close them, audited.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select, update

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import (
    Lifecycle,
    Membership,
    Network,
    NetworkMember,
    NetworkWorkspace,
    Status,
    Thread,
    User,
    Workspace,
)
from partnerskap.models.base import utcnow
from partnerskap.services import audit, discussions, permissions, places, search_index, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import (
    Action,
    NetworkPlace,
    require_admin,
    require_member,
)
from partnerskap.services.sessions import Viewer

KINDS = ("theme", "region", "organisation")
ACCESS = ("open", "request")
NAME_MAX = 120
PURPOSE_MAX = 1000
MEMBERS_SHOWN = 50
NAME_TAKEN = N_("A network with this name already exists. Choose another name, or join that network.")


@dataclasses.dataclass(frozen=True)
class NetworkForm:
    """The fields of a new network."""

    name: str
    purpose: str = ""
    kind: str = "theme"
    access: str = "open"


def name_key(name: str) -> str:
    """Names compare without case or extra spaces."""
    return " ".join(name.split()).casefold()


def _check(form: NetworkForm) -> NetworkForm:
    errors = {}
    name, purpose = " ".join(form.name.split()), form.purpose.strip()
    if not name:
        errors["name"] = N_("Give the network a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = N_("Use at most 120 characters.")
    if len(purpose) > PURPOSE_MAX:
        errors["purpose"] = N_("Use at most 1000 characters.")
    if form.kind not in KINDS or form.access not in ACCESS:
        raise Refused(N_("The request was not understood."))
    if errors:
        raise Invalid(errors)
    return dataclasses.replace(form, name=name, purpose=purpose)


def create(viewer: Viewer, form: NetworkForm) -> Network:
    """Create a network; its creator is its first owner. A name already taken (in any case) is refused next to the field."""
    require_member(viewer)
    form = _check(form)
    try:
        with transaction() as session:
            if session.exec(select(Network.id).where(Network.name_key == name_key(form.name))).first() is not None:
                raise Invalid({"name": NAME_TAKEN})
            network = Network(name=form.name, name_key=name_key(form.name), purpose=form.purpose, kind=form.kind, access=form.access, created_by=viewer.id, member_count=1)
            session.add(network)
            session.flush()
            session.add(NetworkMember(network_id=network.id, user_id=viewer.id, role="owner"))
            search_index.put_network(session, network)
            return network
    except IntegrityError:  # another member took the name at the same moment
        raise Invalid({"name": NAME_TAKEN}) from None


def _count_members(session: Session, network_id: int, change: int) -> None:
    """Add to the network's member count in the transaction that changes its members (one UPDATE, so concurrent changes add up)."""
    if change:
        session.exec(update(Network).where(col(Network.id) == network_id).values(member_count=col(Network.member_count) + change))


def authorise(session: Session, viewer: Viewer, network_id: int, action: Action) -> NetworkPlace:
    """The network, if the policy allows the viewer the action in it."""
    return places.authorise(session, viewer, "network", network_id, action)


@dataclasses.dataclass(frozen=True)
class NetworkRow:
    """A network in the list, with its size and the viewer's standing in it."""

    network: Network
    member_count: int
    role: str | None
    pending: bool


def listing(viewer: Viewer, *, query: str = "") -> list[NetworkRow]:
    """The networks that are not merged away, the viewer's first, then by name; closed ones last."""
    require_member(viewer)
    statement = (
        select(Network, NetworkMember.role, NetworkMember.pending)
        .join(NetworkMember, (col(NetworkMember.network_id) == col(Network.id)) & (col(NetworkMember.user_id) == viewer.id), isouter=True)
        .where(col(Network.merged_into).is_(None))
    )
    if text := name_key(query)[:100]:
        statement = statement.where(col(Network.name_key).contains(text, autoescape=True))
    with transaction() as session:
        rows = session.exec(statement.order_by(col(Network.closed_at).is_not(None), NetworkMember.role.is_(None), Network.name_key).limit(200)).all()
    return [NetworkRow(network, network.member_count, role if not pending else None, bool(pending)) for network, role, pending in rows]


@dataclasses.dataclass(frozen=True)
class NetworkPage:
    """Everything a network's page shows, from one call."""

    place: NetworkPlace
    member_count: int
    members: list[tuple[int, str, str, str]]
    requests: list[tuple[int, str, str]]
    workspaces: list[tuple[int, str]]
    threads: list[discussions.ThreadRow]
    linkable: list[tuple[int, str]]  # the viewer's own active workspaces not linked yet, when the viewer writes in the network


def page(viewer: Viewer, network_id: int) -> NetworkPage:
    """A network's page: its members (the first ones by name, owners marked, and their count), requests for its owners, linked workspaces and
    its discussion for those who may read it."""
    with transaction() as session:
        place = authorise(session, viewer, network_id, Action.SEE)
        readable = bool(permissions.decide(viewer, Action.READ, place))
        reviews = bool(permissions.decide(viewer, Action.REVIEW, place))
        members = session.exec(
            select(User.id, User.name, User.organisation, NetworkMember.role)
            .join(NetworkMember, col(NetworkMember.user_id) == col(User.id))
            .where(NetworkMember.network_id == network_id, col(NetworkMember.pending).is_(False), col(User.status) == Status.APPROVED)
            .order_by(User.name)
            .limit(MEMBERS_SHOWN)
        ).all()
        requests = (
            session.exec(
                select(User.id, User.name, User.organisation).join(NetworkMember, col(NetworkMember.user_id) == col(User.id)).where(NetworkMember.network_id == network_id, col(NetworkMember.pending).is_(True)).order_by(User.name)
            ).all()
            if reviews
            else []
        )
        linked = session.exec(
            select(Workspace.id, Workspace.name).join(NetworkWorkspace, col(NetworkWorkspace.workspace_id) == col(Workspace.id)).where(NetworkWorkspace.network_id == network_id).order_by(Workspace.name)
        ).all()
        threads = discussions.threads_in(session, viewer, network_id, kind="network") if readable else []
        linked_ids = {workspace_id for workspace_id, _name in linked}
        linkable = (
            [
                (workspace_id, name)
                for workspace_id, name in session.exec(
                    select(Workspace.id, Workspace.name)
                    .join(Membership, col(Membership.workspace_id) == col(Workspace.id))
                    .where(Membership.user_id == viewer.id, col(Workspace.lifecycle).in_([Lifecycle.PREPARING, Lifecycle.ACTIVE]))
                    .order_by(Workspace.name)
                ).all()
                if workspace_id not in linked_ids
            ]
            if permissions.decide(viewer, Action.CONTRIBUTE, place)
            else []
        )
        return NetworkPage(place, place.network.member_count, [tuple(row) for row in members], [tuple(row) for row in requests], [tuple(row) for row in linked], threads, linkable)


def join(viewer: Viewer, network_id: int) -> bool:
    """Join an open network (True) or ask to join one on request (False: its owners decide)."""
    with transaction() as session:
        place = authorise(session, viewer, network_id, Action.JOIN)
        pending = place.network.access == "request"
        session.add(NetworkMember(network_id=network_id, user_id=viewer.id, pending=pending))
        _count_members(session, network_id, 0 if pending else 1)
        return not pending


def leave(viewer: Viewer, network_id: int) -> None:
    """Leave a network; its last owner hands it over first while others remain."""
    with transaction() as session:
        place = authorise(session, viewer, network_id, Action.LEAVE)
        if place.role == "owner":
            owners = session.exec(select(func.count()).select_from(NetworkMember).where(NetworkMember.network_id == network_id, NetworkMember.role == "owner")).one()
            others = session.exec(select(func.count()).select_from(NetworkMember).where(NetworkMember.network_id == network_id, NetworkMember.user_id != viewer.id)).one()
            if owners == 1 and others:
                raise Refused(N_("You are the network's last owner: make another member an owner first."))
        left = session.exec(delete(NetworkMember).where(col(NetworkMember.network_id) == network_id, col(NetworkMember.user_id) == viewer.id, col(NetworkMember.pending).is_(False)))
        _count_members(session, network_id, -left.rowcount)


def decide_request(viewer: Viewer, network_id: int, user_id: int, accept: bool) -> None:
    """The network's owners (or an administrator) accept or decline a request to join."""
    with transaction() as session:
        authorise(session, viewer, network_id, Action.MODERATE)
        request = session.exec(select(NetworkMember).where(NetworkMember.network_id == network_id, NetworkMember.user_id == user_id, col(NetworkMember.pending).is_(True))).first()
        if request is None:
            raise Refused(N_("This request has already been decided."))
        if accept:
            # Only a request still waiting is accepted, so two owners accepting it at once count the member once.
            accepted = session.exec(update(NetworkMember).where(col(NetworkMember.id) == request.id, col(NetworkMember.pending).is_(True)).values(pending=False, joined_at=utcnow()))
            _count_members(session, network_id, accepted.rowcount)
        else:
            session.delete(request)


def link_workspace(viewer: Viewer, network_id: int, workspace_id: int) -> None:
    """Link a workspace to a network: the viewer writes in both."""
    with transaction() as session:
        authorise(session, viewer, network_id, Action.CONTRIBUTE)
        workspaces.authorise(session, viewer, workspace_id, Action.CONTRIBUTE)
        if session.exec(select(NetworkWorkspace.id).where(NetworkWorkspace.network_id == network_id, NetworkWorkspace.workspace_id == workspace_id)).first() is None:
            session.add(NetworkWorkspace(network_id=network_id, workspace_id=workspace_id))


def merge(viewer: Viewer, source_id: int, target_id: int) -> Network:
    """An administrator merges one network into another: members, workspace links and discussions carried over (audited)."""
    require_admin(viewer)
    if source_id == target_id:
        raise Refused(N_("Choose two different networks."))
    with transaction() as session:
        source, target = authorise(session, viewer, source_id, Action.SEE).network, authorise(session, viewer, target_id, Action.SEE).network
        if source.merged_into is not None or target.merged_into is not None:
            raise Refused(permissions.NETWORK_NOT_FOUND)
        present = {row.user_id: row for row in session.exec(select(NetworkMember).where(NetworkMember.network_id == target_id)).all()}
        joining = 0
        for moving in session.exec(select(NetworkMember).where(NetworkMember.network_id == source_id)).all():
            staying = present.get(moving.user_id)
            if staying is None:
                moving.network_id = target_id
                session.add(moving)
                joining += 0 if moving.pending else 1
                continue
            if staying.pending and not moving.pending:
                staying.pending = False
                joining += 1
            if moving.role == "owner":
                staying.role = "owner"
            session.add(staying)
            session.delete(moving)
        linked = set(session.exec(select(NetworkWorkspace.workspace_id).where(NetworkWorkspace.network_id == target_id)).all())
        for link in session.exec(select(NetworkWorkspace).where(NetworkWorkspace.network_id == source_id)).all():
            if link.workspace_id in linked:
                session.delete(link)
            else:
                link.network_id = target_id
                session.add(link)
        session.exec(update(Thread).where(col(Thread.network_id) == source_id).values(network_id=target_id))
        source.merged_into, source.closed_at, source.member_count = target_id, utcnow(), 0
        session.add(source)
        _count_members(session, target_id, joining)
        audit.record(actor_id=viewer.id, action="network.merge", reason=f"{source.name} (#{source_id}) -> {target.name} (#{target_id})", session=session)
        return target


def close(viewer: Viewer, network_id: int) -> None:
    """An administrator closes a network: it can be read but not changed (audited)."""
    require_admin(viewer)
    with transaction() as session:
        network = authorise(session, viewer, network_id, Action.SEE).network
        if network.closed_at is None:
            network.closed_at = utcnow()
            session.add(network)
            audit.record(actor_id=viewer.id, action="network.close", reason=f"{network.name} (#{network_id})", session=session)
