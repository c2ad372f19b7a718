"""Two-factor sign-in: between the password and the session ticket, required for administrators, optional for members, throttled."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.models import RecoveryCode, User
from partnerskap.services import accounts, membership, sessions, two_factor
from partnerskap.services.errors import Invalid, Refused
from tests.conftest import PASSWORD, viewer
from tests.test_sessions import last_link_token

IP = "192.0.2.7"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol(user: User, secret: str = SECRET) -> list[str]:
    with transaction() as session:
        return two_factor.switch_on_with_secret(session.get(User, user.id), secret, session=session)


def code(secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).now()


def next_code(secret: str = SECRET) -> str:
    """The code the authenticator shows half a minute later (the server takes each code once, and one step ahead for clocks)."""
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30))


def test_admin_without_a_second_factor_enrols_before_any_session(admin):
    signed_in = accounts.log_in(admin.email, PASSWORD, IP)
    assert signed_in.step == two_factor.Step.ENROL
    assert sessions.exchange_ticket(signed_in.ticket) is None, "the password alone opens no session"
    enrolment = two_factor.begin_at_sign_in(signed_in.ticket)
    assert enrolment.qr_code.startswith("data:image/svg+xml")
    with pytest.raises(Refused, match=two_factor.SIGN_IN_AGAIN):
        two_factor.continue_at_sign_in(signed_in.ticket)
    codes = two_factor.finish_at_sign_in(signed_in.ticket, code(enrolment.secret), IP)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sessions.exchange_ticket(two_factor.continue_at_sign_in(signed_in.ticket))
    with transaction() as session:
        stored = session.get(User, admin.id)
        hashes = session.exec(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == admin.id)).all()
    assert enrolment.secret not in stored.totp_secret, "the secret is stored encrypted"
    assert not any(c.replace("-", "") in h for c in codes for h in hashes), "recovery codes are stored hashed"


def test_enrolled_admin_signs_in_with_a_code_and_not_without(admin):
    enrol(admin)
    signed_in = accounts.log_in(admin.email, PASSWORD, IP)
    assert signed_in.step == two_factor.Step.CODE
    assert sessions.exchange_ticket(signed_in.ticket) is None
    with pytest.raises(Invalid) as wrong:
        two_factor.verify(signed_in.ticket, "000000" if code() != "000000" else "111111", IP)
    assert wrong.value.errors == {"code": two_factor.WRONG_CODE}
    assert sessions.exchange_ticket(two_factor.verify(signed_in.ticket, code(), IP))
    with pytest.raises(Refused, match=two_factor.SIGN_IN_AGAIN):
        two_factor.verify(signed_in.ticket, code(), IP)


def test_a_recovery_code_signs_in_once(member):
    codes = enrol(member)
    first = accounts.log_in(member.email, PASSWORD, IP)
    assert sessions.exchange_ticket(two_factor.verify(first.ticket, codes[0], IP))
    second = accounts.log_in(member.email, PASSWORD, IP)
    with pytest.raises(Invalid):
        two_factor.verify(second.ticket, codes[0], IP)


def test_member_without_a_second_factor_signs_in_with_the_password(member):
    signed_in = accounts.log_in(member.email, PASSWORD, IP)
    assert signed_in.step == two_factor.Step.SESSION and sessions.exchange_ticket(signed_in.ticket)


def test_wrong_codes_are_throttled_like_passwords_even_before_the_right_one(member):
    enrol(member)
    signed_in = accounts.log_in(member.email, PASSWORD, IP)
    for _ in range(5):
        with pytest.raises(Invalid):
            two_factor.verify(signed_in.ticket, "12345x", IP)
    with pytest.raises(Refused, match="Too many attempts"):
        two_factor.verify(signed_in.ticket, code(), IP)


def test_member_switches_the_second_factor_on_and_off_but_an_admin_cannot_switch_it_off(member, admin):
    enrolment = two_factor.begin(viewer(member))
    with pytest.raises(Invalid):
        two_factor.finish(viewer(member), "123", IP)
    assert len(two_factor.finish(viewer(member), code(enrolment.secret), IP)) == 10
    assert two_factor.is_on(member.id)
    two_factor.switch_off(viewer(member), next_code(enrolment.secret), IP)
    assert not two_factor.is_on(member.id)
    enrol(admin)
    with pytest.raises(Refused, match=two_factor.ADMINS_KEEP_IT):
        two_factor.switch_off(viewer(admin), code(), IP)


def test_a_password_reset_does_not_skip_the_second_factor(member):
    enrol(member)
    accounts.request_password_reset(member.email, IP)
    accounts.reset_password(last_link_token(member.email, "reset"), "a brand new passphrase")
    assert accounts.log_in(member.email, "a brand new passphrase", IP).step == two_factor.Step.CODE


def test_a_new_administrator_is_signed_out_to_enrol(admin, member):
    with transaction() as session:
        token = sessions.exchange_ticket(sessions.issue_ticket(member.id, session=session))
    membership.make_admin(viewer(admin), member.id)
    assert sessions.resolve(token) is None
    assert accounts.log_in(member.email, PASSWORD, IP).step == two_factor.Step.ENROL


def test_a_second_factor_completes_only_in_the_browser_that_gave_the_password(admin):
    enrol(admin)
    signed_in = accounts.log_in(admin.email, PASSWORD, IP, browser="login-value-of-the-admins-browser")
    with pytest.raises(Refused, match=two_factor.SIGN_IN_AGAIN):
        two_factor.verify(signed_in.ticket, code(), IP, browser="login-value-of-another-browser")
    ticket = two_factor.verify(signed_in.ticket, code(), IP, browser="login-value-of-the-admins-browser")
    assert sessions.exchange_ticket(ticket, browser="login-value-of-another-browser") is None
    assert sessions.resolve(sessions.exchange_ticket(ticket, browser="login-value-of-the-admins-browser")).id == admin.id


def test_a_code_seen_once_does_not_sign_in_again(admin):
    enrol(admin)
    first = accounts.log_in(admin.email, PASSWORD, IP)
    seen = code()
    assert sessions.exchange_ticket(two_factor.verify(first.ticket, seen, IP))
    # Someone who watched the code being typed logs in with the same password and code within the same half-minute.
    second = accounts.log_in(admin.email, PASSWORD, "198.51.100.9")
    with pytest.raises(Invalid) as replayed:
        two_factor.verify(second.ticket, seen, "198.51.100.9")
    assert replayed.value.errors == {"code": two_factor.WRONG_CODE}
    earlier = pyotp.TOTP(SECRET).at(datetime.now(UTC) - timedelta(seconds=30))
    with pytest.raises(Invalid):
        two_factor.verify(second.ticket, earlier, "198.51.100.9")  # an older code is spent with the newer one
