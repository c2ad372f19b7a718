"""Calling Reflex event handlers directly, as a browser tab with (or without) a session cookie would."""

from __future__ import annotations

import inspect
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import reflex as rx
from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base import constants

import partnerskap.partnerskap  # noqa: F401  (registers every page and state)
from partnerskap.models import User
from partnerskap.services import sessions
from partnerskap.db import transaction
from partnerskap.services.tokens import digest


TAB_LOGIN_VALUE = "login-value-of-the-test-tab"  # as /auth/begin gives every browser that opens the login page


def session_cookie_for(user: User) -> str:
    """A live session token for the user, as the cookie route would set it."""
    with transaction() as session:
        ticket = sessions.issue_ticket(user.id, session=session)
    token = sessions.exchange_ticket(ticket)
    assert token
    return token


class Tab:
    """One browser tab: a root state with the request headers of its websocket."""

    def __init__(
        self, token: str = "", *, client_ip: str = "192.0.2.10", accept_language: str = "en", path: str = "/", client_token: str = "", login_value: str = TAB_LOGIN_VALUE
    ):
        self.root = State(_reflex_internal_init=True)
        headers = {"accept-language": accept_language, "origin": "http://localhost:3000"}
        cookies = [f"{name}={value}" for name, value in ((sessions.COOKIE_NAME, token), (sessions.LOGIN_COOKIE, login_value)) if value]
        if cookies:
            headers["cookie"] = "; ".join(cookies)
        self.root.router_data = {
            constants.RouteVar.HEADERS: headers,
            constants.RouteVar.CLIENT_IP: client_ip,
            constants.RouteVar.CLIENT_TOKEN: client_token,
        }
        self.move_to(path)
        self.token = token

    def move_to(self, path: str) -> None:
        """The tab shows another page (dynamic route arguments go in the query, as Reflex hands them over)."""
        self.root.router_data = {
            **self.root.router_data,
            constants.RouteVar.QUERY: dict(parse_qsl(urlsplit(path).query)),
            constants.RouteVar.PATH: urlsplit(path).path,
            constants.RouteVar.ORIGIN: path,
        }
        self.root.router = RouterData.from_router_data(self.root.router_data)

    @classmethod
    def of(cls, user: User | None, **kwargs: Any) -> Tab:
        """A tab logged in as the user (or anonymous for None)."""
        return cls(session_cookie_for(user) if user else "", **kwargs)

    async def state(self, state_class: type[rx.State]) -> rx.State:
        """The tab's instance of a state."""
        return await self.root.get_state(state_class)

    async def call(self, state_class: type[rx.State], handler: str, *args: Any) -> tuple[rx.State, Any]:
        """Call one event handler as the browser would; returns the state and what the handler returned."""
        state = await self.state(state_class)
        function = state_class.event_handlers[handler].fn
        result = function(state, *args)
        if inspect.isawaitable(result):
            result = await result
        return state, result


def token_digest(token: str) -> str:
    """The stored form of a session token."""
    return digest(token)
