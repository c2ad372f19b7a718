"""The one guard: every event handler passes it, refused calls change nothing, client state keeps no secrets."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import inspect
import re
from pathlib import Path

import pytest
from reflex_base.event import Event, get_hydrate_event
from reflex_base.event.processor.base_state_processor import _prepare_event_payload
from reflex_base.utils.format import json_dumps
from sqlmodel import SQLModel, select

import partnerskap.partnerskap  # noqa: F401  (registers every page and state)
from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.middleware import SessionBinding
from partnerskap.models import EmailToken, LoginTicket, OutboxMessage, User
from partnerskap.services import mail, notifications
from partnerskap.services.sessions import Viewer
from partnerskap.state.accounts import AccountState
from partnerskap.state.admin import AdminState
from partnerskap.state.base import NO_ACCESS, NOT_SIGNED_IN, Access, AppState
from tests.conftest import PASSWORD
from tests.handlers import Tab
from tests.test_accounts_handlers import GOOD_FORM
from tests.test_two_factor import code, enrol

# Making a handler public must be a deliberate change to this list.
PUBLIC_HANDLERS = {
    "AppState.refresh",
    "AppState.dismiss_notice",
    "AppState.log_out",
    "AccountState.register",
    "AccessibilityState.send_feedback",  # the law's feedback channel is for everyone (throttled per address)
    "AccountState.begin_login",
    "AccountState.log_in",
    "AccountState.enter_code",  # these three act only on the ticket the password step left in this state
    "AccountState.enrol_at_sign_in",
    "AccountState.continue_sign_in",
    "AccountState.restart_sign_in",
    "AccountState.request_reset",
    "AccountState.reset_password",
    "AccountState.confirm_email",
    "LanguageState.switch_language",
    "TransparencyState.load",
    "PublicContentState.load_front",
    "PublicContentState.load_news",
    "PublicContentState.load_events",
    "PublicContentState.load_item",
    "PublicContentState.switch_plain",
    "ActivitiesState.load_directory",
    "ActivitiesState.search",
    "ActivitiesState.load_activity",
    "PeopleState.load_directory",
    "PeopleState.search",
    "PeopleState.turn_page",
    "PeopleState.load_person",
    "SearchState.load",  # visitors search public pages, news, events and activities; the service decides what each viewer finds
    "SearchState.go",
}

STATE_SOURCES = Path(partnerskap.partnerskap.__file__).parent / "state"
LEVEL = {Access.PUBLIC: 0, Access.SIGNED_IN: 1, Access.MEMBER: 2, Access.EDITOR: 3, Access.ADMIN: 3}  # editors' handlers: admins pass, members do not
VIEWERS = {"anonymous": 0, "applicant": 1, "denied": 1, "member": 2, "admin": 3}


def _state_classes(state_class: type = AppState) -> list[type]:
    found = [state_class]
    for substate in sorted(state_class.get_substates(), key=lambda s: s.__name__):
        found.extend(_state_classes(substate))
    return found


def _app_handlers() -> list[tuple[type, str]]:
    """Every (state, handler name) whose function the app defines."""
    return [
        (state_class, name)
        for state_class in _state_classes()
        for name, handler in sorted(state_class.event_handlers.items())
        if handler.fn.__module__.split(".")[0] == "partnerskap"
    ]


HANDLERS = _app_handlers()


def _access(state_class: type, name: str) -> Access:
    return state_class.event_handlers[name].fn.access


def _handlers_in_source() -> set[str]:
    """Every public method of a state class as written in partnerskap/state/ (Reflex makes each one a handler), but
    computed vars (`@rx.var`), which clients read and cannot call."""
    found = set()
    for module in STATE_SOURCES.glob("*.py"):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(ast.unparse(base).endswith("State") for base in node.bases):
                found |= {
                    f"{node.name}.{method.name}"
                    for method in node.body
                    if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and not method.name.startswith("_")
                    and not any(ast.unparse(decorator).startswith("rx.var") for decorator in method.decorator_list)
                }
    return found


def test_the_introspection_finds_every_handler_the_source_defines():
    introspected = {f"{state_class.__name__}.{name}" for state_class, name in HANDLERS}
    assert introspected == _handlers_in_source()


@pytest.mark.parametrize(("state_class", "name"), HANDLERS, ids=[f"{s.__name__}.{n}" for s, n in HANDLERS])
def test_every_handler_passes_the_guard(state_class, name):
    assert isinstance(getattr(state_class.event_handlers[name].fn, "access", None), Access), (
        f"{state_class.__name__}.{name} is callable by any client but not wrapped in guarded(Access.X)"
    )


def test_only_the_listed_handlers_are_public():
    public = {f"{s.__name__}.{n}" for s, n in HANDLERS if getattr(s.event_handlers[n].fn, "access", None) is Access.PUBLIC}
    assert public == PUBLIC_HANDLERS


def test_every_page_shows_who_is_looking_when_it_loads():
    from partnerskap.partnerskap import PAGES

    for _component, route, loaders in PAGES:
        assert all(loader.fn.loads_page for loader in loaders), f"a loader of {route} does not show who is looking"


async def test_a_pages_loader_shows_the_member_and_their_unread_notifications(member):
    with transaction() as session:
        notifications.notify(session, user_id=member.id, kind="accepted", workspace=None, link="/workspaces")
    tab = Tab.of(member, path="/account")
    state, _ = await tab.call(AccountState, "load_account")
    assert (state.signed_in, state.viewer_name, state.unread_notifications) == (True, member.name, 1)


def _table_snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a content hash of every table."""
    snapshot = {}
    with transaction() as session:
        for table in SQLModel.metadata.sorted_tables:
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            snapshot[table.name] = (len(rows), hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest())
    return snapshot


