"""The first moments of a page: a page with a part in its address shows the header's outline before its scripts run,
names its own scripts so they load at once, and the scripts and styles come compressed with Brotli; words typed in
a thread before it has loaded stay with it."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from partnerskap.i18n import t
from partnerskap.services import discussions, workspaces
from partnerskap.state.discussions import NOT_SENT_YET
from partnerskap.services.workspaces import WorkspaceForm
from tests.browser.test_home_journey import screenshots
from tests.browser.test_membership_journey import log_in, open_page
from tests.browser.test_workspace_journey import approved_member, live_database, viewer_of
from tests.conftest import PASSWORD
from tests.live_server import LiveServer


def test_member_opening_a_thread_sees_the_headers_outline_before_the_app_starts_then_the_thread(live_server: LiveServer, new_context, password_hash: str):
    tuuli = approved_member(live_server, password_hash, "Tuuli Ensikertalainen")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(tuuli), WorkspaceForm(name="Library Volunteers", purpose="Reading hours at the library.", access="open", language="fi"))
        thread = discussions.start_thread(viewer_of(tuuli), workspace.id, "Saturday reading hour", "Who reads to the children on Saturday?", discussions.new_key())

    # Before any script has run (here: never), the page is not blank: the header's bar with the platform's mark.
    before = new_context(java_script_enabled=False).new_page()
    before.goto(f"{live_server.url}/threads/{thread.id}")
    expect(before.locator(".site-header .starting-mark")).to_be_visible()
    expect(before.locator("main")).to_have_attribute("aria-busy", "true")
    screenshots(before, "first-paint-thread-before-scripts")

    # The page names the thread's own scripts in its head, so the browser loads them with the shared ones.
    page_html = before.request.get(f"{live_server.url}/threads/{thread.id}").text()
    manifest_src = re.search(r'/assets/manifest-[\w-]+\.js', page_html).group()
    manifest_text = before.request.get(live_server.url + manifest_src).text()
    manifest = json.loads(manifest_text[manifest_text.index("{"): manifest_text.rindex("}") + 1])
    [route] = [route for route in manifest["routes"].values() if route.get("path") == "threads/:thread_id"]
    head = page_html.split("</head>")[0]
    assert f'<link rel="modulepreload" href="{route["module"]}"/>' in head
    assert all(f'href="{script}"' in head for script in route["imports"])

    # Scripts and styles come with Brotli to a browser that takes it, with gzip to one that does not.
    for asset in (route["module"], re.search(r'/assets/__reflex_global_styles-[\w-]+\.css', page_html).group()):
        assert before.request.get(live_server.url + asset, headers={"Accept-Encoding": "br, gzip"}).headers["content-encoding"] == "br", asset
        assert before.request.get(live_server.url + asset, headers={"Accept-Encoding": "gzip"}).headers["content-encoding"] == "gzip", asset

    # With its scripts, the member's thread replaces the outline.
    page = new_context().new_page()
    log_in(page, live_server, tuuli.email, PASSWORD)
    open_page(page, f"{live_server.url}/threads/{thread.id}")
    expect(page.locator(".post").first).to_contain_text("Who reads to the children on Saturday?")
    expect(page.locator(".starting-mark")).to_have_count(0)
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")


def test_member_who_types_in_the_next_thread_before_it_has_loaded_keeps_the_words_there(live_server: LiveServer, new_context, password_hash: str):
    ville = approved_member(live_server, password_hash, "Ville Nopea")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(ville), WorkspaceForm(name="Quick Typists", purpose="Fast answers.", access="open", language="en"))
        first = discussions.start_thread(viewer_of(ville), workspace.id, "First topic", "The first question.", discussions.new_key())
        second = discussions.start_thread(viewer_of(ville), workspace.id, "Second topic", "The second question.", discussions.new_key())
    page = new_context().new_page()
    # The app's socket goes through the test, which can hold back what the server says: a slow connection.
    held: list[str | bytes] = []
    holding = [False]
    sockets = []

    def relay(socket):
        server = socket.connect_to_server()
        sockets.append(socket)
        server.on_message(lambda message: held.append(message) if holding[0] else socket.send(message))

    page.route_web_socket(re.compile(r"/_event"), relay)
    log_in(page, live_server, ville.email, PASSWORD)
    open_page(page, f"{live_server.url}/threads/{first.id}")
    expect(page.locator(".post").first).to_contain_text("The first question.")
    page.get_by_role("link", name=re.compile("Quick Typists")).first.click()
    expect(page.get_by_role("link", name="Second topic")).to_be_visible()

    # On to the second thread in the app; its posts are late, and Ville types at once in the box still on screen.
    holding[0] = True
    page.get_by_role("link", name="Second topic").click()
    expect(page).to_have_url(re.compile(rf"/threads/{second.id}/?$"))
    page.locator("#reply-body").fill("Typed at once")
    page.wait_for_timeout(1500)  # the draft is saved after a pause in typing; the server's answers wait
    holding[0] = False
    for message in held:
        sockets[-1].send(message)
    held.clear()

    # The thread arrives, and the words are in its box, with a notice that they were not sent yet.
    expect(page.locator(".post").first).to_contain_text("The second question.")
    expect(page.locator("#reply-body")).to_have_value("Typed at once")
    expect(page.locator(".notice")).to_contain_text(t(NOT_SENT_YET, "en"))

    # They belong to the second thread: there after a reload, and not in the first.
    page.reload()
    expect(page.locator("#reply-body")).to_have_value("Typed at once")
    open_page(page, f"{live_server.url}/threads/{first.id}")
    expect(page.locator(".post").first).to_contain_text("The first question.")
    expect(page.locator("#reply-body")).to_have_value("")
