"""Tables on a 360 px phone in Chromium: each row a card whose cells read "Label: value", its actions in view and
usable, the page never scrolling sideways; the same tables stay tables, with their caption, at 1280 px."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from partnerskap.services import discussions, documents, moderation, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from tests.browser.axe import assert_accessible
from tests.browser.test_documents_journey import document_row, file
from tests.browser.test_home_journey import SCREENSHOTS, WIDTHS
from tests.browser.test_membership_journey import log_in, open_page
from tests.browser.test_workspace_journey import approved_member, live_database, viewer_of
from tests.conftest import PASSWORD
from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, LiveServer

PHONE = WIDTHS["phone"]
LABEL_BEFORE = "(cell) => getComputedStyle(cell, '::before').content"
HEIGHT = "(element) => element.getBoundingClientRect().height"
# Visible to Playwright is not enough: a box clipped by its scroll area still counts as visible. A tap lands on it.
UNDER_A_TAP = "(element) => { const box = element.getBoundingClientRect(); return element.contains(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)); }"


def assert_a_list_on_the_phone(page: Page, table: Locator, actions: list[Locator], name: str) -> None:
    """At 360 px: no sideways scrolling, every action inside the screen, cells labelled; shots at both widths."""
    page.set_viewport_size({"width": PHONE, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    assert table.locator("thead").evaluate(HEIGHT) <= 1  # left for screen readers, out of sight
    for action in actions:
        expect(action).to_be_visible()
        action.scroll_into_view_if_needed()
        box = action.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE, f"{name}: {action} lies outside the screen at {box}"
        assert action.evaluate(UNDER_A_TAP), f"{name}: {action} is covered or clipped"
    labelled = table.locator("tbody td[data-label], tbody th[data-label]").first
    assert labelled.evaluate(LABEL_BEFORE) == '"' + labelled.get_attribute("data-label") + ': "'
    assert_accessible(page, f"{name} at {PHONE} px")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"table-{name}-{label}.png"), full_page=True)
    # On a wide screen the table is a table again: its header row shows and its cells carry no label.
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    assert table.locator("thead").evaluate(HEIGHT) > 10
    assert labelled.evaluate(LABEL_BEFORE) == "none"
    page.set_viewport_size({"width": PHONE, "height": 800})


def test_owner_on_a_phone_sees_documents_versions_and_members_as_lists_with_their_buttons(live_server: LiveServer, new_context, password_hash: str):
    olga = approved_member(live_server, password_hash, "Olga Phonetable")
    pekka = approved_member(live_server, password_hash, "Pekka Phonetable")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(olga), WorkspaceForm(name="Pocket Library Circle", purpose="Documents read on the bus.", access="open", language="en"))
        workspaces.join(viewer_of(pekka), workspace.id)
        documents.accept_upload_terms(viewer_of(olga))
    page = new_context().new_page()
    page.set_viewport_size({"width": PHONE, "height": 800})
    log_in(page, live_server, olga.email, PASSWORD)

    open_page(page, f"{live_server.url}/workspaces/{workspace.id}/documents")
    page.locator("#library-upload input[type=file]").set_input_files([file("bus-timetable-with-a-long-name.txt", "text/plain", b"Line 5 leaves at 7.10\n")])
    row = document_row(page, "bus-timetable-with-a-long-name.txt")
    library = page.locator(".stacked-table").first
    expect(library.locator("caption")).to_have_text("Documents")
    assert_a_list_on_the_phone(page, library, [row.get_by_role("link", name="View"), row.get_by_role("button", name="Versions (1)")], "documents")

    # The versions button on the card works: the panel opens, its own list with Download and Restore in view.
    row.get_by_role("button", name="Versions (1)").click()
    versions = page.locator(".stacked-table").filter(has=page.locator("caption", has_text="Versions"))
    expect(versions.locator("tbody tr")).to_have_count(1)
    assert_a_list_on_the_phone(page, versions, [versions.get_by_role("link", name="Download"), versions.get_by_role("button", name="Restore")], "versions")

    open_page(page, f"{live_server.url}/workspaces/{workspace.id}/members")
    members = page.locator(".stacked-table")
    pekka_card = members.locator("tbody tr").filter(has_text="Pekka Phonetable")
    promote = pekka_card.get_by_role("button", name="Make moderator")
    assert_a_list_on_the_phone(page, members, [promote, pekka_card.get_by_role("button", name="Remove")], "members")
    promote.click()
    expect(pekka_card).to_contain_text("Moderator")
    expect(pekka_card.get_by_role("button", name="Make member")).to_be_visible()


def test_admin_on_a_phone_reads_the_audit_log_and_the_transparency_report_as_lists(live_server: LiveServer, new_context, password_hash: str):
    raili = approved_member(live_server, password_hash, "Raili Phonereport")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(raili), WorkspaceForm(name="Pocket Report Circle", purpose="Reports read on the bus.", access="open", language="en"))
        thread = discussions.start_thread(viewer_of(raili), workspace.id, "Cheap flats", "Write to me privately for a flat!", discussions.new_key())
        [post_id] = [row[0] for row in live_server.query("SELECT id FROM post WHERE thread_id = :t", t=thread.id)]
        moderation.report(viewer_of(raili), "post", post_id, "spam", "Looks like an advert.")
    page = new_context().new_page()
    page.set_viewport_size({"width": PHONE, "height": 800})
    log_in(page, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    for address, name in (("/admin/audit", "audit"), ("/transparency", "transparency")):
        open_page(page, live_server.url + address)
        table = page.locator(".stacked-table").first
        expect(table.locator("tbody tr").first).to_be_attached()
        assert_a_list_on_the_phone(page, table, [], name)
