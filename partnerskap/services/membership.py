"""Membership decisions by administrators: approve, deny, suspend, reinstate, make admin; all audited."""

from __future__ import annotations

import dataclasses

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import N_, t
from partnerskap.models import AuditEntry, OutboxMessage, Role, Status, User, Workspace
from partnerskap.services import audit, mail, search_index, sessions, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import require_admin
from partnerskap.services.sessions import Viewer

REASON_MAX = 2000
STATUSES = tuple(Status)
SEARCH_MAX = 100


def outbox(viewer: Viewer) -> list[OutboxMessage]:
    """The instance's sent and queued e-mail, newest first (administrators only)."""
    require_admin(viewer)
    with transaction() as session:
        return mail.outbox(session=session)


def audit_log(viewer: Viewer, where: audit.Filter = audit.Filter()) -> tuple[list[AuditEntry], dict[int, str], dict[int, str]]:
    """Administrators' and moderators' actions, newest first, with the names of the people and workspaces in them (administrators only)."""
    require_admin(viewer)
    with transaction() as session:
        entries = audit.entries(where=where, session=session)
        return entries, *_names_in(entries, session)


AUDIT_EXPORT_LIMIT = 100_000


def audit_csv(viewer: Viewer, where: audit.Filter = audit.Filter()) -> str:
    """The filtered record as CSV (administrators only); the export is itself on the record."""
    require_admin(viewer)
    with transaction() as session:
        entries = audit.entries(where=where, limit=AUDIT_EXPORT_LIMIT, session=session)
        text = audit.as_csv(entries, *_names_in(entries, session))
        audit.record(actor_id=viewer.id, action="audit.export", target_kind="audit", reason=f"{len(entries)} entries", session=session)
    return text


def _names_in(entries: list[AuditEntry], session: Session) -> tuple[dict[int, str], dict[int, str]]:
    people = {i for entry in entries for i in (entry.actor_id, entry.target_user_id, entry.target_id if entry.target_kind == "user" else None) if i}
    names = {user.id: user.name for user in session.exec(select(User).where(col(User.id).in_(people))).all()}
    workspace_ids = {i for entry in entries for i in (entry.workspace_id, entry.target_id if entry.target_kind == "workspace" else None) if i}
    places = dict(session.exec(select(Workspace.id, Workspace.name).where(col(Workspace.id).in_(workspace_ids))).all())
    return names, places


WAITING = (Status.PENDING, Status.UNCONFIRMED)
PAGE_SIZE = 20
_WAITING_RANK = case((col(User.status) == Status.PENDING, 0), (col(User.status) == Status.UNCONFIRMED, 1), else_=2)
_WAITING_SINCE = (case((col(User.status).in_(WAITING), User.created_at), else_=None), case((col(User.status).in_(WAITING), User.id), else_=None))


@dataclasses.dataclass(frozen=True)
class PeoplePage:
    """One page of the membership view: the accounts shown, how many match, and how many applicants wait."""

    people: list[User]
    matching: int
    waiting: int


def people(viewer: Viewer, *, status: str = "waiting", search: str = "", page: int = 0) -> PeoplePage:
    """Accounts matching a status ('waiting' for applicants, '' for all) and a search, waiting applicants first (administrators only).

    Applicants who wait longest come first, so nobody is forgotten at the end of a long list; the rest newest first.
    """
    require_admin(viewer)
    conditions = []
    if status == "waiting":
        conditions.append(col(User.status).in_(WAITING))
    elif status:
        conditions.append(User.status == status)
    if words := search.strip()[:SEARCH_MAX]:
        pattern = f"%{words.lower()}%"
        conditions.append(or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern), func.lower(User.organisation).like(pattern)))
    with transaction() as session:
        matching = session.exec(select(func.count()).select_from(User).where(*conditions)).one()
        query = select(User).where(*conditions).order_by(_WAITING_RANK, *_WAITING_SINCE, col(User.created_at).desc(), col(User.id).desc())
        shown = session.exec(query.offset(max(page, 0) * PAGE_SIZE).limit(PAGE_SIZE)).all()
        return PeoplePage(list(shown), matching, _waiting(session))


def _waiting(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User).where(col(User.status).in_(WAITING))).one()


def waiting_count(viewer: Viewer) -> int:
    """How many applicants wait for an administrator's decision (administrators only)."""
    require_admin(viewer)
    with transaction() as session:
        return _waiting(session)


def _target(session: Session, user_id: int, allowed_from: tuple[str, ...]) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise Refused(N_("This person does not exist."))
    if user.status not in allowed_from:
        raise Refused(N_("This cannot be done to an account in its current state."))
    return user


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise Invalid({"reason": N_("Give a reason: the person will receive it.")})
    if len(reason) > REASON_MAX:
        raise Invalid({"reason": N_("Use at most 2000 characters.")})
    return reason


