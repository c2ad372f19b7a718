"""Workspaces: creating them, who may see and join them, roles, invitations and lifecycle."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import NamedTuple, TypeVar

from sqlalchemy import and_, bindparam, exists, func, or_
from sqlalchemy import update as update_rows
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import LANGUAGES, N_, t
from partnerskap.models import (
    AccessPolicy,
    Invitation,
    JoinRequest,
    Lifecycle,
    Membership,
    Status,
    User,
    Workspace,
    WorkspaceRole,
)
from partnerskap.models.accounts import folded
from partnerskap.models.base import utcnow
from partnerskap.services import audit, mail, notifications, permissions, search_index
from partnerskap.services.addresses import EMAIL_PATTERN, normalise_email
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import Action, WorkspacePlace, require_member
from partnerskap.services.sessions import Viewer
from partnerskap.services.tokens import digest, new_token

COLOURS = ("teal", "blue", "violet", "orange", "crimson", "grass")
KINDS = ("project", "event")
INVITATION_DAYS = 14
MANAGERS = (WorkspaceRole.OWNER, WorkspaceRole.MODERATOR)
_MEMBERS_BY_NAME = (
    select(User.id, User.name, User.organisation, Membership.role, User.avatar_key).join(Membership, col(Membership.user_id) == col(User.id)).where(col(Membership.workspace_id) == bindparam("workspace_id")).order_by(User.name)
)
_TOUCH = update_rows(Workspace).where(col(Workspace.id) == bindparam("workspace_id")).values(last_activity_at=bindparam("now"), inactivity_prompted_at=None)


@dataclasses.dataclass(frozen=True)
class WorkspaceForm:
    """What a member fills in to create or change a workspace."""

    name: str
    purpose: str
    description: str = ""
    kind: str = "project"
    starts_on: str = ""
    ends_on: str = ""
    language: str = "fi"
    colour: str = "teal"
    access: str = AccessPolicy.OPEN
    lifecycle: str = Lifecycle.ACTIVE


# A workspace as one viewer may see it (`role` is None for non-members); what they may do in it is the policy's.
Place = WorkspacePlace


def name_key(name: str) -> str:
    """Names compare without case or extra spaces."""
    return " ".join(name.split()).casefold()


def _parse_date(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = N_("Enter a date like 2026-05-31.")
        return None


def _checked(form: WorkspaceForm) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    name = " ".join(form.name.split())
    if len(name) < 3:
        errors["name"] = N_("Give the workspace a name of at least 3 characters.")
    elif len(name) > 120:
        errors["name"] = N_("Use at most 120 characters.")
    purpose = form.purpose.strip()
    if not purpose:
        errors["purpose"] = N_("Say in a sentence what the workspace is for.")
    elif len(purpose) > 300:
        errors["purpose"] = N_("Use at most 300 characters.")
    if len(form.description) > 10000:
        errors["description"] = N_("Use at most 10000 characters.")
    starts_on = _parse_date(form.starts_on, "starts_on", errors)
    ends_on = _parse_date(form.ends_on, "ends_on", errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = N_("The end cannot be before the start.")
    if form.kind not in KINDS or form.language not in LANGUAGES or form.colour not in COLOURS:
        errors["kind"] = N_("Choose one of the options.")
    if form.access not in tuple(AccessPolicy) or form.lifecycle not in (Lifecycle.PREPARING, Lifecycle.ACTIVE, Lifecycle.ARCHIVED):
        errors["access"] = N_("Choose one of the options.")
    values = dict(
        name=name,
        name_key=name_key(name),
        purpose=purpose,
        description=form.description.strip(),
        kind=form.kind,
        starts_on=starts_on,
        ends_on=ends_on,
        language=form.language,
        colour=form.colour,
        access=form.access,
        lifecycle=form.lifecycle,
    )
    return values, errors


def _name_taken(session: Session, key: str, except_id: int | None = None) -> bool:
    query = select(Workspace.id).where(Workspace.name_key == key)
    if except_id:
        query = query.where(Workspace.id != except_id)
    return session.exec(query).first() is not None


def create(viewer: Viewer, form: WorkspaceForm) -> Workspace:
    """Any approved member creates a free workspace and becomes its owner."""
    require_member(viewer)
    values, errors = _checked(form)
    if errors:
        raise Invalid(errors)
    try:
        with transaction() as session:
            if _name_taken(session, values["name_key"]):
                raise Invalid({"name": N_("A workspace with this name already exists.")})
            workspace = Workspace(**values, created_by=viewer.id)
            session.add(workspace)
            session.flush()
            session.add(Membership(workspace_id=workspace.id, user_id=viewer.id, role=WorkspaceRole.OWNER))
            search_index.put_workspace(session, workspace)
    except IntegrityError:  # someone took the name between our check and our insert
        raise Invalid({"name": N_("A workspace with this name already exists.")}) from None
    return workspace


def update(viewer: Viewer, workspace_id: int, form: WorkspaceForm) -> Workspace:
    """Owners change the workspace's details, access policy and lifecycle (a closed workspace's owners are refused first)."""
    require_member(viewer)
    values, errors = _checked(form)
    try:
        with transaction() as session:
            place = authorise(session, viewer, workspace_id, Action.OWN)
            if errors:
                raise Invalid(errors)
            if _name_taken(session, values["name_key"], except_id=workspace_id):
                raise Invalid({"name": N_("A workspace with this name already exists.")})
            workspace = place.workspace
            for key, value in values.items():
                setattr(workspace, key, value)
            session.add(workspace)
            search_index.put_workspace(session, workspace)
    except IntegrityError:  # someone took the name between our check and our commit
        raise Invalid({"name": N_("A workspace with this name already exists.")}) from None
    return workspace


def role_of(session: Session, workspace_id: int, user_id: int) -> str | None:
    """The person's role in the workspace, or None."""
    return session.exec(
        select(Membership.role).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    ).first()