def _one_file_upload():
    """An upload stream holding one small text file, as the upload endpoint would hand it over."""
    from reflex_components_core.core._upload import UploadChunk, UploadChunkIterator

    chunks = UploadChunkIterator()
    chunks._chunks.append(UploadChunk(filename="notes.txt", offset=0, content_type="text/plain", data=b"hello\n"))
    chunks._closed = True
    return chunks


def _dummy_arguments(state_class: type, name: str, target: User) -> list:
    """Plausible arguments from the handler's signature: a call that would write if it got through."""
    form = {
        **GOOD_FORM,
        "email": "new.person@example.org",
        "user_id": target.id,
        "reason": "Spam",
        "current_password": "correct horse battery staple",
        "new_password": "a brand new passphrase",
    }
    by_type = {"dict": form, "int": target.id, "str": "x", "bool": True, "float": 1.0, "list": ["x"], "rx.UploadChunkIterator": _one_file_upload()}
    arguments = []
    for parameter in list(inspect.signature(state_class.event_handlers[name].fn).parameters.values())[1:]:
        if parameter.default is not inspect.Parameter.empty:
            break
        annotation = parameter.annotation
        type_name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        arguments.append(by_type[type_name.split("|")[0].split("[")[0].strip()])
    return arguments


def _client_view(tab: Tab) -> dict:
    """Everything a client could be sent, less the guard's own message fields."""
    view = tab.root.dict()
    for substate in view.values():
        if isinstance(substate, dict):
            for key in [k for k in substate if k.startswith(("notice", "errors"))]:
                del substate[key]
    return view


@pytest.mark.parametrize("viewer", list(VIEWERS))
@pytest.mark.parametrize(("state_class", "name"), HANDLERS, ids=[f"{s.__name__}.{n}" for s, n in HANDLERS])
async def test_refused_calls_write_nothing(state_class, name, viewer, request, applicant):
    assert hasattr(state_class.event_handlers[name].fn, "access"), "unguarded: see test_every_handler_passes_the_guard"
    person = None if viewer == "anonymous" else request.getfixturevalue(viewer)
    # The pending applicant is the target an attacker wants most (self-approval included).
    arguments = _dummy_arguments(state_class, name, applicant)
    tab = Tab.of(person)
    state = await tab.state(state_class)
    if state_class.event_handlers[name].fn.loads_page:  # a page's loader shows who is looking, as the page did before
        await tab.call(AppState, "refresh")
    before_tables = _table_snapshot()
    before_view = _client_view(tab)

    _, result = await tab.call(state_class, name, *arguments)

    refusal = {t(NOT_SIGNED_IN, state.lang), t(NO_ACCESS, state.lang)}
    if VIEWERS[viewer] >= LEVEL[_access(state_class, name)]:
        assert state.notice not in refusal, f"{viewer} may call {name} but the guard refused"
        return
    assert _table_snapshot() == before_tables
    assert _client_view(tab) == before_view
    assert state.errors == {}
    if person is None:
        assert state.notice == t(NOT_SIGNED_IN, state.lang)
        assert "/login" in str(result)
    else:
        assert state.notice == t(NO_ACCESS, state.lang)
        assert result is None


async def test_the_event_middleware_refuses_an_unguarded_handler(member, monkeypatch):
    """A backstop while a bug lasts: an app handler without the guard never runs, whatever the client sends."""
    tab = Tab.of(member)
    event = Event(name=f"{AccountState.get_full_name()}.save_profile", payload={"form": {"name": "Changed"}})
    assert await SessionBinding().preprocess(None, tab.root, event) is None
    monkeypatch.delattr(AccountState.event_handlers["save_profile"].fn, "access")
    refused = await SessionBinding().preprocess(None, tab.root, event)
    assert refused is not None and not refused.delta and not refused.events


