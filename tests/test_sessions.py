"""Sessions, login throttling and password rules, at the service level."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import re
from datetime import timedelta

import pytest
from argon2 import Type, extract_parameters
from sqlalchemy import text
from sqlmodel import select

from partnerskap import memory
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import AuthSession, LoginTicket, OutboxMessage, User
from partnerskap.models.base import utcnow
from partnerskap.services import accounts, mail, membership, passwords, sessions, throttle
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.sessions import Viewer
from tests.conftest import PASSWORD
from tests.refusals import EXPIRED_LINK

WRONG = "The e-mail address or password is wrong."
TOO_MANY = "Too many attempts. Try again in {seconds} seconds."
IP = "198.51.100.7"


class Clock:
    """A stand-in for utcnow, and for the clock remembered values age by, that only moves when told to."""

    def __init__(self):
        self.now = utcnow()
        self.started = self.now

    def __call__(self):
        return self.now

    def seconds(self) -> float:
        return (self.now - self.started).total_seconds()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze the services' clock; tests move it forward."""
    frozen = Clock()
    for module in (sessions, throttle, accounts):
        monkeypatch.setattr(module, "utcnow", frozen)
    monkeypatch.setattr(memory, "clock", frozen.seconds)
    return frozen


@pytest.fixture
def session_limits(monkeypatch):
    """Short idle and absolute session limits: 30 minutes idle, 2 hours in all."""
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, session_idle_minutes=30, session_absolute_hours=2))


def ticket_for(user: User) -> str:
    with transaction() as session:
        return sessions.issue_ticket(user.id, session=session)


def log_in(user: User) -> str:
    token = sessions.exchange_ticket(ticket_for(user))
    assert token
    return token


def refusal_of(email: str, password: str, ip: str = IP) -> Refused:
    with pytest.raises(Refused) as refused:
        accounts.log_in(email, password, ip)
    return refused.value


def last_link_token(email: str, path: str) -> str:
    with transaction() as session:
        body = mail.readable_body(session.exec(select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc())).first())
    return re.search(rf"/{path}\?token=([\w-]+)", body).group(1)


# Tickets and rotation


def test_a_ticket_is_exchanged_once(member):
    ticket = ticket_for(member)
    token = sessions.exchange_ticket(ticket)
    assert sessions.resolve(token).id == member.id
    assert sessions.exchange_ticket(ticket) is None


def test_a_forged_ticket_gets_nothing(member):
    ticket_for(member)
    assert sessions.exchange_ticket("forged") is None
    assert sessions.exchange_ticket("") is None


def test_a_ticket_lives_sixty_seconds(member, clock):
    ticket = ticket_for(member)
    with transaction() as session:
        row = session.exec(select(LoginTicket)).one()
    assert row.expires_at - clock.now == timedelta(seconds=60)
    clock.advance(seconds=61)
    assert sessions.exchange_ticket(ticket) is None


def test_a_ticket_works_within_its_minute(member, clock):
    ticket = ticket_for(member)
    clock.advance(seconds=59)
    assert sessions.exchange_ticket(ticket)


def test_exchanging_a_ticket_revokes_the_previous_session(member):
    first = log_in(member)
    second = sessions.exchange_ticket(ticket_for(member), first)
    assert second and second != first
    assert sessions.resolve(first) is None
    assert sessions.resolve(second).id == member.id


def test_a_ticket_cannot_revoke_someone_elses_session_by_accident(member, outsider):
    outsider_token = log_in(outsider)
    sessions.exchange_ticket(ticket_for(member), "not-a-session")
    assert sessions.resolve(outsider_token).id == outsider.id


# Expiry


def test_an_idle_session_expires(member, clock, session_limits):
    token = log_in(member)
    clock.advance(minutes=31)
    assert sessions.resolve(token) is None


def test_activity_keeps_a_session_alive(member, clock, session_limits):
    token = log_in(member)
    for _ in range(3):
        clock.advance(minutes=29)
        assert sessions.resolve(token).id == member.id


def test_resolving_a_session_writes_nothing_its_visit_is_saved_with_the_others(member, clock):
    def last_seen():
        with transaction() as session:
            return session.exec(select(AuthSession).where(AuthSession.user_id == member.id)).one().last_seen_at

    token = log_in(member)
    logged_in = last_seen()
    clock.advance(minutes=2)
    assert sessions.resolve(token).id == member.id
    assert last_seen() == logged_in
    assert sessions.save_visits() == 1
    assert sessions.save_visits() == 0
    assert last_seen() == clock.now


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(member, clock, session_limits):
    token = log_in(member)
    for _ in range(4):
        clock.advance(minutes=29)
        assert sessions.resolve(token)
    clock.advance(minutes=5)
    assert sessions.resolve(token) is None


def test_unknown_and_empty_tokens_resolve_to_nobody(member):
    log_in(member)
    assert sessions.resolve("") is None
    assert sessions.resolve("made-up") is None


# Revocation


def test_logging_out_revokes_only_that_session(member):
    here, elsewhere = log_in(member), log_in(member)
    sessions.revoke(here)
    assert sessions.resolve(here) is None
    assert sessions.resolve(elsewhere).id == member.id


