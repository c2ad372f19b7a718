"""A running instance over real HTTP: security headers, the session cookie, the socket's origin, stolen client tokens."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
import re
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Message, Request, TextMessage

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import Role, Status, User
from partnerskap.models.base import utcnow
from partnerskap import api
from partnerskap.i18n import t
from partnerskap.services import accounts, passwords, sessions, two_factor
from tests.live_server import (
    LiveServer,
    admin_code,
    running_instance,
)

pytestmark = pytest.mark.browser

MEMBER_NAME = "Bertil Medlemsson"
MEMBER_EMAIL = "bertil.medlemsson@example.org"
MEMBER_PASSWORD = "bertil's own long passphrase"
# The login value (sessions.LOGIN_COOKIE) of the browser these requests stand for, and of another one.
BROWSER = "login-value-of-the-test-browser"
OTHER_BROWSER = "login-value-of-another-browser"


@contextlib.contextmanager
def live_database(server: LiveServer) -> Iterator[None]:
    """Point this process's services at the live instance's database for a moment."""
    previous = config.settings
    config.settings = dataclasses.replace(previous, database_url=server.database_url, secret_key=server.env["PARTNERSKAP_SECRET_KEY"])
    try:
        yield
    finally:
        config.settings = previous


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """One instance for the module, with an approved member besides the first admin."""
    with running_instance() as live:
        with live_database(live), transaction() as session:
            session.add(
                User(
                    email=MEMBER_EMAIL,
                    name=MEMBER_NAME,
                    organisation="Medlemsson ry",
                    password_hash=passwords.hash_password(MEMBER_PASSWORD),
                    status=Status.APPROVED,
                    role=Role.MEMBER,
                    language="en",
                    email_confirmed_at=utcnow(),
                    terms_accepted_at=utcnow(),
                )
            )
        yield live


@pytest.fixture(scope="module")
def client(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as http:
        yield http


def ticket(server: LiveServer, email: str = MEMBER_EMAIL, password: str = MEMBER_PASSWORD, browser: str = BROWSER) -> str:
    """A one-time login ticket for the browser holding `browser`, made by the login service against the live database (with a second factor where one is needed)."""
    with live_database(server):
        signed_in = accounts.log_in(email, password, "127.0.0.1", browser=browser)
        if signed_in.step is two_factor.Step.SESSION:
            return signed_in.ticket
        return two_factor.verify(signed_in.ticket, admin_code(), "127.0.0.1", browser=browser)


def complete(client: httpx.Client, one_time: str, next_url: str = "/", browser: str = BROWSER, **headers: str) -> httpx.Response:
    """The browser holding `browser` follows the link to the cookie route."""
    cookie = {"cookie": f"{sessions.LOGIN_COOKIE}={browser}"} if browser else {}
    return client.get("/auth/complete?" + urlencode({"ticket": one_time, "next": next_url}), headers={**cookie, **headers})


def session_of(response: httpx.Response) -> str:
    """The session token the cookie route set."""
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith(f"{sessions.COOKIE_NAME}="))
    return cookie.split(";")[0].split("=", 1)[1]


def logged_in(server: LiveServer, client: httpx.Client) -> str:
    """A live session token of the member."""
    return session_of(complete(client, ticket(server)))


def static_asset(client: httpx.Client) -> str:
    return re.search(r'"(/assets/[^"]+\.js)"', client.get("/").text).group(1)


# Headers


@pytest.mark.parametrize("path", ["/", "/login", "/login/", "/account/", "/healthz", "/auth/complete?ticket=bad", "/no-such-page", "ASSET"])
def test_every_response_carries_the_security_headers(client, path):
    path = static_asset(client) if path == "ASSET" else path
    response = client.get(path)
    csp = response.headers.get("content-security-policy", "")
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy")
    assert response.headers.get("x-frame-options") == "DENY"


@pytest.mark.parametrize("path", ["/", "/login/", "/account/", "/healthz", "/auth/complete?ticket=bad"])
def test_pages_are_never_cached(client, path):
    assert client.get(path).headers.get_list("cache-control") == ["no-store"]


@pytest.mark.parametrize("path", ["/login", "/home", "/admin/audit"])
def test_a_page_loads_at_its_own_address_without_a_redirect_to_its_slash(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 200 and response.text == client.get(path + "/").text
    assert response.headers.get_list("cache-control") == ["no-store"]


def test_the_builds_named_assets_are_kept_for_a_year_and_the_rest_is_asked_again(client):
    assert client.get(static_asset(client)).headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "immutable" not in client.get("/styles.css").headers.get("cache-control", "")


def test_a_bad_ticket_goes_back_to_the_login_page(client):
    response = client.get("/auth/complete", params={"ticket": "forged", "next": "/account"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?expired=1"
    assert "set-cookie" not in response.headers


# The session cookie


def test_a_valid_ticket_sets_a_safe_session_cookie_once(server, client):
    one_time = ticket(server)
    response = complete(client, one_time, "/admin")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith(f"{sessions.COOKIE_NAME}="))
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert cookie.startswith(f"{sessions.COOKIE_NAME}=")
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"
    assert attributes["path"] == "Path=/"
    token = cookie.split(";")[0].split("=", 1)[1]
    with live_database(server):
        assert sessions.resolve(token).email == MEMBER_EMAIL
    again = complete(client, one_time, "/admin")
    assert again.headers["location"] == "/login?expired=1"
    assert "set-cookie" not in again.headers


def test_a_ticket_completes_a_login_only_in_the_browser_that_started_it(server, client):
    one_time = ticket(server, MEMBER_EMAIL, MEMBER_PASSWORD)
    for refused in (complete(client, one_time, browser=OTHER_BROWSER), complete(client, one_time, browser="")):
        assert refused.headers["location"] == "/login?expired=1"
        assert "set-cookie" not in refused.headers
    completed = complete(client, one_time)
    with live_database(server):
        assert sessions.resolve(session_of(completed)).email == MEMBER_EMAIL


def test_a_navigation_from_another_site_cannot_complete_a_login(server, client):
    one_time = ticket(server, MEMBER_EMAIL, MEMBER_PASSWORD)
    refused = complete(client, one_time, **{"sec-fetch-site": "cross-site"})
    assert refused.headers["location"] == "/login?expired=1"
    assert "set-cookie" not in refused.headers
    assert session_of(complete(client, one_time, **{"sec-fetch-site": "same-origin"}))


def test_the_login_route_gives_the_browser_its_login_value(client):
    response = client.get("/auth/begin", params={"next": "/login?began=1"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?began=1"
    cookie = response.headers["set-cookie"]
    assert re.match(rf"{sessions.LOGIN_COOKIE}=[\w-]{{40,}};", cookie)
    assert "httponly" in cookie.lower()
    from_elsewhere = client.get("/auth/begin", params={"next": "/login"}, headers={"sec-fetch-site": "cross-site"})
    assert "set-cookie" not in from_elsewhere.headers


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "javascript:alert(1)", "https:evil.example"],
)
def test_the_cookie_route_continues_only_to_a_local_path(server, client, next_url):
    response = complete(client, ticket(server), next_url)
    assert response.status_code == 303
    location = response.headers["location"]
    assert urlsplit(str(httpx.URL(server.url).join(location))).netloc == urlsplit(server.url).netloc
    if "://" in next_url or next_url.startswith(("//", "\\", "javascript:", "https:")):
        assert location == "/"


def test_a_post_from_the_instances_own_page_logs_out(server, client):
    token = logged_in(server, client)
    response = client.post("/auth/logout", headers={"cookie": f"{sessions.COOKIE_NAME}={token}", "origin": server.url, "sec-fetch-site": "same-origin"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert re.search(rf'{sessions.COOKIE_NAME}="?"?;', response.headers["set-cookie"])
    with live_database(server):
        assert sessions.resolve(token) is None


@pytest.mark.parametrize(
    "headers",
    [{"origin": "https://evil.example", "sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}, {}, {"origin": "null"}],
    ids=["cross-site", "foreign-origin", "no-origin", "opaque-origin"],
)
def test_a_post_from_another_site_logs_nobody_out(server, client, headers):
    token = logged_in(server, client)
    response = client.post("/auth/logout", headers={"cookie": f"{sessions.COOKIE_NAME}={token}", **headers})
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    with live_database(server):
        assert sessions.has_ended(token) is False


def test_a_link_from_another_site_logs_nobody_out(server, client):
    token = logged_in(server, client)
    response = client.get("/auth/logout", headers={"cookie": f"{sessions.COOKIE_NAME}={token}", "sec-fetch-site": "cross-site"})
    assert response.status_code == 303
    assert "set-cookie" not in response.headers
    with live_database(server):
        assert sessions.has_ended(token) is False


def test_the_cookie_of_an_ended_session_is_cleared_by_the_page_load_after_log_out(server, client):
    token = logged_in(server, client)
    with live_database(server):
        sessions.revoke(token)
    response = client.get("/auth/logout", headers={"cookie": f"{sessions.COOKIE_NAME}={token}"})
    assert response.status_code == 303
    assert re.search(rf'{sessions.COOKIE_NAME}="?"?;', response.headers["set-cookie"])


# The page's policy and origin


def test_pages_may_connect_only_to_the_instances_own_origin(server, client):
    directives = dict(part.strip().split(" ", 1) for part in client.get("/").headers["content-security-policy"].split(";"))
    assert directives["connect-src"].split() == ["'self'", server.url.replace("http://", "ws://")]


def test_a_page_at_a_refused_origin_is_told_why_in_the_visitors_language(server, client):
    refused = client.post("/auth/origin", headers={"origin": "http://127.0.0.1:1", "accept-language": "fi-FI,fi;q=0.9"})
    assert refused.status_code == 403
    assert refused.text == t(api.ORIGIN_REFUSED, "fi", address=server.url)
    assert client.post("/auth/origin", headers={"origin": server.url}).status_code == 204


# The websocket


def socket_handshake(server: LiveServer, origin: str) -> int:
    """The status of a websocket upgrade to the app's event socket, as a browser on `origin` would ask for it."""
    address = urlsplit(server.url)
    request = (
        "GET /_event/?EIO=4&transport=websocket&token=origin-check HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=15) as connection:
        connection.sendall(request.encode())
        status_line = connection.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_the_socket_refuses_a_foreign_origin(server):
    assert socket_handshake(server, "https://evil.example") in (400, 403)


def test_the_socket_accepts_the_configured_origin(server):
    assert socket_handshake(server, server.url) == 101


# Another tab's client token


def record_socket_frames(page) -> list[str]:
    """Every frame the page's sockets receive."""
    frames: list[str] = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(str(payload))))
    return frames