def invitation_reaches(viewer: Viewer):
    """Invitations that reach the viewer: to their account, or to their e-mail address once they have confirmed it.

    Anyone can register any address: until its owner opens the confirmation link, an invitation sent to it is not theirs.
    """
    address_confirmed = exists().where(col(User.id) == viewer.id, col(User.email_confirmed_at).is_not(None))
    return or_(Invitation.user_id == viewer.id, and_(Invitation.email == viewer.email, address_confirmed))


def _has_pending_invitation(session: Session, workspace_id: int, viewer: Viewer) -> bool:
    return (
        session.exec(
            select(Invitation.id).where(
                Invitation.workspace_id == workspace_id,
                Invitation.status == "pending",
                Invitation.expires_at > utcnow(),
                invitation_reaches(viewer),
            )
        ).first()
        is not None
    )


def owners(session: Session, workspace_id: int) -> list[str]:
    """The names of the workspace's owners, by name."""
    return list(
        session.exec(
            select(User.name)
            .join(Membership, col(Membership.user_id) == col(User.id))
            .where(Membership.workspace_id == workspace_id, Membership.role == WorkspaceRole.OWNER)
            .order_by(User.name)
        ).all()
    )


def _place(session: Session, viewer: Viewer, workspace_id: int) -> Place:
    """The workspace with the viewer's role in it; a missing one is refused as hidden ones are."""
    workspace = session.get(Workspace, workspace_id) if is_id(workspace_id) else None
    if workspace is None:
        raise Refused(permissions.NOT_FOUND)
    return place_for(session, viewer, workspace, role_of(session, workspace.id, viewer.id))


def is_id(value: object) -> bool:
    """A database id as a client may send one: an int, never a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def place_for(session: Session, viewer: Viewer, workspace: Workspace, role: str | None) -> Place:
    """The place for a workspace and the viewer's role in it, both already read."""
    invited = role is None and workspace.access == AccessPolicy.INVITATION and not viewer.is_admin and _has_pending_invitation(session, workspace.id, viewer)
    return Place(workspace=workspace, role=role, invited=invited)


def place(viewer: Viewer, workspace_id: int) -> Place:
    """The workspace's introduction for anyone who may discover it, with the viewer's role and its owners."""
    with transaction() as session:
        found = authorise(session, viewer, workspace_id, Action.SEE)
        return dataclasses.replace(found, owners=owners(session, workspace_id))


def authorise(session: Session, viewer: Viewer, workspace_id: int, action: Action) -> Place:
    """The workspace, if the policy allows the viewer the action in it; otherwise the policy's refusal."""
    require_member(viewer)
    found = _place(session, viewer, workspace_id)
    permissions.require(viewer, action, found)
    return found


T = TypeVar("T")