def test_changing_the_password_logs_out_everywhere(member, outsider):
    tokens = [log_in(member), log_in(member)]
    other = log_in(outsider)
    accounts.change_password(member.id, PASSWORD, "a brand new passphrase")
    assert all(sessions.resolve(token) is None for token in tokens)
    assert sessions.resolve(other).id == outsider.id
    assert accounts.log_in(member.email, "a brand new passphrase", IP)


def test_a_wrong_current_password_changes_nothing(member):
    token = log_in(member)
    with pytest.raises(Invalid) as invalid:
        accounts.change_password(member.id, "not the password", "a brand new passphrase")
    assert "current_password" in invalid.value.errors
    assert sessions.resolve(token).id == member.id
    assert accounts.log_in(member.email, PASSWORD, IP)


def test_resetting_the_password_logs_out_everywhere(member):
    tokens = [log_in(member), log_in(member)]
    accounts.request_password_reset(member.email, IP)
    link = last_link_token(member.email, "reset")
    accounts.reset_password(link, "a brand new passphrase")
    assert all(sessions.resolve(token) is None for token in tokens)
    with pytest.raises(Refused, match=EXPIRED_LINK):
        accounts.reset_password(link, "yet another passphrase")


def test_a_suspended_member_is_logged_out_everywhere(admin, member):
    tokens = [log_in(member), log_in(member)]
    admin_token = log_in(admin)
    membership.suspend(Viewer.of(admin), member.id, "Posting spam")
    assert all(sessions.resolve(token) is None for token in tokens)
    assert sessions.resolve(admin_token).id == admin.id


def test_a_suspended_members_old_ticket_resolves_to_no_member(admin, member):
    ticket = ticket_for(member)
    membership.suspend(Viewer.of(admin), member.id, "Posting spam")
    token = sessions.exchange_ticket(ticket)
    viewer = sessions.resolve(token) if token else None
    assert viewer is None or not viewer.is_member


# Remembered viewers


def test_suspension_here_ends_a_just_resolved_session_at_once(admin, member):
    token = log_in(member)
    assert sessions.resolve(token).is_member
    membership.suspend(Viewer.of(admin), member.id, "Posting spam")
    assert sessions.resolve(token) is None


def test_logging_out_ends_a_just_resolved_session_at_once(member):
    token = log_in(member)
    assert sessions.resolve(token).id == member.id
    sessions.revoke(token)
    assert sessions.resolve(token) is None


def test_a_changed_language_is_seen_at_once(member):
    token = log_in(member)
    assert sessions.resolve(token).language == "en"
    with transaction() as session:
        person = session.get(User, member.id)
        person.language = "sv"
        session.add(person)
    assert sessions.resolve(token).language == "sv"


def test_a_members_language_switch_forgets_only_that_members_sessions(member, outsider):
    switching, other = log_in(member), log_in(outsider)
    sessions.resolve(switching)
    remembered_other = sessions.resolve(other)
    with transaction() as session:
        person = session.get(User, member.id)
        person.language = "sv"
        session.add(person)
    assert sessions.remembered(switching) == (False, None)
    assert sessions.remembered(other) == (True, remembered_other)


def test_logging_out_forgets_only_that_session(member):
    leaving, staying = log_in(member), log_in(member)
    sessions.resolve(leaving)
    kept = sessions.resolve(staying)
    sessions.revoke(leaving)
    assert sessions.remembered(leaving) == (False, None)
    assert sessions.remembered(staying) == (True, kept)



def test_another_workers_revocation_reaches_this_one_within_the_recheck_time(member, clock, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, session_recheck_seconds=5))
    token = log_in(member)
    assert sessions.resolve(token).id == member.id
    with transaction() as session:  # as another process would: no ORM change this process could notice
        session.exec(text("UPDATE authsession SET revoked_at = CURRENT_TIMESTAMP"))
    clock.advance(seconds=4)
    assert sessions.resolve(token).id == member.id
    clock.advance(seconds=2)
    assert sessions.resolve(token) is None


