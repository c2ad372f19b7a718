"""Throttling that slows an attacker without turning against members: windows, pairs, proxies, resets, registrations."""

from __future__ import annotations

import dataclasses

import pytest
from reflex_base import constants
from reflex.istate.data import RouterData
from sqlmodel import func, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import OutboxMessage, ThrottleAttempt
from partnerskap.services import accounts, sessions, throttle
from partnerskap.services.errors import Refused
from partnerskap.state.accounts import AccountState
from tests.conftest import PASSWORD
from tests.handlers import Tab
from tests.test_sessions import WRONG, Clock

TOO_MANY = "Too many attempts. Try again in {seconds} seconds."
OWNER_AT_HOME = "198.51.100.7"
ATTACKER = "203.0.113.66"
PROXY = "127.0.0.1"


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze the services' clock; tests move it forward."""
    frozen = Clock()
    for module in (sessions, throttle, accounts):
        monkeypatch.setattr(module, "utcnow", frozen)
    return frozen


def proxies(monkeypatch, count: int) -> None:
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, trusted_proxies=count))


def refusal_of(email: str, password: str, address: str) -> Refused:
    with pytest.raises(Refused) as refused:
        accounts.log_in(email, password, address)
    return refused.value


def fail_from_many_addresses(email: str, how_many: int, clock: Clock) -> None:
    """Wrong passwords from as many addresses as asked, each waiting as long as it is told to."""
    for number in range(how_many):
        refused = refusal_of(email, "not the password", f"192.0.2.{number + 1}")
        if refused.message == TOO_MANY:
            clock.advance(seconds=refused.values["seconds"])
            assert refusal_of(email, "not the password", f"192.0.2.{number + 1}").message == WRONG


# Logging in


def test_failures_from_an_attacker_do_not_refuse_the_owners_right_password_elsewhere(member, clock):
    for _ in range(5):
        assert refusal_of(member.email, "not the password", ATTACKER).message == WRONG
    assert refusal_of(member.email, PASSWORD, ATTACKER).message == TOO_MANY
    assert accounts.log_in(member.email, PASSWORD, OWNER_AT_HOME)


def test_the_pair_that_failed_may_try_again_once_its_failures_leave_the_window(member, clock):
    for _ in range(5):
        refusal_of(member.email, "not the password", ATTACKER)
    refused = refusal_of(member.email, PASSWORD, ATTACKER)
    assert refused.values["seconds"] == 15 * 60
    clock.advance(minutes=15, seconds=1)
    assert accounts.log_in(member.email, PASSWORD, ATTACKER)


def test_failures_older_than_the_window_no_longer_count(member, clock):
    for _ in range(4):
        refusal_of(member.email, "not the password", OWNER_AT_HOME)
    clock.advance(hours=1)
    for _ in range(4):
        assert refusal_of(member.email, "not the password", OWNER_AT_HOME).message == WRONG
    assert accounts.log_in(member.email, PASSWORD, OWNER_AT_HOME)


def test_a_failure_every_quarter_hour_never_keeps_the_owner_out(member, clock):
    for _ in range(20):
        clock.advance(minutes=15)
        assert refusal_of(member.email, "not the password", ATTACKER).message == WRONG
    assert accounts.log_in(member.email, PASSWORD, OWNER_AT_HOME)


def test_guesses_from_many_addresses_slow_an_account_down_by_at_most_a_minute(member, clock):
    fail_from_many_addresses(member.email, 10, clock)
    waits = []
    for number in range(12):
        refused = refusal_of(member.email, PASSWORD, f"192.0.2.{100 + number}")
        assert refused.message == TOO_MANY
        waits.append(refused.values["seconds"])
        clock.advance(seconds=refused.values["seconds"])
        assert refusal_of(member.email, "not the password", f"192.0.2.{100 + number}").message == WRONG
    assert waits == sorted(waits) and waits[0] < waits[-1] == 60
    refused = refusal_of(member.email, PASSWORD, OWNER_AT_HOME)
    clock.advance(seconds=refused.values["seconds"])
    assert accounts.log_in(member.email, PASSWORD, OWNER_AT_HOME), "the owner waits a minute at most, never locked out"


def test_one_address_guessing_many_accounts_is_slowed_and_others_are_not(member, clock):
    for number in range(30):
        assert refusal_of(f"guess{number}@example.org", "password guess", ATTACKER).message == WRONG
    assert refusal_of(member.email, PASSWORD, ATTACKER).message == TOO_MANY
    assert accounts.log_in(member.email, PASSWORD, OWNER_AT_HOME)


def test_attempts_older_than_a_day_are_deleted(member, clock):
    refusal_of(member.email, "not the password", ATTACKER)
    clock.advance(days=1, seconds=1)
    refusal_of(member.email, "not the password", OWNER_AT_HOME)
    with transaction() as session:
        keys = session.exec(select(ThrottleAttempt.key)).all()
    assert keys and all(ATTACKER not in key for key in keys)