def authorised(
    session: Session, viewer: Viewer, model: type[T], item_id: int, action: Action, *, missing: str, author: str | None = "created_by"
) -> tuple[T, Place]:
    """Load a workspace's item by id and authorise the action on it.

    An item that does not exist and one in a place the viewer may not read get the same refusal (`missing`), so
    ids reveal nothing; a readable item the viewer may not act on gets the policy's refusal.
    """
    require_member(viewer)
    item = session.get(model, item_id) if is_id(item_id) else None
    if item is None:
        raise Refused(missing)
    try:
        found = _place(session, viewer, item.workspace_id)
    except Refused:
        raise Refused(missing) from None
    if not permissions.decide(viewer, Action.READ, found):
        raise Refused(missing)
    permissions.require(viewer, action, found, author_id=getattr(item, author) if author else None)
    return item, found


def enter(session: Session, viewer: Viewer, found: Place) -> None:
    """Note an administrator's entry into a workspace they are not a member of (once per page opened)."""
    if viewer.is_admin and not found.is_member:
        audit.record(actor_id=viewer.id, action="workspace.enter", workspace_id=found.workspace.id, session=session)


def touch(session: Session, workspace_id: int) -> None:
    """Mark activity in the workspace (it is no longer inactive)."""
    session.connection().execute(_TOUCH, {"workspace_id": workspace_id, "now": utcnow()})


@dataclasses.dataclass(frozen=True)
class Listing:
    """One row of a workspace list."""

    workspace: Workspace
    role: str | None
    member_count: int
    request_pending: bool


@dataclasses.dataclass(frozen=True)
class Directory:
    """The workspace list's page: the workspaces shown, and the invitations waiting for the viewer."""

    rows: list[Listing]
    invitations: list[tuple[Invitation, Workspace]]


def discoverable(viewer: Viewer, my_workspace_ids: list[int]):
    """The condition of the workspaces the viewer finds (the policy's `see`): invitation-only ones only for their members and administrators."""
    existing = Workspace.lifecycle != Lifecycle.DELETED
    if viewer.is_admin:
        return existing
    return existing & or_(col(Workspace.id).in_(my_workspace_ids or [0]), Workspace.access != AccessPolicy.INVITATION)


def listing(viewer: Viewer, *, query: str = "", mine: bool = False, kind: str = "", access: str = "", lifecycle: str = "") -> Directory:
    """The workspaces I belong to and those I may discover, filtered, with my invitations: the list's page in one call.

    Invitation-only workspaces are listed to their members and to administrators (who reach every workspace).
    """
    require_member(viewer)
    with transaction() as session:
        my_roles = dict(session.exec(select(Membership.workspace_id, Membership.role).where(Membership.user_id == viewer.id)).all())
        pending = set(session.exec(select(JoinRequest.workspace_id).where(JoinRequest.user_id == viewer.id, JoinRequest.status == "pending")).all())
        statement = select(Workspace).where(Workspace.lifecycle != Lifecycle.DELETED).order_by(col(Workspace.last_activity_at).desc()).limit(200)
        if mine:
            statement = statement.where(col(Workspace.id).in_(list(my_roles) or [0]))
        else:
            statement = statement.where(discoverable(viewer, list(my_roles)))
        if query.strip():
            pattern = f"%{query.strip()[:100].casefold()}%"
            statement = statement.where(or_(col(Workspace.name_key).like(pattern), func.lower(Workspace.purpose).like(pattern)))
        if kind in KINDS:
            statement = statement.where(Workspace.kind == kind)
        if access in tuple(AccessPolicy):
            statement = statement.where(Workspace.access == access)
        if lifecycle in tuple(Lifecycle):
            statement = statement.where(Workspace.lifecycle == lifecycle)
        workspaces = session.exec(statement).all()
        counts = dict(
            session.exec(
                select(Membership.workspace_id, func.count())
                .where(col(Membership.workspace_id).in_([w.id for w in workspaces] or [0]))
                .group_by(Membership.workspace_id)
            ).all()
        )
        rows = [Listing(w, my_roles.get(w.id), counts.get(w.id, 0), w.id in pending) for w in workspaces]
        invitations = session.exec(
            select(Invitation, Workspace)
            .join(Workspace, col(Workspace.id) == col(Invitation.workspace_id))
            .where(invitation_reaches(viewer), Invitation.status == "pending", Invitation.expires_at > utcnow())
        ).all()
        return Directory(rows, list(invitations))


class Member(NamedTuple):
    """A member of a workspace as its member list shows them."""

    id: int
    name: str
    organisation: str
    role: str
    avatar_key: str = ""