def test_another_tabs_token_without_cookie_gets_nothing(server, browser):
    member_context = browser.new_context(locale="en-GB")
    member_context.set_default_timeout(30000)
    member_page = member_context.new_page()
    member_frames = record_socket_frames(member_page)
    member_ticket = ticket(server, MEMBER_EMAIL, MEMBER_PASSWORD)
    member_context.add_cookies([{"name": sessions.LOGIN_COOKIE, "value": BROWSER, "url": server.url}])
    member_page.goto(f"{server.url}/auth/complete?" + urlencode({"ticket": member_ticket, "next": "/account"}))
    member_page.get_by_text(MEMBER_EMAIL).first.wait_for()
    stolen = member_page.evaluate("() => window.sessionStorage.getItem('token')")
    assert stolen
    assert any(MEMBER_EMAIL in frame for frame in member_frames), "the recorder sees what the socket delivers"
    member_page.close()
    member_context.close()

    thief_context = browser.new_context(locale="en-GB")
    thief_context.set_default_timeout(30000)
    thief_context.add_init_script(f"window.sessionStorage.setItem('token', {stolen!r});")
    thief_page = thief_context.new_page()
    thief_frames = record_socket_frames(thief_page)
    thief_page.goto(f"{server.url}/account")
    thief_page.wait_for_url(re.compile(r"/login/?\?began=1"))  # sent to log in, where the browser first gets its login value
    thief_page.wait_for_timeout(1500)
    assert thief_page.evaluate("() => window.sessionStorage.getItem('token')") == stolen, "the thief really used the token"
    assert thief_frames, "the thief's page received state over the socket"
    content = thief_page.content()
    for secret in (MEMBER_EMAIL, MEMBER_NAME, "Medlemsson ry"):
        assert secret not in content
        assert not any(secret in frame for frame in thief_frames)
    thief_context.close()