# Password resets


def test_reset_requests_for_one_address_are_limited_within_an_hour(member, clock):
    for _ in range(3):
        accounts.request_password_reset(member.email, OWNER_AT_HOME)
    with pytest.raises(Refused, match="Too many attempts"):
        accounts.request_password_reset(member.email, ATTACKER)
    clock.advance(hours=1, seconds=1)
    accounts.request_password_reset(member.email, OWNER_AT_HOME)
    with transaction() as session:
        assert session.exec(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.recipient == member.email)).one() == 4


def test_reset_requests_from_one_address_are_limited_across_emails(member, clock):
    for number in range(10):
        accounts.request_password_reset(f"someone{number}@example.org", ATTACKER)
    with pytest.raises(Refused, match="Too many attempts"):
        accounts.request_password_reset(member.email, ATTACKER)
    accounts.request_password_reset(member.email, OWNER_AT_HOME)


# Registrations


def registration(email: str) -> accounts.Registration:
    return accounts.Registration(name="Frida", email=email, organisation="", password="a long passphrase here", accepted_terms=True, language="en")


def test_registrations_of_one_email_are_limited_within_an_hour(clock):
    for _ in range(3):
        accounts.register(registration("frida@example.org"), ATTACKER)
    with pytest.raises(Refused, match="Too many attempts"):
        accounts.register(registration("frida@example.org"), OWNER_AT_HOME)
    clock.advance(hours=1, seconds=1)
    accounts.register(registration("frida@example.org"), OWNER_AT_HOME)


def test_registrations_from_one_address_are_limited_across_emails(clock):
    for number in range(10):
        accounts.register(registration(f"frida{number}@example.org"), ATTACKER)
    with pytest.raises(Refused, match="Too many attempts"):
        accounts.register(registration("gustav@example.org"), ATTACKER)
    assert accounts.register(registration("gustav@example.org"), OWNER_AT_HOME)


# The client's address


def test_without_trusted_proxies_forwarded_for_is_ignored(monkeypatch):
    proxies(monkeypatch, 0)
    assert throttle.client_address(OWNER_AT_HOME, ATTACKER) == OWNER_AT_HOME


def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(monkeypatch):
    proxies(monkeypatch, 1)
    assert throttle.client_address(PROXY, f"{ATTACKER}, {OWNER_AT_HOME}") == OWNER_AT_HOME, "the client's own entries never count"
    assert throttle.client_address(PROXY, OWNER_AT_HOME) == OWNER_AT_HOME
    assert throttle.client_address(PROXY, "") == PROXY


def test_behind_two_proxies_the_client_is_what_the_outer_one_saw(monkeypatch):
    proxies(monkeypatch, 2)
    assert throttle.client_address("10.0.0.2", f"{ATTACKER}, {OWNER_AT_HOME}, 10.0.0.1") == OWNER_AT_HOME


def test_trusted_proxies_default_to_none_and_refuse_a_negative_count(monkeypatch, tmp_path):
    monkeypatch.setenv("PARTNERSKAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PARTNERSKAP_TRUSTED_PROXIES", raising=False)
    assert config.load().trusted_proxies == 0
    monkeypatch.setenv("PARTNERSKAP_TRUSTED_PROXIES", "1")
    assert config.load().trusted_proxies == 1
    monkeypatch.setenv("PARTNERSKAP_TRUSTED_PROXIES", "-1")
    with pytest.raises(ValueError, match="PARTNERSKAP_TRUSTED_PROXIES"):
        config.load()


def behind_the_proxy(forwarded_for: str) -> Tab:
    """A tab whose websocket came through nginx on the same machine."""
    tab = Tab(client_ip=PROXY)
    headers = {**tab.root.router_data[constants.RouteVar.HEADERS], "x-forwarded-for": forwarded_for}
    tab.root.router_data = {**tab.root.router_data, constants.RouteVar.HEADERS: headers}
    tab.root.router = RouterData.from_router_data(tab.root.router_data)
    return tab


async def test_behind_the_proxy_an_attacker_cannot_slow_other_members_down(member, outsider, monkeypatch, clock):
    proxies(monkeypatch, 1)
    for number in range(30):
        await behind_the_proxy(ATTACKER).call(AccountState, "log_in", {"email": f"guess{number}@example.org", "password": "password guess"})
    attacker, _ = await behind_the_proxy(ATTACKER).call(AccountState, "log_in", {"email": outsider.email, "password": PASSWORD})
    assert attacker.notice and not attacker.continue_to
    state, _ = await behind_the_proxy(f"{ATTACKER}, {OWNER_AT_HOME}").call(AccountState, "log_in", {"email": member.email, "password": PASSWORD})
    assert state.notice == ""
    assert state.continue_to.startswith("/auth/complete?ticket=")
