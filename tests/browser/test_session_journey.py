"""The edges of a session in Chromium: logging out (mouse, keyboard, every device), a login that completes only where
it began, and the loopback names of a local trial."""

from __future__ import annotations

import contextlib
import http.server
import re
import threading
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
from playwright.sync_api import Page, expect

from partnerskap import api
from partnerskap.i18n import t
from partnerskap.services import accounts, sessions
from tests.browser.test_membership_journey import log_in, open_page
from tests.browser.test_workspace_journey import approved_member, live_database
from tests.conftest import PASSWORD
from tests.live_server import LiveServer, free_port, running_instance

ATTACKERS_BROWSER = "login-value-of-the-attackers-own-browser"


def cookie_of(page: Page, name: str) -> str:
    """The value of one of the page's cookies ('' when it has none)."""
    return next((cookie["value"] for cookie in page.context.cookies() if cookie["name"] == name), "")


def members_only_answers(server: LiveServer, token: str) -> list[tuple[int, str]]:
    """What a document download and a calendar answer to a request with this session cookie (no such document or workspace)."""
    with httpx.Client(base_url=server.url, headers={"cookie": f"{sessions.COOKIE_NAME}={token}", "accept-language": "en"}, timeout=30) as http:
        return [(response.status_code, response.text) for response in (http.get("/documents/999999/download"), http.get("/workspaces/999999/calendar.ics"))]


def shows_a_visitor(page: Page, server: LiveServer) -> None:
    """The page is the front page as a visitor sees it: a log-in link, no log-out button, no session cookie."""
    page.wait_for_url(re.compile(rf"^{re.escape(server.url)}/?$"))
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("#log-out")).to_have_count(0)
    assert cookie_of(page, sessions.COOKIE_NAME) == ""


def test_member_logs_out_with_the_header_button_and_the_old_cookie_opens_nothing(live_server: LiveServer, new_context, password_hash: str):
    lotta = approved_member(live_server, password_hash, "Lotta Utloggad")
    page = new_context().new_page()
    log_in(page, live_server, lotta.email, PASSWORD)
    open_page(page, live_server.url + "/workspaces")
    token = cookie_of(page, sessions.COOKIE_NAME)
    assert members_only_answers(live_server, token) == [
        (404, "This document does not exist."),
        (404, "This workspace does not exist or you do not have access to it."),
    ], "the cookie works before logging out"

    page.locator("#log-out").click()

    shows_a_visitor(page, live_server)
    assert members_only_answers(live_server, token) == [(403, "Log in to continue.")] * 2
    with live_database(live_server):
        assert sessions.has_ended(token)


