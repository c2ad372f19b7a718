"""Guessable passwords are refused wherever a password is chosen, with a reason and advice in the person's language."""

from __future__ import annotations

import secrets

import pytest
from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.i18n import LANGUAGES, t
from partnerskap.models import User
from partnerskap.services import accounts, passwords
from partnerskap.services.common_passwords import STEMS
from partnerskap.services.errors import Invalid
from partnerskap.state.accounts import AccountState
from tests.conftest import PASSWORD
from tests.handlers import Tab
from tests.test_sessions import last_link_token

FRIDA = "frida@example.org"
GUESSABLE = ["aaaaaaaa", "Salasana1", "Summer2026", "partnerskap", FRIDA, "kesä2026", "sommar2026", "lösenord", "hej123!!", "qwertyuiop", "Kumppanuusalusta1"]
ADVICE = "three or four unrelated words"


def registration(password: str, email: str = FRIDA) -> accounts.Registration:
    return accounts.Registration(name="Frida Nilsson", email=email, organisation="Röda Korset", password=password, accepted_terms=True, language="sv")


@pytest.mark.parametrize("password", GUESSABLE)
def test_guessable_passwords_are_refused_at_registration_and_nothing_is_written(password):
    with pytest.raises(Invalid) as invalid:
        accounts.register(registration(password), "192.0.2.1")
    assert ADVICE in invalid.value.errors["password"]
    with transaction() as session:
        assert session.exec(select(User)).first() is None


@pytest.mark.parametrize("password", [*GUESSABLE[:4], "bob@example.org"])
def test_guessable_passwords_are_refused_when_changing_it(member, password):
    with pytest.raises(Invalid) as invalid:
        accounts.change_password(member.id, PASSWORD, password)
    assert ADVICE in invalid.value.errors["new_password"]
    assert accounts.log_in(member.email, PASSWORD, "192.0.2.1"), "the old password still works"


@pytest.mark.parametrize("password", [*GUESSABLE[:4], "bob@example.org"])
def test_guessable_passwords_are_refused_at_reset_and_the_link_still_works(member, password):
    accounts.request_password_reset(member.email, "192.0.2.1")
    link = last_link_token(member.email, "reset")
    with pytest.raises(Invalid) as invalid:
        accounts.reset_password(link, password)
    assert ADVICE in invalid.value.errors["password"]
    accounts.reset_password(link, "violet tractor moonbeam")
    assert accounts.log_in(member.email, "violet tractor moonbeam", "192.0.2.1")


def test_a_password_built_on_ones_own_details_says_so():
    assert passwords.problem("Frida Nilsson", ("frida@example.org", "Frida Nilsson", "")) == passwords.TOO_PERSONAL
    assert passwords.problem("RödaKorset2026", ("frida@example.org", "Frida", "Röda Korset")) == passwords.TOO_PERSONAL
    assert passwords.problem("Partnerskapsplattformen") == passwords.TOO_PERSONAL


def test_finnish_and_swedish_common_stems_with_digits_are_common():
    for stem in ("salasana", "lösenord", "kesä", "sommar", "hej"):
        assert stem in STEMS
        assert passwords.problem(f"{stem.capitalize()}2026!") == passwords.TOO_COMMON


def test_the_generated_first_admin_password_is_accepted():
    assert all(passwords.problem(secrets.token_urlsafe(12), ("admin@example.org",)) is None for _ in range(50))


@pytest.mark.parametrize("message", [passwords.TOO_COMMON, passwords.TOO_PERSONAL, passwords.TOO_EASY])
def test_every_refusal_is_translated(message):
    translations = {t(message, language) for language in LANGUAGES}
    assert len(translations) == len(LANGUAGES)


async def test_a_swedish_visitor_reads_why_the_password_is_refused_in_swedish():
    tab = Tab(accept_language="sv")
    (await tab.state(AccountState)).lang = "sv"
    form = {"name": "Frida", "email": FRIDA, "organisation": "", "password": "Salasana1", "terms": "on"}
    state, _ = await tab.call(AccountState, "register", form)
    assert state.errors == {"password": t(passwords.TOO_COMMON, "sv")}
    assert not state.registered
