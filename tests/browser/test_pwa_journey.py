"""The installable app in Chromium: the manifest and icons, the service worker in control, the offline page in the
member's language with the network gone and the app back when it returns; a reply written while the server is
unreachable is kept, the connection line speaks the member's language, and the reply is posted once."""

from __future__ import annotations

import re
import signal
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from partnerskap import pwa
from partnerskap.i18n import t
from partnerskap.services import discussions, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from partnerskap.state.discussions import NOT_SENT_YET
from tests.browser.axe import assert_accessible
from tests.browser.test_membership_journey import log_in, open_page, switch_language
from tests.browser.test_workspace_journey import approved_member, live_database, viewer_of
from tests.conftest import PASSWORD
from tests.live_server import LiveServer

CONNECTION_LOST = "The connection to the platform was lost. Reconnecting… What you write stays here and is sent when the connection returns."
KEPT_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) { urls.push(name + " " + request.url); }
  }
  return urls;
}"""

KEPT_UNSENT = "Object.keys(localStorage).filter((name) => name.startsWith('partnerskap-unsent-'))"


def controlled_by_worker(page: Page) -> bool:
    return page.evaluate("Boolean(navigator.serviceWorker.controller)")


def test_visitor_installs_the_app_and_reads_the_offline_page_in_swedish_until_the_network_returns(live_server: LiveServer, new_context):
    context = new_context(locale="sv-SE")
    page = context.new_page()
    open_page(page, live_server.url + "/news")
    switch_language(page, "sv")

    # The manifest the page names parses and holds what an install needs, in the browser's language.
    manifest_url = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.evaluate("async (url) => (await fetch(url)).json()", manifest_url)
    assert manifest["name"] == "Partnerskap" and manifest["short_name"] and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/home" and manifest["scope"] == "/" and manifest["theme_color"] and manifest["background_color"]
    assert {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]} >= {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    assert [shortcut["name"] for shortcut in manifest["shortcuts"]] == [t("Home", "sv"), t("Workspaces", "sv"), t("Notifications", "sv")]
    for icon in manifest["icons"] + [{"src": page.locator("link[rel=apple-touch-icon]").get_attribute("href")}]:
        assert page.request.get(live_server.url + icon["src"]).ok, icon["src"]

    # The worker installs from the page, and controls it after a reload.
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    expect(page.locator(".site")).to_have_attribute("lang", "sv")
    page.wait_for_function("Boolean(navigator.serviceWorker.controller)")
    kept = page.evaluate(KEPT_URLS)
    assert any(url.endswith(pwa.OFFLINE_PATH) for url in kept)
    assert all(pwa.may_cache(urlsplit(url.split(" ", 1)[1]).path) for url in kept), kept
    assert len({url.split(" ", 1)[0] for url in kept}) == 1  # one release, one cache

    # With the network gone, a page opens as the offline page, Swedish first (the member's language, noted by the app).
    context.set_offline(True)
    page.goto(live_server.url + "/events")
    expect(page.locator("#offline section").first).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", name=t(pwa.OFFLINE_TITLE, "sv"))).to_be_visible()
    expect(page.get_by_role("heading", name=t(pwa.OFFLINE_TITLE, "fi"))).to_be_visible()
    expect(page.get_by_role("heading", name=t(pwa.OFFLINE_TITLE, "en"))).to_be_visible()
    assert_accessible(page, "offline page")

    # The network returns: the page reloads itself into the app.
    context.set_offline(False)
    expect(page.locator(".site")).to_have_attribute("lang", "sv", timeout=30000)
    expect(page).to_have_url(re.compile(r"/events/?$"))
    expect(page.locator("main h1")).to_have_text(t("Events", "sv"))
    assert controlled_by_worker(page)


def test_member_writing_while_the_server_is_down_sees_a_finnish_status_and_the_reply_is_posted_once(live_server: LiveServer, new_context, password_hash: str):
    ilona = approved_member(live_server, password_hash, "Ilona Offlinen")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(ilona), WorkspaceForm(name="Ferry Timetable Group", purpose="Timetables for the archipelago.", access="open", language="fi"))
        thread = discussions.start_thread(viewer_of(ilona), workspace.id, "Winter timetable", "When does the last ferry leave?", discussions.new_key())
    page = new_context(locale="fi-FI").new_page()
    log_in(page, live_server, ilona.email, PASSWORD)
    open_page(page, f"{live_server.url}/threads/{thread.id}")
    switch_language(page, "fi")
    expect(page.locator(".post").first).to_contain_text("When does the last ferry leave?")
    expect(page.locator("#connection-lost")).to_have_count(0)

    live_server.stop(signal.SIGKILL)
    try:
        # A calm line in Finnish, not Reflex's English toast; the reply box still works and keeps what is typed.
        expect(page.locator("#connection-lost")).to_have_text(t(CONNECTION_LOST, "fi"), timeout=30000)
        expect(page.get_by_text("Cannot connect to server")).to_have_count(0)
        words = "At 21.15 on weekdays, I checked."
        page.locator("#reply-body").fill(words)
        page.get_by_role("button", name=t("Send", "fi")).click()
        expect(page.locator("#reply-body")).to_have_value(words)
    finally:
        live_server.start()
        live_server.wait_until_up()

    # The connection returns: the line goes, and the reply sent meanwhile is posted, once.
    expect(page.locator("#connection-lost")).to_have_count(0, timeout=60000)
    expect(page.locator(".post").last).to_contain_text(words, timeout=30000)
    assert live_server.query("SELECT count(*) FROM post WHERE body = :body", body=words)[0][0] == 1


def test_member_whose_reply_could_not_leave_finds_it_after_a_reload_offline_and_it_is_posted_once(live_server: LiveServer, new_context, password_hash: str):
    kaisa = approved_member(live_server, password_hash, "Kaisa Reloadinen")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(kaisa), WorkspaceForm(name="Night Bus Riders", purpose="Night buses of the region.", access="open", language="en"))
        thread = discussions.start_thread(viewer_of(kaisa), workspace.id, "Line 90N", "Does the 90N still run on Sundays?", discussions.new_key())
    context = new_context()
    page = context.new_page()
    log_in(page, live_server, kaisa.email, PASSWORD)
    address = f"{live_server.url}/threads/{thread.id}"
    open_page(page, address)
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("Boolean(navigator.serviceWorker.controller)")
    expect(page.locator(".post").first).to_contain_text("Does the 90N still run on Sundays?")

    # The network goes; Send cannot reach the server, and the member reloads: the offline page, not the thread.
    words = "Yes, every Sunday at 1.30, I rode it last week."
    context.set_offline(True)
    page.locator("#reply-body").fill(words)
    page.get_by_role("button", name="Send").click()
    page.reload()
    expect(page.get_by_role("heading", name=t(pwa.OFFLINE_TITLE, "en"))).to_be_visible()
    expect(page.locator('#offline section[lang="en"]')).to_contain_text(t(pwa.OFFLINE_KEPT, "en"))

    # The network returns and the thread opens again: the words are back in the box, with a notice, and sent once.
    context.set_offline(False)
    expect(page.locator("#reply-body")).to_have_value(words, timeout=30000)
    expect(page.get_by_text(t(NOT_SENT_YET, "en"))).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".post").last).to_contain_text(words)
    expect(page.locator("#reply-body")).to_have_value("")
    assert page.evaluate(KEPT_UNSENT) == []
    page.reload()
    expect(page.locator(".post").last).to_contain_text(words)
    expect(page.locator("#reply-body")).to_have_value("")
    assert live_server.query("SELECT count(*) FROM post WHERE body = :body", body=words)[0][0] == 1

    # Words typed while offline stay on the device only until the member logs out.
    context.set_offline(True)
    page.locator("#reply-body").fill("Half a sentence on a shared computer")
    assert page.evaluate(KEPT_UNSENT) == [f"partnerskap-unsent-{thread.id}"]
    context.set_offline(False)
    page.locator("#log-out").click()
    expect(page).to_have_url(re.compile(r"/(login)?/?$"))
    assert page.evaluate(KEPT_UNSENT) == []