# The log


class EventSocket:
    """The app's event socket as a browser tab opens it (Engine.IO 4 over a websocket), one text message at a time."""

    def __init__(self, server: LiveServer, headers: dict[str, str]):
        address = urlsplit(server.url)
        self.connection = socket.create_connection((address.hostname, address.port), timeout=15)
        self.protocol = WSConnection(ConnectionType.CLIENT)
        self.accepted = False
        self.received: list[str] = []
        target = "/_event/?EIO=4&transport=websocket&token=log-check-tab"
        self.connection.sendall(self.protocol.send(Request(host=address.netloc, target=target, extra_headers=[(k.encode(), v.encode()) for k, v in headers.items()])))
        self._read_until(lambda: self.accepted)

    def _read_until(self, done) -> None:
        while not done():
            data = self.connection.recv(65536)
            assert data, "the server closed the socket"
            self.protocol.receive_data(data)
            for event in self.protocol.events():
                assert not isinstance(event, CloseConnection), "the server closed the socket"
                if isinstance(event, AcceptConnection):
                    self.accepted = True
                elif isinstance(event, TextMessage):
                    self.received.append(event.data)

    def receive(self) -> str:
        self._read_until(lambda: self.received)
        return self.received.pop(0)

    def send(self, text: str) -> None:
        self.connection.sendall(self.protocol.send(Message(data=text)))

    def close(self) -> None:
        self.connection.close()


def send_event_over_socket(server: LiveServer, session_token: str, event: dict) -> None:
    """Open the app's event socket as a browser tab with a session cookie would, and send one event."""
    tab = EventSocket(server, {"Origin": server.url, "Cookie": f"{sessions.COOKIE_NAME}={session_token}"})
    try:
        assert tab.receive().startswith("0{")  # Engine.IO open
        tab.send("40/_event,")  # Socket.IO connect to the app's event namespace
        assert tab.receive().startswith("40/_event,")
        tab.send("42/_event," + json.dumps(["event", event]))
        time.sleep(2)  # let the server handle (and log) the event before the socket closes
    finally:
        tab.close()


def test_an_unknown_event_leaves_no_session_token_in_the_log(server, client):
    token = logged_in(server, client)
    logged_before = server.log_path.read_text()
    send_event_over_socket(server, token, {"name": "reflex___state____state.no_such_state.no_such_handler", "payload": {}, "router_data": {"pathname": "/", "query": {}}})
    logged = "".join(server.log_path.read_text()[len(logged_before):].split())  # the console wraps long lines
    assert "no_such_handler" in logged and "'cookie':" in logged, "the server logged the event and its headers"
    assert token not in logged