def members(viewer: Viewer, workspace_id: int) -> list[Member]:
    """The members and their roles: only members see the member list."""
    with transaction() as session:
        authorise(session, viewer, workspace_id, Action.READ)
        return member_rows(session, workspace_id)


def member_rows(session: Session, workspace_id: int) -> list[Member]:
    """The workspace's members and their roles, by name, for a caller that has checked the viewer may see them."""
    return [Member(*row) for row in session.connection().execute(_MEMBERS_BY_NAME, {"workspace_id": workspace_id})]


def _managers(session: Session, workspace_id: int) -> list[int]:
    return list(
        session.exec(
            select(Membership.user_id).where(Membership.workspace_id == workspace_id, col(Membership.role).in_(list(MANAGERS)))
        ).all()
    )


def join(viewer: Viewer, workspace_id: int, message: str = "") -> str:
    """Join an open workspace at once, or ask to join an on-request one; returns 'joined' or 'requested'."""
    with transaction() as session:
        workspace = authorise(session, viewer, workspace_id, Action.JOIN).workspace
        if workspace.access == AccessPolicy.OPEN:
            session.add(Membership(workspace_id=workspace.id, user_id=viewer.id))
            return "joined"
        if session.exec(select(JoinRequest.id).where(JoinRequest.workspace_id == workspace.id, JoinRequest.user_id == viewer.id, JoinRequest.status == "pending")).first():
            raise Refused(N_("You have already asked to join. The owners will decide."))
        if len(message) > 1000:
            raise Invalid({"message": N_("Use at most 1000 characters.")})
        request = JoinRequest(workspace_id=workspace.id, user_id=viewer.id, message=message.strip())
        session.add(request)
        for manager_id in _managers(session, workspace.id):
            notifications.notify(
                session,
                user_id=manager_id,
                kind="join_request",
                actor=viewer.name,
                workspace=workspace,
                link=f"/workspaces/{workspace.id}/members",
            )
        return "requested"


def join_requests(viewer: Viewer, workspace_id: int) -> list[tuple[JoinRequest, User]]:
    """Pending requests, for owners and moderators."""
    with transaction() as session:
        authorise(session, viewer, workspace_id, Action.REVIEW)
        return join_requests_in(session, workspace_id)


def join_requests_in(session: Session, workspace_id: int) -> list[tuple[JoinRequest, User]]:
    """Pending requests to join, oldest first, for a caller that has authorised reviewing them."""
    return list(
        session.exec(
            select(JoinRequest, User)
            .join(User, col(User.id) == col(JoinRequest.user_id))
            .where(JoinRequest.workspace_id == workspace_id, JoinRequest.status == "pending")
            .order_by(JoinRequest.id)
        ).all()
    )


def decide_request(viewer: Viewer, request_id: int, accept: bool) -> JoinRequest:
    """Owners and moderators accept or decline; the requester is told in the app and by e-mail."""
    with transaction() as session:
        request, found = authorised(session, viewer, JoinRequest, request_id, Action.MODERATE, missing=N_("This request no longer exists."), author=None)
        if request.status != "pending":
            raise Refused(N_("This request was already decided."))
        request.status = "accepted" if accept else "declined"
        request.decided_by = viewer.id
        request.decided_at = utcnow()
        session.add(request)
        if accept and role_of(session, request.workspace_id, request.user_id) is None:
            session.add(Membership(workspace_id=request.workspace_id, user_id=request.user_id))
        audit.record(actor_id=viewer.id, action="workspace.accept" if accept else "workspace.decline", target_user_id=request.user_id, workspace_id=request.workspace_id, session=session)
        notifications.notify(
            session,
            user_id=request.user_id,
            kind="accepted" if accept else "declined",
            actor=viewer.name,
            workspace=found.workspace,
            link=f"/workspaces/{request.workspace_id}",
        )
        return request