def test_member_on_a_phone_logs_out_from_the_menu_and_the_old_cookie_opens_nothing(live_server: LiveServer, new_context, password_hash: str):
    pekka = approved_member(live_server, password_hash, "Pekka Puhelin")
    page = new_context(viewport={"width": 360, "height": 800}).new_page()
    log_in(page, live_server, pekka.email, PASSWORD)
    open_page(page, live_server.url + "/workspaces")
    token = cookie_of(page, sessions.COOKIE_NAME)

    page.get_by_role("button", name=re.compile("^Menu")).click()
    page.get_by_role("menuitem", name="Log out").click()

    page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/?$"))
    page.get_by_role("button", name=re.compile("^Menu")).click()
    expect(page.get_by_role("menuitem", name="Log in")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Log out")).to_have_count(0)
    assert cookie_of(page, sessions.COOKIE_NAME) == ""
    assert members_only_answers(live_server, token) == [(403, "Log in to continue.")] * 2


def test_member_logs_out_with_the_keyboard_from_the_account_page(live_server: LiveServer, new_context, password_hash: str):
    kerstin = approved_member(live_server, password_hash, "Kerstin Tangentbord")
    page = new_context().new_page()
    log_in(page, live_server, kerstin.email, PASSWORD)
    open_page(page, live_server.url + "/account")
    expect(page.get_by_text(kerstin.email)).to_be_visible()
    token = cookie_of(page, sessions.COOKIE_NAME)

    page.locator("#log-out").focus()
    page.keyboard.press("Enter")

    shows_a_visitor(page, live_server)
    assert members_only_answers(live_server, token) == [(403, "Log in to continue.")] * 2


def test_member_logs_out_on_all_devices_from_the_account_page(live_server: LiveServer, new_context, password_hash: str):
    aino = approved_member(live_server, password_hash, "Aino Kaikkialla")
    office, library = new_context().new_page(), new_context().new_page()
    log_in(office, live_server, aino.email, PASSWORD)
    log_in(library, live_server, aino.email, PASSWORD)
    left_in_library = cookie_of(library, sessions.COOKIE_NAME)
    open_page(office, live_server.url + "/account")

    office.get_by_role("button", name="Log out on all devices").click()

    shows_a_visitor(office, live_server)
    assert members_only_answers(live_server, left_in_library) == [(403, "Log in to continue.")] * 2
    open_page(library, live_server.url + "/account")
    library.wait_for_url(re.compile(r"/login"))
    expect(library.locator("#log-out")).to_have_count(0)


@contextlib.contextmanager
def another_site(html: str) -> Iterator[str]:
    """A page served from another loopback origin (127.0.0.1 is another site than localhost)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html.encode())

        def log_message(self, *_args) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}/"
    finally:
        site.shutdown()
        site.server_close()


def follow_from_another_site(page: Page, link: str) -> None:
    """The member opens a page on another site and follows its link to the platform."""
    with another_site(f'<!doctype html><title>Prize</title><a id="prize" href="{link}">Claim your prize</a>') as address:
        page.goto(address)
        page.locator("#prize").click()
        page.wait_for_url(re.compile(r"/login/?\?expired=1"))


def test_a_login_begun_elsewhere_never_completes_in_the_members_browser(live_server: LiveServer, new_context, password_hash: str):
    vera = approved_member(live_server, password_hash, "Vera Uhri")
    mallory = approved_member(live_server, password_hash, "Mallory Hyokkaaja")
    page = new_context().new_page()
    log_in(page, live_server, vera.email, PASSWORD)
    open_page(page, live_server.url + "/login")  # Vera's browser now holds a login value of its own
    page.wait_for_url(re.compile(r"began=1"))
    veras_browser = cookie_of(page, sessions.LOGIN_COOKIE)
    assert veras_browser
    with live_database(live_server):
        mallorys_ticket = accounts.log_in(mallory.email, PASSWORD, "127.0.0.1", browser=ATTACKERS_BROWSER)
        guessed_ticket = accounts.log_in(mallory.email, PASSWORD, "127.0.0.1", browser=veras_browser)

    follow_from_another_site(page, f"{live_server.url}/auth/complete?" + urlencode({"ticket": mallorys_ticket, "next": "/account"}))
    follow_from_another_site(page, f"{live_server.url}/auth/complete?" + urlencode({"ticket": guessed_ticket, "next": "/account"}))
    page.goto(f"{live_server.url}/auth/complete?" + urlencode({"ticket": mallorys_ticket, "next": "/account"}))
    page.wait_for_url(re.compile(r"/login/?\?expired=1"))

    open_page(page, live_server.url + "/account")
    expect(page.get_by_text(vera.email)).to_be_visible()
    expect(page.get_by_text(mallory.email)).to_have_count(0)


def test_a_page_opened_at_an_address_the_instance_refuses_says_why(live_server: LiveServer, new_context):
    other_name = live_server.url.replace("localhost", "127.0.0.1")
    page = new_context(locale="fi-FI").new_page()
    page.goto(other_name + "/login")
    expect(page.locator("#origin-refused")).to_have_text(t(api.ORIGIN_REFUSED, "fi", address=live_server.url))
    expect(page.get_by_role("alert")).to_be_visible()


def test_a_local_trial_answers_at_every_loopback_name(new_context):
    with running_instance(PARTNERSKAP_PUBLIC_URL="") as trial:
        port = trial.url.rsplit(":", 1)[1]
        for address in (f"http://localhost:{port}", f"http://127.0.0.1:{port}", f"http://[::1]:{port}"):
            page = new_context().new_page()
            frames: list[str] = []
            page.on("websocket", lambda socket, frames=frames: socket.on("framereceived", lambda payload: frames.append(str(payload))))
            open_page(page, address + "/login")
            page.wait_for_url(re.compile(r"began=1"))  # the page came alive: its loader ran over the socket
            expect(page.locator("#email")).to_be_visible()
            assert frames, f"the socket at {address} carried the page's state"
            expect(page.locator("#origin-refused")).to_have_count(0)
