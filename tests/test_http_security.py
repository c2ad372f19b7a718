"""A running instance over real HTTP: security headers, the session cookie, the socket's origin, stolen client tokens."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import os
import re
import socket
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import Role, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import accounts, passwords, sessions, two_factor
from tests.live_server import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LiveServer,
    admin_code,
    running_instance,
)

pytestmark = pytest.mark.browser

MEMBER_NAME = "Bertil Medlemsson"
MEMBER_EMAIL = "bertil.medlemsson@example.org"
MEMBER_PASSWORD = "bertil's own long passphrase"


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


def ticket(server: LiveServer, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> str:
    """A one-time login ticket, made by the login service against the live database (with the admin's second factor)."""
    with live_database(server):
        signed_in = accounts.log_in(email, password, "127.0.0.1")
        if signed_in.step is two_factor.Step.SESSION:
            return signed_in.ticket
        return two_factor.verify(signed_in.ticket, admin_code(), "127.0.0.1")


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


def test_a_bad_ticket_goes_back_to_the_login_page(client):
    response = client.get("/auth/complete", params={"ticket": "forged", "next": "/account"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?expired=1"
    assert "set-cookie" not in response.headers


# The session cookie


def test_a_valid_ticket_sets_a_safe_session_cookie_once(server, client):
    one_time = ticket(server)
    response = client.get("/auth/complete", params={"ticket": one_time, "next": "/admin"})
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    cookie = response.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert cookie.startswith(f"{sessions.COOKIE_NAME}=")
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"
    assert attributes["path"] == "Path=/"
    token = cookie.split(";")[0].split("=", 1)[1]
    with live_database(server):
        assert sessions.resolve(token).email == ADMIN_EMAIL
    again = client.get("/auth/complete", params={"ticket": one_time, "next": "/admin"})
    assert again.headers["location"] == "/login?expired=1"
    assert "set-cookie" not in again.headers


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "javascript:alert(1)", "https:evil.example"],
)
def test_the_cookie_route_continues_only_to_a_local_path(server, client, next_url):
    response = client.get("/auth/complete?" + urlencode({"ticket": ticket(server), "next": next_url}))
    assert response.status_code == 303
    location = response.headers["location"]
    assert urlsplit(str(httpx.URL(server.url).join(location))).netloc == urlsplit(server.url).netloc
    if "://" in next_url or next_url.startswith(("//", "\\", "javascript:", "https:")):
        assert location == "/"


def test_logging_out_revokes_the_session_and_clears_the_cookie(server, client):
    cookie = client.get("/auth/complete", params={"ticket": ticket(server)}).headers["set-cookie"]
    token = cookie.split(";")[0].split("=", 1)[1]
    response = client.post("/auth/logout", headers={"cookie": f"{sessions.COOKIE_NAME}={token}"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert re.search(rf'{sessions.COOKIE_NAME}="?"?;', response.headers["set-cookie"])
    with live_database(server):
        assert sessions.resolve(token) is None


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
    thief_page.wait_for_url(re.compile(r"/login/?$"))
    thief_page.wait_for_timeout(1500)
    assert thief_page.evaluate("() => window.sessionStorage.getItem('token')") == stolen, "the thief really used the token"
    assert thief_frames, "the thief's page received state over the socket"
    content = thief_page.content()
    for secret in (MEMBER_EMAIL, MEMBER_NAME, "Medlemsson ry"):
        assert secret not in content
        assert not any(secret in frame for frame in thief_frames)
    thief_context.close()
