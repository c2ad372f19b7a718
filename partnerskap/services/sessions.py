"""Server-side sessions: tickets exchanged for cookie tokens, resolved to a viewer on every request."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlmodel import Session, col, select, update

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import AuthSession, LoginTicket, Role, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services.tokens import digest, new_token

COOKIE_NAME = "partnerskap_session"
TICKET_SECONDS = 60
TOUCH_EVERY = timedelta(minutes=1)


@dataclasses.dataclass(frozen=True)
class Viewer:
    """The person behind a request, as the permission checks see them."""

    id: int
    name: str
    email: str
    organisation: str
    status: str
    role: str
    language: str

    @property
    def is_member(self) -> bool:
        """An approved member."""
        return self.status == Status.APPROVED

    @property
    def is_admin(self) -> bool:
        """An approved administrator."""
        return self.is_member and self.role == Role.ADMIN

    @classmethod
    def of(cls, user: User) -> Viewer:
        """The viewer for a user row."""
        assert user.id is not None
        return cls(
            id=user.id,
            name=user.name,
            email=user.email,
            organisation=user.organisation,
            status=user.status,
            role=user.role,
            language=user.language,
        )


def issue_ticket(user_id: int, *, session: Session) -> str:
    """A one-time ticket valid for a minute; the cookie route exchanges it for a session."""
    ticket = new_token()
    expires = utcnow() + timedelta(seconds=TICKET_SECONDS)
    session.add(LoginTicket(ticket_hash=digest(ticket), user_id=user_id, expires_at=expires))
    return ticket


def exchange_ticket(ticket: str, previous_token: str = "") -> str | None:
    """A new session token for a valid ticket (the previous session is revoked), else None."""
    with transaction() as session:
        row = session.exec(select(LoginTicket).where(LoginTicket.ticket_hash == digest(ticket))).first()
        if row is None or row.used_at is not None or row.expires_at < utcnow():
            return None
        row.used_at = utcnow()
        session.add(row)
        if previous_token:
            _revoke(previous_token, session)
        token = new_token()
        session.add(AuthSession(token_hash=digest(token), user_id=row.user_id))
    return token


def resolve(token: str) -> Viewer | None:
    """The viewer of a live session token, or None if it is unknown, revoked or expired."""
    if not token:
        return None
    settings = config.settings
    now = utcnow()
    with transaction() as session:
        found = session.exec(
            select(AuthSession, User).join(User).where(AuthSession.token_hash == digest(token))
        ).first()
        if found is None:
            return None
        auth, user = found
        idle_limit = auth.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
        absolute_limit = auth.created_at + timedelta(hours=settings.session_absolute_hours)
        if auth.revoked_at is not None or now > idle_limit or now > absolute_limit:
            return None
        if now - auth.last_seen_at > TOUCH_EVERY:
            auth.last_seen_at = now
            session.add(auth)
        return Viewer.of(user)


def revoke(token: str) -> None:
    """Log one session out."""
    with transaction() as session:
        _revoke(token, session)


def _revoke(token: str, session: Session) -> None:
    session.exec(
        update(AuthSession)
        .where(col(AuthSession.token_hash) == digest(token), col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all(user_id: int, *, session: Session) -> None:
    """Log every session of a person out (password change, suspension)."""
    session.exec(
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