def invite(viewer: Viewer, workspace_id: int, who: str) -> Invitation:
    """Invite an existing member (by e-mail or exact name) or a new person by e-mail."""
    who = who.strip()
    if not who:
        raise Invalid({"who": N_("Enter a member's name or an e-mail address.")})
    with transaction() as session:
        found = authorise(session, viewer, workspace_id, Action.MODERATE)
        invited = _find_person(session, who)
        if invited is None and not EMAIL_PATTERN.match(normalise_email(who)):
            raise Invalid({"who": N_("No member has this name. To invite someone new, enter their e-mail address.")})
        email = invited.email if invited else normalise_email(who)
        if invited and role_of(session, workspace_id, invited.id):
            raise Invalid({"who": N_("This person is already a member of the workspace.")})
        for earlier in session.exec(select(Invitation).where(Invitation.workspace_id == workspace_id, Invitation.email == email, Invitation.status == "pending")).all():
            earlier.status = "replaced"
            session.add(earlier)
        token = new_token()
        invitation = Invitation(
            workspace_id=workspace_id,
            email=email,
            user_id=invited.id if invited else None,
            token_hash=digest(token),
            invited_by=viewer.id,
            expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
        )
        session.add(invitation)
        session.flush()
        workspace = found.workspace
        if invited:
            notifications.notify(session, user_id=invited.id, kind="invitation", actor=viewer.name, workspace=workspace, link=f"/workspaces/{workspace_id}")
        else:
            language = workspace.language
            mail.queue(
                recipient=email,
                subject=t("You are invited to the Partnership Platform", language),
                body=t(
                    "Hello,\n\n{inviter} invites you to the workspace \"{workspace}\" on the Partnership Platform. Register with this e-mail address within 14 days; once an administrator has approved your membership, you will find the workspace waiting for you:\n{link}\n",
                    language,
                    inviter=viewer.name,
                    workspace=workspace.name,
                    link=f"{config.settings.public_url}/register",
                ),
                session=session,
            )
        return invitation


def _find_person(session: Session, who: str) -> User | None:
    by_email = session.exec(
        select(User).where(User.email == normalise_email(who), User.status == Status.APPROVED, col(User.email_confirmed_at).is_not(None))
    ).first()
    if by_email:
        return by_email
    by_name = session.exec(select(User).where(User.name_key == folded(who), User.status == Status.APPROVED)).all()
    return by_name[0] if len(by_name) == 1 else None


def invitations(viewer: Viewer, workspace_id: int) -> list[Invitation]:
    """Pending invitations of a workspace, for owners and moderators."""
    with transaction() as session:
        authorise(session, viewer, workspace_id, Action.REVIEW)
        return invitations_in(session, workspace_id)


def invitations_in(session: Session, workspace_id: int) -> list[Invitation]:
    """Pending invitations, for a caller that has authorised reviewing them."""
    return list(
        session.exec(select(Invitation).where(Invitation.workspace_id == workspace_id, Invitation.status == "pending", Invitation.expires_at > utcnow())).all()
    )


def withdraw_invitation(viewer: Viewer, invitation_id: int) -> None:
    """Owners and moderators withdraw a pending invitation."""
    with transaction() as session:
        invitation, _found = authorised(session, viewer, Invitation, invitation_id, Action.MODERATE, missing=N_("This invitation is no longer valid."), author=None)
        if invitation.status != "pending":
            raise Refused(N_("This invitation is no longer valid."))
        invitation.status = "withdrawn"
        session.add(invitation)


def answer_invitation(viewer: Viewer, invitation_id: int, accept: bool) -> int:
    """The invited member accepts (joins) or declines; returns the workspace id."""
    require_member(viewer)
    with transaction() as session:
        invitation = (
            session.exec(select(Invitation).where(Invitation.id == invitation_id, invitation_reaches(viewer))).first() if isinstance(invitation_id, int) else None
        )
        if invitation is None or invitation.status != "pending" or invitation.expires_at < utcnow():
            raise Refused(N_("This invitation is no longer valid."))
        invitation.status = "accepted" if accept else "declined"
        invitation.user_id = viewer.id
        session.add(invitation)
        if accept and role_of(session, invitation.workspace_id, viewer.id) is None:
            session.add(Membership(workspace_id=invitation.workspace_id, user_id=viewer.id))
        return invitation.workspace_id


def admit_invited(session: Session, user: User) -> None:
    """A newly approved member lands in the workspaces they were invited to by e-mail, once the address is confirmed."""
    if user.email_confirmed_at is None:
        return
    pending = session.exec(
        select(Invitation).where(Invitation.email == user.email, Invitation.status == "pending", Invitation.expires_at > utcnow())
    ).all()
    for invitation in pending:
        invitation.status = "accepted"
        invitation.user_id = user.id
        session.add(invitation)
        if role_of(session, invitation.workspace_id, user.id) is None:
            session.add(Membership(workspace_id=invitation.workspace_id, user_id=user.id))


