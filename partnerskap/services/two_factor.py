"""Two-factor sign-in: a TOTP code (or a single-use recovery code) between the password and the session ticket.

Administrators must use it (one without it enrols right after the password, before any session exists); members may
switch it on and off on their account page. The secret is stored encrypted (tokens.sealer), recovery codes hashed.
"""

from __future__ import annotations

import dataclasses
import enum
import hmac
import secrets
from datetime import UTC, datetime, timedelta

import pyotp
import segno
from cryptography.fernet import InvalidToken
from sqlmodel import Session, col, delete, select, update

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import LoginTicket, RecoveryCode, Role, User
from partnerskap.models.base import utcnow
from partnerskap.services import sessions, throttle
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import require_member
from partnerskap.services.sessions import Viewer
from partnerskap.services.tokens import digest, new_token, sealer

PENDING_MINUTES = 5
RECOVERY_CODES = 10
ISSUER = "Partnerskap"
SIGN_IN_AGAIN = N_("Your sign-in has expired. Log in again.")
WRONG_CODE = N_("The code is wrong or has expired.")
ADMINS_KEEP_IT = N_("Administrators must keep two-factor sign-in on.")
_SECRETS = b"partnerskap two-factor secrets"


class Step(enum.StrEnum):
    """What comes after a correct password."""

    SESSION = "session"  # no second factor: the ticket is the session ticket
    CODE = "code"  # the ticket waits for a code
    ENROL = "enrol"  # an administrator without a second factor enrols first


@dataclasses.dataclass(frozen=True)
class SignIn:
    """The ticket a correct password earns, and what it is good for."""

    ticket: str
    step: Step


@dataclasses.dataclass(frozen=True)
class Enrolment:
    """A new secret to put in an authenticator app: as text, and as a QR code (an SVG data URL)."""

    secret: str
    qr_code: str


def required(user: User) -> bool:
    """Whether the person must sign in with a second factor (instance administrators)."""
    return user.role == Role.ADMIN


def after_password(user: User, *, session: Session, browser: str = "") -> SignIn:
    """The ticket for a person whose password was right, bound to the browser holding `browser`: a session ticket, or one that waits for a code."""
    if user.two_factor_since is None and not required(user):
        return SignIn(sessions.issue_ticket(user.id, session=session, browser=browser), Step.SESSION)
    ticket = new_token()
    expires = utcnow() + timedelta(minutes=PENDING_MINUTES)
    session.add(LoginTicket(ticket_hash=digest(ticket), browser_hash=digest(browser), user_id=user.id, expires_at=expires, awaits_code=True))
    return SignIn(ticket, Step.CODE if user.two_factor_since is not None else Step.ENROL)


def verify(ticket: str, code: str, client_address: str, *, browser: str = "") -> str:
    """Exchange a waiting ticket and a right code (or an unused recovery code) for a session ticket of the same browser; throttled like passwords."""
    with transaction() as session:
        user = _waiting(session, ticket, browser)
        limits = _limits(user, client_address)
        throttle.check(*limits, session=session)
        if user.two_factor_since is None:
            raise Refused(SIGN_IN_AGAIN)
        matched = _code_matches(user, code, session) or _spend_recovery_code(user, code, session)
        if matched:
            throttle.forget(limits[0], session=session)
            return _finish(session, ticket, user, browser)
    with transaction() as session:
        throttle.count(*limits, session=session)
    raise Invalid({"code": WRONG_CODE})


def begin_at_sign_in(ticket: str, *, browser: str = "") -> Enrolment:
    """A new secret for an administrator who has none yet, on the ticket their password earned."""
    with transaction() as session:
        user = _waiting(session, ticket, browser)
        if user.two_factor_since is not None:
            raise Refused(SIGN_IN_AGAIN)
        return _new_secret(user, session)


def finish_at_sign_in(ticket: str, code: str, client_address: str, *, browser: str = "") -> list[str]:
    """Switch the second factor on with a first right code; the recovery codes to show once (`continue_at_sign_in` follows)."""
    with transaction() as session:
        user = _waiting(session, ticket, browser)
        limits = _limits(user, client_address)
        throttle.check(*limits, session=session)
        if user.two_factor_since is None and user.totp_secret and _code_matches(user, code, session):
            return _switch_on(user, session)
    with transaction() as session:
        throttle.count(*limits, session=session)
    raise Invalid({"code": WRONG_CODE})


def continue_at_sign_in(ticket: str, *, browser: str = "") -> str:
    """A session ticket for the holder of a waiting ticket whose person enrolled during this very sign-in."""
    with transaction() as session:
        user = _waiting(session, ticket, browser)
        row = session.exec(select(LoginTicket).where(LoginTicket.ticket_hash == digest(ticket))).one()
        if user.two_factor_since is None or user.two_factor_since < row.expires_at - timedelta(minutes=PENDING_MINUTES):
            raise Refused(SIGN_IN_AGAIN)
        return _finish(session, ticket, user, browser)