def test_one_worker_rechecks_sessions_each_minute_and_several_workers_every_few_seconds(monkeypatch, tmp_path):
    monkeypatch.setenv("PARTNERSKAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("PARTNERSKAP_SESSION_RECHECK_SECONDS", raising=False)
    assert config.load().session_recheck_seconds == 60
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert config.load().session_recheck_seconds == 5
    monkeypatch.setenv("PARTNERSKAP_SESSION_RECHECK_SECONDS", "0")
    assert config.load().session_recheck_seconds == 0


def test_a_just_resolved_viewer_is_answered_without_the_database(member):
    token = log_in(member)
    assert sessions.remembered(token) == (False, None)
    sessions.resolve(token)
    assert sessions.remembered(token) == (True, sessions.resolve(token))
    assert sessions.remembered("") == (True, None)


# Throttling


def test_an_unknown_email_gets_the_same_refusal_as_a_wrong_password(member):
    wrong = refusal_of(member.email, "not the password")
    unknown = refusal_of("nobody@example.org", "not the password")
    assert wrong.message == unknown.message == WRONG
    assert wrong.values == unknown.values == {}


def test_after_five_failures_even_the_right_password_waits(member, clock):
    for _ in range(5):
        assert refusal_of(member.email, "not the password").message == WRONG
    refused = refusal_of(member.email, PASSWORD)
    assert refused.message == TOO_MANY
    assert refused.values["seconds"] > 0


def test_a_success_forgets_the_accounts_failures(member, clock):
    for _ in range(4):
        refusal_of(member.email, "not the password", ip="203.0.113.1")
    assert accounts.log_in(member.email, PASSWORD, "203.0.113.1")
    for _ in range(4):
        assert refusal_of(member.email, "not the password", ip="203.0.113.2").message == WRONG


def test_the_throttle_of_one_account_does_not_lock_another(member, outsider):
    for _ in range(5):
        refusal_of(member.email, "not the password", ip="203.0.113.5")
    assert accounts.log_in(outsider.email, PASSWORD, IP)


# Password rules


@pytest.mark.parametrize("password", ["7 chars", "passwor", ""])
def test_short_passwords_are_refused(password):
    assert passwords.problem(password) == "Use at least 8 characters."


@pytest.mark.parametrize("password", ["plum kite", "violet tractor moonbeam", "a long passphrase that goes on " * 4])
def test_long_enough_passwords_are_accepted(password):
    assert passwords.problem(password) is None


@pytest.mark.parametrize("password", ["password1", "qwertyuiop", "Password1", "iloveyou1"])
def test_common_passwords_are_refused(password):
    assert passwords.problem(password) == passwords.TOO_COMMON


def test_registration_refuses_a_seven_character_password_and_writes_nothing():
    form = accounts.Registration(name="Frida", email="frida@example.org", organisation="", password="short12", accepted_terms=True, language="en")
    with pytest.raises(Invalid) as invalid:
        accounts.register(form, IP)
    assert set(invalid.value.errors) == {"password"}
    with transaction() as session:
        assert session.exec(select(User)).first() is None


def test_passwords_are_stored_as_argon2id_with_owasp_parameters():
    form = accounts.Registration(name="Frida", email="frida@example.org", organisation="", password="tk4#Qz9p plum", accepted_terms=True, language="en")
    user = accounts.register(form, IP)
    parameters = extract_parameters(user.password_hash)
    assert user.password_hash.startswith("$argon2id$")
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19456
    assert parameters.time_cost >= 2
    assert "tk4#Qz9p plum" not in user.password_hash
    assert passwords.verify(user.password_hash, "tk4#Qz9p plum")
    assert not passwords.verify(user.password_hash, "tk4#Qz9P plum")


def test_a_local_trial_answers_at_every_loopback_name_and_a_public_address_only_at_itself(monkeypatch, tmp_path):
    monkeypatch.setenv("PARTNERSKAP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PORT", "3100")
    monkeypatch.delenv("PARTNERSKAP_EXTRA_ORIGINS", raising=False)
    monkeypatch.delenv("PARTNERSKAP_PUBLIC_URL", raising=False)
    assert config.load().allowed_origins == ["http://localhost:3100", "http://127.0.0.1:3100", "http://[::1]:3100"]
    monkeypatch.setenv("PARTNERSKAP_PUBLIC_URL", "https://partnerskap.example.org/")
    assert config.load().allowed_origins == ["https://partnerskap.example.org"]


def test_cookies_carry_the_host_prefix_over_https_only(tmp_path):
    def cookie_names(public_url: str) -> list[str]:
        env = {**os.environ, "PARTNERSKAP_DATA_DIR": str(tmp_path), "PARTNERSKAP_PUBLIC_URL": public_url}
        program = "from partnerskap.services import sessions; print(sessions.COOKIE_NAME, sessions.LOGIN_COOKIE)"
        return subprocess.run([sys.executable, "-c", program], env=env, check=True, capture_output=True, text=True).stdout.split()

    assert cookie_names("https://partnerskap.example.org") == ["__Host-partnerskap_session", "__Host-partnerskap_login"]
    assert cookie_names("http://localhost:3000") == ["partnerskap_session", "partnerskap_login"]


def test_a_ticket_completes_only_with_the_login_value_of_the_browser_it_was_issued_for(member):
    ticket = accounts.log_in(member.email, PASSWORD, IP, browser="login-value-of-bobs-browser").ticket
    assert sessions.exchange_ticket(ticket, browser="login-value-of-another-browser") is None
    assert sessions.exchange_ticket(ticket) is None
    assert sessions.resolve(sessions.exchange_ticket(ticket, browser="login-value-of-bobs-browser")).id == member.id


def test_logging_out_everywhere_ends_only_that_persons_sessions(member, outsider):
    office, library, someone_else = log_in(member), log_in(member), log_in(outsider)
    sessions.revoke_everywhere(member.id)
    assert sessions.has_ended(office) and sessions.has_ended(library)
    assert sessions.resolve(office) is None and sessions.resolve(library) is None
    assert not sessions.has_ended(someone_else)
