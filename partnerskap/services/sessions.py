"""Server-side sessions: tickets exchanged for cookie tokens, resolved to a viewer on every request."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, col, select, update

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.memory import UNKNOWN, Noted, Remembered
from partnerskap.models import AuthSession, LoginTicket, Role, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import audit
from partnerskap.services.tokens import digest, new_token

COOKIE_NAME = config.settings.cookie_prefix + "partnerskap_session"
# A random value the browser holds while it logs in: a login ticket completes only with the value it was issued for.
LOGIN_COOKIE = config.settings.cookie_prefix + "partnerskap_login"
LOGIN_COOKIE_SECONDS = 3600
TICKET_SECONDS = 60
TOUCH_EVERY = timedelta(minutes=1)
_SESSION_AND_PERSON = select(AuthSession, User).join(User).where(col(AuthSession.token_hash) == bindparam("token_hash"))  # built once: every event asks
# Last visits are noted here and saved together once a second (save_visits), so resolving a session never writes.
_visits = Noted("session visits", holds="each session's last visit (token hash -> time), until saved")
_SAVE_VISIT = (
    update(AuthSession)
    .where(col(AuthSession.token_hash) == bindparam("of_session"), col(AuthSession.last_seen_at) < bindparam("before"))
    .values(last_seen_at=bindparam("seen"))
)


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
    avatar_key: str = ""

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
            avatar_key=user.avatar_key,
        )


# A resolved viewer is reused by the process that resolved it for settings.session_recheck_seconds (at most until the
# session expires). Changes to a person or a session made by this process forget their remembered viewers at once,
# after the commit; those made by another process (another backend worker) reach this one within that time.
_viewers: Remembered[str, Viewer | None] = Remembered(
    "sessions",
    holds="the viewer of each session token resolved (token hash -> viewer, or None)",
    lasts="PARTNERSKAP_SESSION_RECHECK_SECONDS (60 s with one worker, 5 s with Redis), at most until the session expires; 10,000 tokens",
    others_learn="when the remembered viewer expires",
    seconds=lambda: config.settings.session_recheck_seconds,
    limit=10_000,
    group_of=lambda viewer: viewer.id if viewer is not None else None,
)
_viewers.forget_when_changed(User, groups=lambda person: [person.id])  # a suspension, a language switch
_viewers.forget_when_changed(AuthSession, keys=lambda auth: [auth.token_hash], attribute="revoked_at")  # not a visit noted


def issue_ticket(user_id: int, *, session: Session, browser: str = "") -> str:
    """A one-time ticket valid for a minute, for the browser holding the login value `browser`; the cookie route exchanges it."""
    ticket = new_token()
    expires = utcnow() + timedelta(seconds=TICKET_SECONDS)
    session.add(LoginTicket(ticket_hash=digest(ticket), browser_hash=digest(browser), user_id=user_id, expires_at=expires))
    return ticket


def exchange_ticket(ticket: str, previous_token: str = "", browser: str = "") -> str | None:
    """A new session token for a valid ticket presented by the browser it was issued for (the previous session is revoked), else None."""
    with transaction() as session:
        row = session.exec(select(LoginTicket).where(LoginTicket.ticket_hash == digest(ticket))).first()
        if row is None or row.awaits_code or row.used_at is not None or row.expires_at < utcnow() or row.browser_hash != digest(browser):  # a password alone never opens a session when a code is due
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
    key = digest(token)
    if (viewer := _viewers.get(key)) is not UNKNOWN:
        return viewer
    since = _viewers.generation()
    now = utcnow()
    viewer, valid_until = _look_up(key, now)
    _viewers.keep(key, viewer, since=since, seconds=(valid_until - now).total_seconds())
    return viewer


def remembered(token: str) -> tuple[bool, Viewer | None]:
    """(True, viewer) when the answer needs no database: no token, or one this process resolved recently enough."""
    if not token:
        return True, None
    viewer = _viewers.get(digest(token))
    return (False, None) if viewer is UNKNOWN else (True, viewer)


def _recheck() -> timedelta:
    return timedelta(seconds=config.settings.session_recheck_seconds)


def _look_up(token_hash: str, now: datetime) -> tuple[Viewer | None, datetime]:
    """The session's viewer and until when the session stays valid; notes its last visit once a minute."""
    settings = config.settings
    with transaction() as session:
        found = session.exec(_SESSION_AND_PERSON, params={"token_hash": token_hash}).first()
    if found is None:
        return None, now + _recheck()
    auth, user = found
    last_seen = max(auth.last_seen_at, _visits.get(token_hash) or auth.last_seen_at)
    idle_limit = last_seen + timedelta(minutes=settings.session_idle_minutes)
    absolute_limit = auth.created_at + timedelta(hours=settings.session_absolute_hours)
    if auth.revoked_at is not None or now > idle_limit or now > absolute_limit:
        return None, now + _recheck()
    if now - last_seen > TOUCH_EVERY:
        _visits.note(token_hash, now)
    valid_until = min(now + timedelta(minutes=settings.session_idle_minutes), absolute_limit)
    if user.status == Status.SUSPENDED and user.suspended_until is not None:
        if user.suspended_until <= now:  # a time-limited suspension lifts itself when its member next arrives
            user = lift_suspension(user.id) or user
        else:
            valid_until = min(valid_until, user.suspended_until)
    return Viewer.of(user), valid_until


def lift_suspension(user_id: int) -> User | None:
    """Reinstate one member whose time-limited suspension has ended (noted in the audit log); None if it had not ended."""
    with transaction() as session:
        user = session.get(User, user_id)
        if user is None or user.status != Status.SUSPENDED or user.suspended_until is None or user.suspended_until > utcnow():
            return None
        user.status, user.status_reason, user.suspended_until = Status.APPROVED, "", None
        session.add(user)
        audit.record(actor_id=None, action="membership.suspension_ended", target_user_id=user.id, session=session)
        return user


def save_visits() -> int:
    """Write the last visits noted since the last call, in one transaction; returns how many were written."""
    return _visits.save(_write_visits)


def _write_visits(visits: dict[str, datetime]) -> None:
    with transaction() as session:
        session.connection().execute(_SAVE_VISIT, [{"of_session": token_hash, "before": seen, "seen": seen} for token_hash, seen in visits.items()])


def revoke(token: str) -> None:
    """Log one session out."""
    with transaction() as session:
        _revoke(token, session)


def revoke_in(token: str, *, session: Session) -> None:
    """Log one session out in the caller's transaction."""
    _revoke(token, session)


def revoke_everywhere(user_id: int) -> None:
    """Log a person out on every device."""
    with transaction() as session:
        revoke_all(user_id, session=session)


def has_ended(token: str) -> bool:
    """Whether the database holds this session as over (revoked, expired or unknown), whatever this process remembers."""
    return _look_up(digest(token), utcnow())[0] is None


def _revoke(token: str, session: Session) -> None:
    _viewers.forget_after_commit(session, keys=[digest(token)])
    session.exec(
        update(AuthSession)
        .where(col(AuthSession.token_hash) == digest(token), col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all(user_id: int, *, session: Session) -> None:
    """Log every session of a person out (password change, suspension)."""
    _viewers.forget_after_commit(session, groups=[user_id])
    session.exec(
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