def approve(viewer: Viewer, user_id: int) -> User:
    """Approve a pending application; the applicant is told by e-mail."""
    require_admin(viewer)
    with transaction() as session:
        user = _target(session, user_id, (Status.PENDING, Status.UNCONFIRMED, Status.DENIED))
        user.status = Status.APPROVED
        user.status_reason = ""
        session.add(user)
        search_index.put_person(session, user)
        workspaces.admit_invited(session, user)
        audit.record(actor_id=viewer.id, action="membership.approve", target_user_id=user.id, session=session)
        mail.queue(
            recipient=user.email,
            subject=t("Your membership was approved", user.language),
            body=t(
                "Hello {name},\n\nyour membership of the Partnership Platform was approved. Welcome! Log in here:\n{link}\n",
                user.language,
                name=user.name,
                link=f"{config.settings.public_url}/login",
            ),
            session=session,
        )
    return user


def deny(viewer: Viewer, user_id: int, reason: str) -> User:
    """Deny an application with a reason that the applicant receives by e-mail."""
    require_admin(viewer)
    reason = _clean_reason(reason, required=True)
    with transaction() as session:
        user = _target(session, user_id, (Status.PENDING, Status.UNCONFIRMED))
        user.status = Status.DENIED
        user.status_reason = reason
        session.add(user)
        audit.record(actor_id=viewer.id, action="membership.deny", target_user_id=user.id, reason=reason, session=session)
        mail.queue(
            recipient=user.email,
            subject=t("Your membership application was denied", user.language),
            body=t("Hello {name},\n\nyour membership application was denied for this reason:\n\n{reason}\n", user.language, name=user.name, reason=reason),
            session=session,
        )
    return user


def suspend(viewer: Viewer, user_id: int, reason: str) -> User:
    """Suspend an approved member and log them out everywhere."""
    require_admin(viewer)
    reason = _clean_reason(reason, required=True)
    if user_id == viewer.id:
        raise Refused(N_("You cannot do this to your own account."))
    with transaction() as session:
        user = _target(session, user_id, (Status.APPROVED,))
        user.status = Status.SUSPENDED
        user.status_reason = reason
        session.add(user)
        sessions.revoke_all(user_id, session=session)
        audit.record(actor_id=viewer.id, action="membership.suspend", target_user_id=user.id, reason=reason, session=session)
        mail.queue(
            recipient=user.email,
            subject=t("Your membership was suspended", user.language),
            body=t("Hello {name},\n\nyour membership was suspended for this reason:\n\n{reason}\n", user.language, name=user.name, reason=reason),
            session=session,
        )
    return user


def reinstate(viewer: Viewer, user_id: int) -> User:
    """Lift a suspension."""
    require_admin(viewer)
    with transaction() as session:
        user = _target(session, user_id, (Status.SUSPENDED,))
        user.status = Status.APPROVED
        user.status_reason = ""
        session.add(user)
        audit.record(actor_id=viewer.id, action="membership.reinstate", target_user_id=user.id, session=session)
    return user


def make_admin(viewer: Viewer, user_id: int) -> User:
    """Give an approved member the administrator role."""
    require_admin(viewer)
    with transaction() as session:
        user = _target(session, user_id, (Status.APPROVED,))
        if user.role == Role.ADMIN:
            raise Refused(N_("This person is already an administrator."))
        user.role = Role.ADMIN
        session.add(user)
        sessions.revoke_all(user.id, session=session)  # administrators sign in with a second factor: they enrol at their next login
        audit.record(actor_id=viewer.id, action="role.make_admin", target_user_id=user.id, session=session)
    return user


def grant_editor(viewer: Viewer, user_id: int) -> User:
    """Let an approved member write the instance's pages, news and events."""
    require_admin(viewer)
    with transaction() as session:
        user = _target(session, user_id, (Status.APPROVED,))
        if user.role != Role.MEMBER:
            raise Refused(N_("This person already writes content."))
        user.role = Role.EDITOR
        session.add(user)
        audit.record(actor_id=viewer.id, action="role.grant_editor", target_user_id=user.id, session=session)
    return user


def revoke_editor(viewer: Viewer, user_id: int) -> User:
    """Make an editor an ordinary member again."""
    require_admin(viewer)
    with transaction() as session:
        user = _target(session, user_id, (Status.APPROVED, Status.SUSPENDED))
        if user.role != Role.EDITOR:
            raise Refused(N_("This person is not an editor."))
        user.role = Role.MEMBER
        session.add(user)
        audit.record(actor_id=viewer.id, action="role.revoke_editor", target_user_id=user.id, session=session)
    return user
