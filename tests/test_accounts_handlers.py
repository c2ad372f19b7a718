"""Account handlers: registration, login, reset; bad input gets messages and writes nothing."""

from urllib.parse import parse_qs, urlencode, urlsplit

from sqlmodel import func, select

from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import LoginTicket, OutboxMessage, User
from partnerskap.services import accounts, mail, sessions
from partnerskap.state.accounts import NO_LOGIN_COOKIE, AccountState
from partnerskap.state.base import AppState
from partnerskap.state.language import LanguageState
from partnerskap.i18n import t
from tests.conftest import PASSWORD, make_person
from tests.handlers import TAB_LOGIN_VALUE, Tab

GOOD_FORM = {"name": "Frida", "email": "frida@example.org", "organisation": "Kotona ry", "password": "a long passphrase here", "terms": "on"}


def count(model) -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(model)).one()


async def test_visitor_registers_and_gets_confirmation_mail():
    state, _ = await Tab().call(AccountState, "register", GOOD_FORM)
    assert state.registered
    assert state.errors == {}
    assert count(User) == 1
    with transaction() as session:
        mail = session.exec(select(OutboxMessage)).one()
    assert mail.recipient == "frida@example.org"
    assert "/confirm?token=" in mail.body


async def test_bad_registration_shows_messages_in_swedish_and_writes_nothing():
    tab = Tab(accept_language="sv")
    app_state = await tab.state(AccountState)
    app_state.lang = "sv"
    form = {**GOOD_FORM, "email": "not-an-address", "password": "password1", "terms": ""}
    state, _ = await tab.call(AccountState, "register", form)
    assert set(state.errors) == {"email", "password", "terms"}
    assert state.errors["email"] != "Enter an e-mail address like name@example.org."
    assert count(User) == 0
    assert count(OutboxMessage) == 0


async def test_registering_an_existing_address_answers_as_for_a_new_one_and_tells_its_owner(password_hash):
    owner = make_person(password_hash, "Gustav", language="sv")
    new, _ = await Tab().call(AccountState, "register", GOOD_FORM)
    existing, _ = await Tab().call(AccountState, "register", {**GOOD_FORM, "email": owner.email.upper()})
    assert (existing.registered, existing.errors, existing.notice) == (new.registered, new.errors, new.notice) == (True, {}, "")
    assert count(User) == 2
    with transaction() as session:
        [warning] = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == owner.email)).all()
    assert warning.subject == t("Someone tried to register with your e-mail address", "sv")
    assert "/forgot" in warning.body and "token=" not in warning.body


async def test_login_gives_the_same_answer_for_unknown_and_wrong_password(member):
    wrong, _ = await Tab().call(AccountState, "log_in", {"email": member.email, "password": "not the password"})
    unknown, _ = await Tab().call(AccountState, "log_in", {"email": "nobody@example.org", "password": "not the password"})
    assert wrong.notice and wrong.notice == unknown.notice


async def test_login_sends_the_browser_to_the_cookie_route(member):
    state, _ = await Tab().call(AccountState, "log_in", {"email": member.email, "password": PASSWORD})
    assert state.continue_to.startswith("/auth/complete?ticket=")


# Language


async def test_visitors_choice_of_language_is_kept_by_their_browser_for_the_next_visit():
    visiting = Tab(accept_language="fi-FI")
    state, _ = await visiting.call(LanguageState, "switch_language", "sv")
    assert (state.lang, state.chosen_language) == ("sv", "sv")

    returning = Tab(accept_language="fi-FI")
    (await returning.state(AppState)).chosen_language = "sv"  # what the browser sends back when the page loads
    state, _ = await returning.call(AppState, "refresh")
    assert state.lang == "sv"


async def test_visitor_without_a_choice_gets_the_browsers_language():
    state, _ = await Tab(accept_language="sv-FI,sv;q=0.9").call(AppState, "refresh")
    assert (state.lang, state.chosen_language) == ("sv", "")


async def test_members_language_comes_from_their_account_and_stays_out_of_the_browser(member):
    tab = Tab.of(member, accept_language="fi-FI")
    (await tab.state(AppState)).chosen_language = "sv"  # chosen on this computer before logging in
    state, _ = await tab.call(AppState, "refresh")
    assert state.lang == "en"

    state, _ = await tab.call(LanguageState, "switch_language", "fi")
    assert (state.lang, state.chosen_language) == ("fi", "sv")
    with transaction() as session:
        assert session.get(User, member.id).language == "fi"


