"""Accounts: registration, e-mail confirmation, login, password reset and change, profile."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlmodel import Session, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import LANGUAGES, language_or_default, t
from partnerskap.models import EmailToken, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import mail, passwords, sessions, throttle, workspaces
from partnerskap.services.addresses import EMAIL_PATTERN, normalise_email
from partnerskap.services.errors import N_, Invalid, Refused
from partnerskap.services.tokens import digest, new_token

NAME_MAX = 120
ORGANISATION_MAX = 160
CONFIRM_HOURS = 48
RESET_MINUTES = 60


@dataclasses.dataclass(frozen=True)
class Registration:
    """What a visitor fills in to register."""

    name: str
    email: str
    organisation: str
    password: str
    accepted_terms: bool
    language: str


def _check_registration(form: Registration) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = N_("Enter your name.")
    elif len(name) > NAME_MAX:
        errors["name"] = N_("Use at most 120 characters.")
    email = normalise_email(form.email)
    if not email:
        errors["email"] = N_("Enter your e-mail address.")
    elif len(email) > 254 or not EMAIL_PATTERN.match(email):
        errors["email"] = N_("Enter an e-mail address like name@example.org.")
    if len(form.organisation.strip()) > ORGANISATION_MAX:
        errors["organisation"] = N_("Use at most 160 characters.")
    if problem := passwords.problem(form.password):
        errors["password"] = problem
    if not form.accepted_terms:
        errors["terms"] = N_("You must accept the terms of use to register.")
    return errors


def register(form: Registration) -> User:
    """Create an unconfirmed account and e-mail the confirmation link; nothing is written on bad input."""
    errors = _check_registration(form)
    if errors:
        raise Invalid(errors)
    password_hash = passwords.hash_password(form.password)
    email = normalise_email(form.email)
    with transaction() as session:
        if session.exec(select(User).where(User.email == email)).first():
            raise Invalid({"email": N_("An account with this e-mail address already exists.")})
        user = User(
            email=email,
            name=form.name.strip(),
            organisation=form.organisation.strip(),
            password_hash=password_hash,
            language=language_or_default(form.language),
            terms_accepted_at=utcnow(),
        )
        session.add(user)
        session.flush()
        _send_link(user, purpose="confirm", session=session)
    return user


def _send_link(user: User, *, purpose: str, session: Session) -> None:
    token = new_token()
    lifetime = timedelta(hours=CONFIRM_HOURS) if purpose == "confirm" else timedelta(minutes=RESET_MINUTES)
    session.add(EmailToken(token_hash=digest(token), user_id=user.id, purpose=purpose, expires_at=utcnow() + lifetime))
    base = config.settings.public_url
    if purpose == "confirm":
        subject = t("Confirm your e-mail address", user.language)
        body = t(
            "Hello {name},\n\nconfirm your e-mail address for the Partnership Platform by opening this link within 48 hours:\n{link}\n",
            user.language,
            name=user.name,
            link=f"{base}/confirm?token={token}",
        )
    else:
        subject = t("Reset your password", user.language)
        body = t(
            "Hello {name},\n\nsomeone asked to reset the password of your account. If it was you, open this link within an hour:\n{link}\n\nIf it was not you, you can ignore this message.\n",
            user.language,
            name=user.name,
            link=f"{base}/reset?token={token}",
        )
    mail.queue(recipient=user.email, subject=subject, body=body, session=session)


def _use_token(token: str, purpose: str, session: Session) -> User:
    row = session.exec(select(EmailToken).where(EmailToken.token_hash == digest(token or ""))).first()
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at < utcnow():
        raise Refused(N_("This link is invalid or has expired."))
    row.used_at = utcnow()
    session.add(row)
    user = session.get(User, row.user_id)
    assert user is not None
    return user


def confirm_email(token: str) -> User:
    """Confirm the address; under the open policy the member is approved at once."""
    with transaction() as session:
        user = _use_token(token, "confirm", session)
        if user.status == Status.UNCONFIRMED:
            user.email_confirmed_at = utcnow()
            user.status = Status.APPROVED if config.settings.membership_policy == "open" else Status.PENDING
            session.add(user)
            if user.status == Status.APPROVED:
                workspaces.admit_invited(session, user)
    return user


def resend_confirmation(user_id: int) -> None:
    """Send a new confirmation link to an unconfirmed account."""
    with transaction() as session:
        user = session.get(User, user_id)
        if user is None or user.status != Status.UNCONFIRMED:
            raise Refused(N_("Your e-mail address is already confirmed."))
        throttle.check(f"confirm:{user.id}", session=session)
        throttle.fail(f"confirm:{user.id}", session=session)
        _send_link(user, purpose="confirm", session=session)


def log_in(email: str, password: str, client_ip: str, *, browser: str = "") -> str:
    """Check the credentials and return a one-time login ticket for the browser holding `browser`; the same refusal for unknown e-mails."""
    email = normalise_email(email)
    keys = (f"login:{email}"[:300], f"login-ip:{client_ip}")
    with transaction() as session:
        throttle.check(*keys, session=session)
        user = session.exec(select(User).where(User.email == email)).first() if email else None
    if len(password) > passwords.MAX_LENGTH:
        password = ""
    matched = passwords.verify(user.password_hash, password) if user else passwords.verify_nobody(password)
    with transaction() as session:
        if not matched or user is None:
            throttle.fail(*keys, session=session)
        else:
            throttle.clear(keys[0], session=session)
            return sessions.issue_ticket(user.id, session=session, browser=browser)
    raise Refused(N_("The e-mail address or password is wrong."))


def request_password_reset(email: str, client_ip: str) -> None:
    """E-mail a reset link if the account exists; the caller always says the same thing."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email):
        raise Invalid({"email": N_("Enter an e-mail address like name@example.org.")})
    keys = (f"reset:{email}"[:300], f"reset-ip:{client_ip}")
    with transaction() as session:
        throttle.check(*keys, session=session)
        throttle.fail(*keys, session=session)
        user = session.exec(select(User).where(User.email == email)).first()
        if user is not None:
            _send_link(user, purpose="reset", session=session)


