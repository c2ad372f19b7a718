"""The first moments of a page: a page with a part in its address shows the header's outline before its scripts run,
names its own scripts so they load at once, and the scripts and styles come compressed with Brotli."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from partnerskap.services import discussions, workspaces
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