async def test_login_ticket_is_bound_to_the_browser_that_asked_for_it(member):
    state, _ = await Tab().call(AccountState, "log_in", {"email": member.email, "password": PASSWORD})
    ticket = parse_qs(urlsplit(state.continue_to).query)["ticket"][0]
    assert sessions.exchange_ticket(ticket, browser="another browser's login value") is None
    assert sessions.exchange_ticket(ticket) is None
    assert sessions.resolve(sessions.exchange_ticket(ticket, browser=TAB_LOGIN_VALUE)).id == member.id


async def test_a_browser_without_its_login_value_is_told_to_allow_cookies_and_gets_no_ticket(member):
    state, _ = await Tab(login_value="").call(AccountState, "log_in", {"email": member.email, "password": PASSWORD})
    assert state.continue_to == ""
    assert state.notice == t(NO_LOGIN_COOKIE, state.lang)
    assert count(LoginTicket) == 0


async def test_the_login_page_first_gives_the_browser_its_login_value_once():
    tab = Tab(login_value="", path="/login?next=/workspaces")
    state, _ = await tab.call(AccountState, "begin_login")
    assert state.continue_to == "/auth/begin?" + urlencode({"next": "/login?" + urlencode({"began": "1", "next": "/workspaces"})})
    tab.move_to("/login?began=1&next=/workspaces")
    state.continue_to = ""
    state, _ = await tab.call(AccountState, "begin_login")
    assert state.continue_to == "", "never a loop when the browser keeps no cookies"
    assert state.notice == t(NO_LOGIN_COOKIE, state.lang)
    state, _ = await Tab(path="/login").call(AccountState, "begin_login")
    assert state.continue_to == ""


async def test_member_logs_out_and_the_session_ends_on_the_server(member):
    tab = Tab.of(member)
    state, _ = await tab.call(AppState, "log_out")
    assert sessions.resolve(tab.token) is None
    assert state.continue_to == "/auth/logout"


async def test_member_logs_out_on_all_devices_and_only_their_sessions_end(member, outsider):
    office, library, someone_else = Tab.of(member), Tab.of(member), Tab.of(outsider)
    state, _ = await office.call(AccountState, "log_out_everywhere")
    assert sessions.resolve(office.token) is None
    assert sessions.resolve(library.token) is None
    assert sessions.resolve(someone_else.token).id == outsider.id
    assert state.continue_to == "/auth/logout"


async def test_a_language_switch_loads_the_page_again_so_server_written_text_follows(member):
    tab = Tab.of(member, path="/home")
    _, loaders = await tab.call(LanguageState, "switch_language", "sv")
    assert [loader.fn.__qualname__ for loader in loaders] == ["HomeState.load"]
    tab.move_to("/terms")
    _, loaders = await tab.call(LanguageState, "switch_language", "fi")
    assert loaders == []


async def test_a_visitors_browser_language_becomes_the_accounts_and_its_mail_follows():
    await Tab(accept_language="sv-FI,sv;q=0.9,fi;q=0.5").call(AccountState, "register", GOOD_FORM)
    with transaction() as session:
        user = session.exec(select(User)).one()
        mail = session.exec(select(OutboxMessage)).one()
    assert user.language == "sv"
    assert mail.subject == t("Confirm your e-mail address", "sv")


async def test_a_visitors_own_choice_outranks_the_browser_at_registration():
    tab = Tab(accept_language="fi-FI")
    (await tab.state(AppState)).chosen_language = "en"
    await tab.call(AccountState, "register", GOOD_FORM)
    with transaction() as session:
        assert session.exec(select(User.language)).one() == "en"


async def test_a_new_password_is_confirmed_on_the_login_page_it_leads_to(member):
    accounts.request_password_reset(member.email, "192.0.2.1")
    with transaction() as session:
        sent = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == member.email)).one()
    token = mail.readable_body(sent).split("/reset?token=")[1].split()[0]
    tab = Tab(path=f"/reset?token={token}")
    await tab.call(AppState, "refresh")
    _, result = await tab.call(AccountState, "reset_password", {"password": "a brand new passphrase"})
    assert result is not None
    tab.move_to("/login")
    state, _ = await tab.call(AppState, "refresh")
    assert state.notice == t("Your password was changed. Log in with the new password.", "en")