def reset_password(token: str, new_password: str) -> None:
    """Set a new password from an e-mailed link and log every session out."""
    if problem := passwords.problem(new_password):
        raise Invalid({"password": problem})
    password_hash = passwords.hash_password(new_password)
    with transaction() as session:
        user = _use_token(token, "reset", session)
        user.password_hash = password_hash
        session.add(user)
        sessions.revoke_all(user.id, session=session)


def change_password(user_id: int, current_password: str, new_password: str) -> None:
    """Change the password after checking the current one; every session is logged out."""
    with transaction() as session:
        user = session.get(User, user_id)
        throttle.check(f"password:{user_id}", session=session)
    if user is None or not passwords.verify(user.password_hash, current_password[: passwords.MAX_LENGTH]):
        with transaction() as session:
            throttle.fail(f"password:{user_id}", session=session)
        raise Invalid({"current_password": N_("The current password is wrong.")})
    if problem := passwords.problem(new_password):
        raise Invalid({"new_password": problem})
    password_hash = passwords.hash_password(new_password)
    with transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        user.password_hash = password_hash
        session.add(user)
        sessions.revoke_all(user_id, session=session)


def update_profile(user_id: int, *, name: str, organisation: str) -> User:
    """Change one's own name and organisation."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = N_("Enter your name.")
    elif len(name.strip()) > NAME_MAX:
        errors["name"] = N_("Use at most 120 characters.")
    if len(organisation.strip()) > ORGANISATION_MAX:
        errors["organisation"] = N_("Use at most 160 characters.")
    if errors:
        raise Invalid(errors)
    with transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        user.name = name.strip()
        user.organisation = organisation.strip()
        session.add(user)
    return user


def set_language(user_id: int, language: str) -> None:
    """Remember a member's language."""
    if language not in LANGUAGES:
        raise Refused(N_("This language is not available."))
    with transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        user.language = language
        session.add(user)


def status_reason(user_id: int) -> str:
    """The reason an administrator gave for denying or suspending the account."""
    with transaction() as session:
        user = session.get(User, user_id)
        return user.status_reason if user else ""


def member_since(user_id: int):
    """When the account was created."""
    with transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.created_at