def _membership(session: Session, workspace_id: int, user_id: int) -> Membership:
    found = session.exec(select(Membership).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)).first()
    if found is None:
        raise Refused(N_("This person is not a member of the workspace."))
    return found


def _owner_count(session: Session, workspace_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(Membership).where(Membership.workspace_id == workspace_id, Membership.role == WorkspaceRole.OWNER)
    ).one()


def set_role(viewer: Viewer, workspace_id: int, user_id: int, role: str) -> None:
    """Owners make members moderators or owners, or back; a workspace always keeps an owner."""
    if role not in tuple(WorkspaceRole):
        raise Refused(N_("Choose one of the options."))
    with transaction() as session:
        authorise(session, viewer, workspace_id, Action.APPOINT)
        target = _membership(session, workspace_id, user_id)
        if target.role == WorkspaceRole.OWNER and role != WorkspaceRole.OWNER and _owner_count(session, workspace_id) == 1:
            raise Refused(N_("A workspace must always have an owner. Make someone else an owner first."))
        target.role = role
        session.add(target)
        audit.record(actor_id=viewer.id, action="workspace.set_role", target_user_id=user_id, workspace_id=workspace_id, reason=role, session=session)


def transfer_ownership(viewer: Viewer, workspace_id: int, user_id: int) -> None:
    """Hand the workspace over: the member becomes owner and the viewer a moderator."""
    with transaction() as session:
        authorise(session, viewer, workspace_id, Action.APPOINT)
        if user_id == viewer.id:
            raise Refused(N_("Choose another member."))
        target = _membership(session, workspace_id, user_id)
        target.role = WorkspaceRole.OWNER
        mine = _membership(session, workspace_id, viewer.id)
        mine.role = WorkspaceRole.MODERATOR
        session.add(target)
        session.add(mine)
        audit.record(actor_id=viewer.id, action="workspace.hand_over", target_user_id=user_id, workspace_id=workspace_id, session=session)


def remove_member(viewer: Viewer, workspace_id: int, user_id: int) -> None:
    """Owners remove anyone but the last owner; moderators remove plain members."""
    with transaction() as session:
        found = authorise(session, viewer, workspace_id, Action.MODERATE)
        target = _membership(session, workspace_id, user_id)
        if found.role != WorkspaceRole.OWNER and target.role != WorkspaceRole.MEMBER:  # moderators and administrators remove plain members
            raise Refused(N_("Only the workspace's owners can do this."))
        if target.role == WorkspaceRole.OWNER and _owner_count(session, workspace_id) == 1:
            raise Refused(N_("A workspace must always have an owner. Make someone else an owner first."))
        session.delete(target)
        audit.record(actor_id=viewer.id, action="workspace.remove_member", target_user_id=user_id, workspace_id=workspace_id, session=session)


def leave(viewer: Viewer, workspace_id: int) -> None:
    """Leave a workspace; the last owner must hand it over first."""
    with transaction() as session:
        authorise(session, viewer, workspace_id, Action.LEAVE)
        mine = _membership(session, workspace_id, viewer.id)
        if mine.role == WorkspaceRole.OWNER and _owner_count(session, workspace_id) == 1:
            raise Refused(N_("You are the last owner. Hand the workspace over before you leave."))
        session.delete(mine)


def prompt_inactive(inactive_days: int | None = None) -> int:
    """Tell the owners of workspaces inactive for the configured time (once per quiet spell); returns how many."""
    days = inactive_days if inactive_days is not None else config.settings.workspace_inactive_days
    limit = utcnow() - timedelta(days=days)
    with transaction() as session:
        quiet = session.exec(
            select(Workspace).where(
                Workspace.last_activity_at < limit,
                col(Workspace.inactivity_prompted_at).is_(None),
                col(Workspace.lifecycle).not_in([Lifecycle.ARCHIVED, Lifecycle.CLOSED, Lifecycle.DELETED]),
            )
        ).all()
        for workspace in quiet:
            workspace.inactivity_prompted_at = utcnow()
            session.add(workspace)
            for owner_id in session.exec(select(Membership.user_id).where(Membership.workspace_id == workspace.id, Membership.role == WorkspaceRole.OWNER)).all():
                notifications.notify(session, user_id=owner_id, kind="inactive", workspace=workspace, link=f"/workspaces/{workspace.id}/settings", days=days)
        return len(quiet)
