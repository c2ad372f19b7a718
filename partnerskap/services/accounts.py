"""Accounts: registration, e-mail confirmation, login, password reset and change, profile."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import LANGUAGES, N_, language_or_default, t
from partnerskap.models import EmailToken, ModerationCase, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import instance, mail, notifications, passwords, push, search_index, sessions, throttle, two_factor, workspaces
from partnerskap.services.addresses import EMAIL_PATTERN, normalise_email
from partnerskap.services.errors import Invalid, Refused
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
    if problem := passwords.problem(form.password, (form.email, name, form.organisation)):
        errors["password"] = problem
    if not form.accepted_terms:
        errors["terms"] = N_("You must accept the terms of use to register.")
    return errors


def register(form: Registration, client_address: str) -> User | None:
    """Create an unconfirmed account and e-mail the confirmation link; nothing is written on bad input.

    An address that already has an account gets no second one: its owner is told by e-mail instead, and the
    visitor sees the same as for a new address (None is returned).
    """
    errors = _check_registration(form)
    if errors:
        raise Invalid(errors)
    email = normalise_email(form.email)
    with transaction() as session:
        limits = (throttle.REGISTER_EMAIL.on(email), throttle.REGISTER_ADDRESS.on(client_address))
        throttle.check(*limits, session=session)
        throttle.count(*limits, session=session)
    password_hash = passwords.hash_password(form.password)
    try:
        with transaction() as session:
            if owner := session.exec(select(User).where(User.email == email)).first():
                _tell_of_registration_attempt(owner, session=session)
                return None
            user = _new_account(form, email, password_hash, session=session)
    except IntegrityError:  # the same address registered at the same moment: one account, the same answer
        return None
    return user


def _new_account(form: Registration, email: str, password_hash: str, *, session: Session) -> User:
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


def _tell_of_registration_attempt(owner: User, *, session: Session) -> None:
    base = config.settings.public_url
    mail.queue(
        recipient=owner.email,
        subject=t("Someone tried to register with your e-mail address", owner.language),
        body=t(
            "Hello {name},\n\nsomeone tried to register on the Partnership Platform with this e-mail address, which already has an account. If it was you, log in:\n{login}\n\nIf you have forgotten your password, you can reset it:\n{reset}\n\nIf it was not you, you can ignore this message: nothing was changed.\n",
            owner.language,
            name=owner.name,
            login=f"{base}/login",
            reset=f"{base}/forgot",
        ),
        session=session,
    )


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


def _token_user(token: str, purpose: str, session: Session, *, use: bool) -> User:
    """The person a valid link is for; `use` spends the link."""
    row = session.exec(select(EmailToken).where(EmailToken.token_hash == digest(token or ""))).first()
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at < utcnow():
        raise Refused(N_("This link is invalid or has expired."))
    if use:
        row.used_at = utcnow()
        session.add(row)
    user = session.get(User, row.user_id)
    assert user is not None
    return user


def _own_details(user: User) -> tuple[str, ...]:
    """What others may know of a person, which their password must not be built on."""
    return (user.email, user.name, user.organisation)


def confirm_email(token: str) -> User:
    """Confirm the address; under the open policy the member is approved at once, else the administrators are told.

    A member an administrator approved before the address was confirmed now joins the workspaces it was
    invited to.
    """
    with transaction() as session:
        user = _token_user(token, "confirm", session, use=True)
        if user.email_confirmed_at is None:
            user.email_confirmed_at = utcnow()
            if user.status == Status.UNCONFIRMED:
                user.status = Status.APPROVED if instance.effective().membership_policy == "open" else Status.PENDING
            session.add(user)
            if user.status == Status.APPROVED:
                search_index.put_person(session, user)
                workspaces.admit_invited(session, user)
            elif user.status == Status.PENDING:
                notifications.tell_admins_of_application(session, user)
    return user


def resend_confirmation(user_id: int) -> None:
    """Send a new confirmation link to an unconfirmed account."""
    with transaction() as session:
        user = session.get(User, user_id)
        if user is None or user.email_confirmed_at is not None:
            raise Refused(N_("Your e-mail address is already confirmed."))
        throttle.check(throttle.CONFIRM_RESEND.on(str(user.id)), session=session)
        throttle.count(throttle.CONFIRM_RESEND.on(str(user.id)), session=session)
        _send_link(user, purpose="confirm", session=session)


def log_in(email: str, password: str, client_address: str, *, browser: str = "") -> two_factor.SignIn:
    """Check the credentials and return a one-time ticket for the browser holding `browser` (a session's, or one that waits for a second factor); the same refusal for unknown e-mails.

    Failures refuse even the right password only from the address they came from; elsewhere they slow
    attempts at the account down, so an attacker can never lock its owner out.
    """
    email = normalise_email(email)
    pair = throttle.LOGIN_PAIR.on(email, client_address)
    limits = (pair, throttle.LOGIN_ACCOUNT.on(email), throttle.LOGIN_ADDRESS.on(client_address))
    with transaction() as session:
        throttle.check(*limits, session=session)
        user = session.exec(select(User).where(User.email == email)).first() if email else None
    if len(password) > passwords.MAX_LENGTH:
        password = ""
    matched = passwords.verify(user.password_hash, password) if user else passwords.verify_nobody(password)
    with transaction() as session:
        if not matched or user is None:
            throttle.count(*limits, session=session)
        else:
            throttle.forget(pair, session=session)
            return two_factor.after_password(user, session=session, browser=browser)
    raise Refused(N_("The e-mail address or password is wrong."))


def request_password_reset(email: str, client_address: str) -> None:
    """E-mail a reset link if the account exists; the caller always says the same thing."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email):
        raise Invalid({"email": N_("Enter an e-mail address like name@example.org.")})
    limits = (throttle.RESET_EMAIL.on(email), throttle.RESET_ADDRESS.on(client_address))
    with transaction() as session:
        throttle.check(*limits, session=session)
        throttle.count(*limits, session=session)
        user = session.exec(select(User).where(User.email == email)).first()
        if user is not None:
            _send_link(user, purpose="reset", session=session)


def reset_password(token: str, new_password: str) -> None:
    """Set a new password from an e-mailed link and log every session out."""
    with transaction() as session:
        details = _own_details(_token_user(token, "reset", session, use=False))
    if problem := passwords.problem(new_password, details):
        raise Invalid({"password": problem})
    password_hash = passwords.hash_password(new_password)
    with transaction() as session:
        user = _token_user(token, "reset", session, use=True)
        user.password_hash = password_hash
        session.add(user)
        sessions.revoke_all(user.id, session=session)


def change_password(user_id: int, current_password: str, new_password: str) -> None:
    """Change the password after checking the current one; every session is logged out."""
    limit = throttle.PASSWORD_CHANGE.on(str(user_id))
    with transaction() as session:
        user = session.get(User, user_id)
        throttle.check(limit, session=session)
    if user is None or not passwords.verify(user.password_hash, current_password[: passwords.MAX_LENGTH]):
        with transaction() as session:
            throttle.count(limit, session=session)
        raise Invalid({"current_password": N_("The current password is wrong.")})
    if problem := passwords.problem(new_password, _own_details(user)):
        raise Invalid({"new_password": problem})
    password_hash = passwords.hash_password(new_password)
    with transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        user.password_hash = password_hash
        session.add(user)
        sessions.revoke_all(user_id, session=session)


def check_profile(name: str, organisation: str) -> None:
    """Refuse a name or organisation a profile cannot have, next to its field."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = N_("Enter your name.")
    elif len(name.strip()) > NAME_MAX:
        errors["name"] = N_("Use at most 120 characters.")
    if len(organisation.strip()) > ORGANISATION_MAX:
        errors["organisation"] = N_("Use at most 160 characters.")
    if errors:
        raise Invalid(errors)


def update_profile(user_id: int, *, name: str, organisation: str) -> User:
    """Change one's own name and organisation."""
    check_profile(name, organisation)
    with transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        user.name = name.strip()
        user.organisation = organisation.strip()
        session.add(user)
        if user.status == Status.APPROVED:
            search_index.put_person(session, user)
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


@dataclasses.dataclass(frozen=True)
class Standing:
    """Where a person's membership stands: the reason for a denial or suspension, its end, and the decision to appeal."""

    reason: str
    suspended_until: datetime | None
    appealable_case: int


def standing(user_id: int) -> Standing:
    """The reason an administrator gave for denying or suspending the account, until when, and the case to appeal."""
    with transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            return Standing("", None, 0)
        case_id = 0
        if user.status == Status.SUSPENDED:
            case_id = session.exec(
                select(ModerationCase.id).where(ModerationCase.author_id == user_id, ModerationCase.decision == "suspend").order_by(col(ModerationCase.id).desc())
            ).first() or 0
        return Standing(user.status_reason, user.suspended_until, case_id)


def own_account(user_id: int) -> User:
    """One's own account, for the account page."""
    with transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user


def log_out(token: str, *, device: str = "") -> None:
    """End one session, and stop pushes to the device it ends on (`device`: its push endpoint, if push is on there).

    Without this, whoever uses the browser next would see the member's notifications on a shared computer.
    """
    viewer = sessions.resolve(token) if device else None
    with transaction() as session:
        sessions.revoke_in(token, session=session)
        if viewer is not None:
            push.forget_device(viewer.id, device, session=session)