async def test_a_forged_viewer_in_the_payload_is_not_understood(member, outsider):
    """Reflex turns a dict payload into any dataclass a handler names: the guard's viewer must not be one of them."""
    tab = Tab.of(member)
    state = await tab.state(AccountState)
    handler = AccountState.event_handlers["save_profile"]
    forged = dataclasses.asdict(Viewer.of(outsider))
    payload = _prepare_event_payload(handler, {"viewer": forged, "form": {"name": "Hijacked", "organisation": "x"}})
    assert isinstance(payload["viewer"], Viewer)
    before = _table_snapshot()
    await handler.fn(state, **payload)
    assert _table_snapshot() == before
    assert state.notice == t("The request was not understood.", state.lang)


def _secrets(**raw: list[str]) -> dict[str, list[str]]:
    """Every stored password hash and token digest and every raw token in an e-mailed link, by kind."""
    with transaction() as session:
        found = {
            "password hash": [user.password_hash for user in session.exec(select(User)).all()],
            "stored token digest": [row.token_hash for row in session.exec(select(EmailToken)).all()]
            + [row.ticket_hash for row in session.exec(select(LoginTicket)).all()],
        }
        bodies = [mail.readable_body(message) for message in session.exec(select(OutboxMessage)).all()]
    found["e-mailed one-time link token"] = [token for body in bodies for token in re.findall(r"[?&]token=([\w-]+)", body)]
    assert found["e-mailed one-time link token"], "the scenario should have e-mailed confirmation and reset links"
    return {**found, **raw}


def _as_sent(tab: Tab) -> str:
    """The whole state tree serialised as Reflex sends it to the browser."""
    return json_dumps(tab.root.dict())


def _assert_no_secrets(serialised: str, **raw: list[str]) -> None:
    assert "$argon2" not in serialised
    for kind, secrets in _secrets(**raw).items():
        for secret in secrets:
            assert secret not in serialised, f"client-visible state holds a secret: {kind}"
    assert "ticket=" not in serialised


async def _mail_links_and_log_in(admin, member) -> str:
    """Register someone and ask for a reset (both e-mail one-time links), log the admin in; returns the ticket.

    The ticket reaches the tab that logged in only as the page to load next (the cookie route),
    and is gone from its state once that page arrives.
    """
    await Tab().call(AccountState, "register", GOOD_FORM)
    await Tab().call(AccountState, "request_reset", {"email": member.email})
    login_tab = Tab()
    recovery_codes = enrol(admin)
    state, _ = await login_tab.call(AccountState, "log_in", {"email": admin.email, "password": PASSWORD})
    assert state.second_factor_step == "code"
    _assert_no_secrets(_as_sent(login_tab), waiting_ticket=[state._waiting_ticket], recovery_codes=recovery_codes)
    state, _ = await login_tab.call(AccountState, "enter_code", {"code": code()})
    ticket = re.search(r"ticket=([\w-]+)", state.continue_to).group(1)
    await SessionBinding().preprocess(None, login_tab.root, Event(name=get_hydrate_event(login_tab.root)))
    _assert_no_secrets(_as_sent(login_tab), login_ticket=[ticket])
    return ticket


async def test_client_visible_state_holds_no_secrets(admin, member, outsider, applicant):
    ticket = await _mail_links_and_log_in(admin, member)
    member_tab = Tab.of(member)
    await member_tab.call(AccountState, "load_status")
    await member_tab.call(AccountState, "load_account")
    serialised = _as_sent(member_tab)
    _assert_no_secrets(serialised, session_token=[member_tab.token], login_ticket=[ticket])
    assert member.email in serialised
    for other in (admin, outsider, applicant):
        assert other.email not in serialised
    assert GOOD_FORM["email"] not in serialised


async def test_admin_views_hold_no_secrets(admin, member, applicant):
    ticket = await _mail_links_and_log_in(admin, member)
    admin_tab = Tab.of(admin)
    for handler in ("load_people", "load_outbox", "load_audit"):
        await admin_tab.call(AdminState, handler)
    admin_state = await admin_tab.state(AdminState)
    assert admin_state.people and admin_state.outbox
    serialised = _as_sent(admin_tab)
    assert applicant.email in serialised  # by design: admins decide on applications
    _assert_no_secrets(serialised, session_token=[admin_tab.token], login_ticket=[ticket])