def begin(viewer: Viewer) -> Enrolment:
    """A new secret for a member who switches the second factor on from their account page."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, viewer.id)
        assert user is not None
        if user.two_factor_since is not None:
            raise Refused(N_("Two-factor sign-in is already on."))
        return _new_secret(user, session)


def finish(viewer: Viewer, code: str, client_address: str) -> list[str]:
    """Switch the second factor on with a first right code; the recovery codes, to show once."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, viewer.id)
        assert user is not None
        limits = _limits(user, client_address)
        throttle.check(*limits, session=session)
        if user.two_factor_since is None and user.totp_secret and _code_matches(user, code, session):
            return _switch_on(user, session)
    with transaction() as session:
        throttle.count(*limits, session=session)
    raise Invalid({"code": WRONG_CODE})


def switch_off(viewer: Viewer, code: str, client_address: str) -> None:
    """Switch a member's second factor off with a right code; administrators keep it."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, viewer.id)
        assert user is not None
        if required(user):
            raise Refused(ADMINS_KEEP_IT)
        limits = _limits(user, client_address)
        throttle.check(*limits, session=session)
        if user.two_factor_since is not None and (_code_matches(user, code, session) or _spend_recovery_code(user, code, session)):
            user.totp_secret, user.two_factor_since = "", None
            session.add(user)
            session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
            return
    with transaction() as session:
        throttle.count(*limits, session=session)
    raise Invalid({"code": WRONG_CODE})


def is_on(user_id: int) -> bool:
    """Whether the person signs in with a second factor."""
    with transaction() as session:
        user = session.get(User, user_id)
        return user is not None and user.two_factor_since is not None


def switch_on_with_secret(user: User, secret: str, *, session: Session) -> list[str]:
    """Switch the second factor on with a secret already known (the first enrolment's, or an operator's); the recovery codes."""
    user.totp_secret = sealer(_SECRETS).encrypt(secret.encode()).decode()
    return _switch_on(user, session)


def _waiting(session: Session, ticket: str, browser: str) -> User:
    row = session.exec(select(LoginTicket).where(LoginTicket.ticket_hash == digest(ticket or ""))).first()
    if row is None or not row.awaits_code or row.used_at is not None or row.expires_at < utcnow() or row.browser_hash != digest(browser):
        raise Refused(SIGN_IN_AGAIN)
    user = session.get(User, row.user_id)
    assert user is not None
    return user


def _finish(session: Session, ticket: str, user: User, browser: str) -> str:
    row = session.exec(select(LoginTicket).where(LoginTicket.ticket_hash == digest(ticket))).one()
    row.used_at = utcnow()
    session.add(row)
    return sessions.issue_ticket(user.id, session=session, browser=browser)


def _limits(user: User, client_address: str) -> tuple[tuple[throttle.Limit, str], ...]:
    return throttle.SECOND_FACTOR_PAIR.on(str(user.id), client_address), throttle.SECOND_FACTOR_ACCOUNT.on(str(user.id))


def _new_secret(user: User, session: Session) -> Enrolment:
    secret = pyotp.random_base32()
    user.totp_secret = sealer(_SECRETS).encrypt(secret.encode()).decode()
    session.add(user)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return Enrolment(secret=secret, qr_code=segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _code_matches(user: User, code: str, session: Session) -> bool:
    """Whether the code is the authenticator's for now (a step either side allowed for clocks), spending its time step."""
    code = "".join(code.split())
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    try:
        secret = sealer(_SECRETS).decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:  # sealed under another secret key: the person uses a recovery code
        return False
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(datetime.now(UTC))
    for step in (now_step - 1, now_step, now_step + 1):
        if step > user.totp_last_step and hmac.compare_digest(totp.generate_otp(step), code):
            # Conditional, so that two requests racing with one code cannot both win: a seen code is a spent code.
            spent = session.exec(update(User).where(col(User.id) == user.id, col(User.totp_last_step) < step).values(totp_last_step=step))
            return spent.rowcount == 1
    return False


def _spend_recovery_code(user: User, code: str, session: Session) -> bool:
    row = session.exec(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest(_normal(code)), col(RecoveryCode.used_at).is_(None))
    ).first()
    if row is None:
        return False
    row.used_at = utcnow()
    session.add(row)
    return True


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _switch_on(user: User, session: Session) -> list[str]:
    user.two_factor_since = utcnow()
    session.add(user)
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=digest(code)))
    return [f"{code[:5]}-{code[5:]}" for code in codes]
