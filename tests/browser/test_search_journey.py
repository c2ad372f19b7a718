"""The search journey in Chromium: a member types in the header's search box and finds a reply by an inflected Finnish
word and a PDF by a phrase inside it (once its text is read in the background), filters and orders the results and
searches inside the workspace, where the header's box stays until she removes its scope; an outsider searching the
same words finds nothing of it."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from playwright.sync_api import Page, expect

from partnerskap.db import transaction
from partnerskap.models import Membership
from partnerskap.services import discussions, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from tests.browser.axe import assert_accessible
from tests.browser.test_documents_journey import RIGHTS, file
from tests.browser.test_home_journey import screenshots
from tests.browser.test_membership_journey import log_in, open_page
from tests.browser.test_workspace_journey import approved_member, live_database, viewer_of
from tests.conftest import PASSWORD
from tests.live_server import LiveServer
from tests.sample_files import pdf

REPLY = "Kokoonnumme jatkossa uusissa työtiloissa Vallilassa."
PHRASE = "kotoutumisen vuosikello kaikille kunnille"


def search_in_header(page: Page, words: str, *, workspace_id: int = 0) -> None:
    """Type in the header's search box and press Enter (on a workspace's pages it searches that workspace unless its scope was removed)."""
    box = page.get_by_role("banner").get_by_role("searchbox", name="Search for")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape("/search?" + urlencode({"q": words, **({"in": workspace_id} if workspace_id else {})})) + "$"))
    expect(page.locator("#search-query")).to_have_value(words)  # the results of these words, not the page before


def search_again_until_found(page: Page, found) -> None:
    """Search the same words again after a moment, as a person does, until `found` shows (a new file's text is read in the background)."""
    for _attempt in range(30):
        expect(page.locator("#search-results, #search-empty")).to_be_visible()
        if found.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(found).to_be_visible()


def test_member_finds_a_reply_and_a_pdf_and_an_outsider_finds_nothing(live_server: LiveServer, new_context, password_hash: str):
    hilkka = approved_member(live_server, password_hash, "Hilkka Hakunen")
    oskari = approved_member(live_server, password_hash, "Oskari Ulkopuolinen")
    with live_database(live_server):
        board = workspaces.create(viewer_of(hilkka), WorkspaceForm(name="Vallilan hakuryhmä", purpose="Kokousten suunnittelu", access="invitation", language="fi"))
        thread = discussions.start_thread(viewer_of(hilkka), board.id, "Syksyn kokoontumiset", "Missä kokoonnumme syksyllä?", discussions.new_key())
        discussions.reply(viewer_of(hilkka), thread.id, REPLY, discussions.new_key())

    member = new_context().new_page()
    log_in(member, live_server, hilkka.email, PASSWORD)

    # Hilkka uploads the plan as a PDF in the library.
    open_page(member, f"{live_server.url}/workspaces/{board.id}/documents")
    member.get_by_role("button", name=RIGHTS).click()
    member.locator("#library-upload input[type=file]").set_input_files([file("suunnitelma.pdf", "application/pdf", pdf(f"Liite: {PHRASE} 2027."))])
    expect(member.locator(".notice")).to_contain_text("suunnitelma.pdf", timeout=60000)

    # Right away she searches the library's workspace for a phrase inside it: its text is read in the background, so
    # she may have to search again after a moment.
    expect(member.locator("#header-scope")).to_contain_text("Vallilan hakuryhmä")
    search_in_header(member, f'"{PHRASE}"', workspace_id=board.id)
    results = member.locator("#search-results")
    search_again_until_found(member, results.get_by_role("link", name="suunnitelma.pdf"))
    expect(results.locator("mark").first).to_have_text("kotoutumisen")

    # She finds the reply by another form of the word it uses.
    search_in_header(member, "työtila")
    reply = results.locator(".search-hit").filter(has_text="Vallilassa")
    expect(reply).to_have_count(1)
    expect(reply.get_by_role("link", name="Syksyn kokoontumiset")).to_have_attribute("href", re.compile(r"^/threads/\d+#post-\d+$"))
    expect(reply.locator("mark")).to_have_text("työtiloissa")
    expect(reply).to_contain_text("Vallilan hakuryhmä")
    assert_accessible(member, "search results")
    screenshots(member, "search")

    # And the PDF by the phrase again, everywhere, from the results page's own box.
    query = member.locator("#search-query")
    query.fill(f'"{PHRASE}"')
    query.press("Enter")
    expect(member).to_have_url(re.compile("vuosikello"))
    expect(results.get_by_role("link", name="suunnitelma.pdf")).to_be_visible()
    expect(results.locator("mark").first).to_have_text("kotoutumisen")
    expect(member.locator("#kind-document")).to_contain_text("(1)")

    # Filters and order: only documents, then only posts, newest first.
    search_in_header(member, "kokoonnumme")
    member.locator("#kind-document").click()
    expect(member.locator("#search-empty")).to_be_visible()
    member.locator("#kind-post").click()
    expect(member.locator("#kind-post")).to_have_attribute("aria-current", "page")
    member.locator("#sort-date").click()
    expect(member).to_have_url(re.compile(r"sort=date"))
    expect(results.locator(".search-hit")).to_have_count(2)
    expect(results.locator(".search-hit").first).to_contain_text("Vallilassa")

    # From the workspace, the search stays inside it until she chooses everywhere.
    open_page(member, f"{live_server.url}/workspaces/{board.id}")
    member.locator("#search-workspace").click()
    expect(member.locator("#search-scope")).to_contain_text("Vallilan hakuryhmä")
    query.fill("vuosikello")
    query.press("Enter")
    expect(member).to_have_url(re.compile(rf"q=vuosikello&in={board.id}$"))
    expect(results.get_by_role("link", name="suunnitelma.pdf")).to_be_visible()
    member.locator("#search-everywhere").click()
    expect(member.locator("#search-scope")).to_have_count(0)
    expect(results.get_by_role("link", name="suunnitelma.pdf")).to_be_visible()

    # Oskari, who does not belong to the workspace, searches the same words: nothing of it, not even a count.
    outsider = new_context().new_page()
    log_in(outsider, live_server, oskari.email, PASSWORD)
    for words in ("työtila", f'"{PHRASE}"', "Vallilan hakuryhmä", "suunnitelma"):
        search_in_header(outsider, words)
        expect(outsider.locator("#search-empty")).to_be_visible()
        expect(outsider.locator("#kind-all")).to_contain_text("(0)")
    open_page(outsider, f"{live_server.url}/search?q=ty%C3%B6tila&in={board.id}")
    expect(outsider.locator("#search-scope")).to_have_count(0)
    expect(outsider.locator("#search-empty")).to_be_visible()

    # Once invited in, he finds it; removed again, he no longer does.
    with live_database(live_server), transaction() as session:
        session.add(Membership(workspace_id=board.id, user_id=oskari.id))
    search_in_header(outsider, "työtila")
    expect(outsider.locator("#search-results .search-hit")).to_have_count(1)
    with live_database(live_server):
        workspaces.remove_member(viewer_of(hilkka), board.id, oskari.id)
    search_in_header(outsider, "työtiloja")
    expect(outsider.locator("#search-empty")).to_be_visible()

    # A visitor searches public content only, on a phone too.
    visitor = new_context().new_page()
    open_page(visitor, f"{live_server.url}/search?q=ty%C3%B6tila")
    expect(visitor.locator("#search-empty")).to_be_visible()
    expect(visitor.locator("#kind-post")).to_have_count(0)
    screenshots(visitor, "search-visitor")


def test_member_searches_her_workspace_from_the_header_and_removes_the_scope_to_search_everywhere(live_server: LiveServer, new_context, password_hash: str):
    aino = approved_member(live_server, password_hash, "Aino Rajattu")
    with live_database(live_server):
        choir = workspaces.create(viewer_of(aino), WorkspaceForm(name="Kuoron harjoitukset", purpose="Laulamme yhdessä", access="invitation", language="fi"))
        garden = workspaces.create(viewer_of(aino), WorkspaceForm(name="Yhteispuutarha", purpose="Viljelemme yhdessä", access="invitation", language="fi"))
        here = discussions.start_thread(viewer_of(aino), choir.id, "Kevään konsertti", "Harjoittelemme konserttia torstaisin.", discussions.new_key())
        discussions.start_thread(viewer_of(aino), garden.id, "Sadonkorjuujuhla", "Juhlan konsertti pidetään puutarhassa.", discussions.new_key())

    member = new_context().new_page()
    log_in(member, live_server, aino.email, PASSWORD)
    results = member.locator("#search-results")

    # On her choir's page the header's box says it searches the choir, and finds only the choir's discussion.
    open_page(member, f"{live_server.url}/workspaces/{choir.id}")
    chip = member.locator("#header-scope")
    expect(chip).to_contain_text("In the workspace Kuoron harjoitukset")
    assert_accessible(member, "workspace page with the header's search scope")
    screenshots(member, "search-header-scope")
    search_in_header(member, "konsertti", workspace_id=choir.id)
    expect(member.locator("#search-scope")).to_contain_text("Kuoron harjoitukset")
    expect(results.locator(".search-hit")).to_have_count(1)
    expect(results.get_by_role("link", name="Kevään konsertti")).to_be_visible()

    # In one of its discussions too.
    open_page(member, f"{live_server.url}/threads/{here.id}")
    expect(chip).to_contain_text("Kuoron harjoitukset")

    # She removes the scope: the chip goes, and the same words find the garden's discussion as well.
    member.get_by_role("button", name="Search everywhere").click()
    expect(chip).to_have_count(0)
    search_in_header(member, "konsertti")
    expect(member.locator("#search-scope")).to_have_count(0)
    expect(results.get_by_role("link", name="Kevään konsertti")).to_be_visible()
    expect(results.get_by_role("link", name="Sadonkorjuujuhla")).to_be_visible()

    # Outside the workspaces the header's box searches everything; back in the choir, it searches the choir again.
    open_page(member, f"{live_server.url}/workspaces")
    expect(chip).to_have_count(0)
    open_page(member, f"{live_server.url}/workspaces/{choir.id}/documents")
    expect(chip).to_contain_text("Kuoron harjoitukset")

    # On a phone the menu's search opens in the workspace.
    member.set_viewport_size({"width": 360, "height": 900})
    member.get_by_role("button", name="Menu").click()
    expect(member.get_by_role("menuitem", name="Search", exact=True).get_by_role("link")).to_have_attribute("href", f"/search?in={choir.id}")
    member.keyboard.press("Escape")
    member.set_viewport_size({"width": 1280, "height": 900})
