"""The composer in Chromium: `@` offers the place's members (keyboard and mouse, in Finnish and English; in a reply and
in a new discussion), the box and the post show names, never the stored mention syntax; a post's actions (Quote, Edit, Delete, Report) from its menu by keyboard."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import Membership, User
from partnerskap.services import discussions, networks, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from tests.browser.axe import assert_accessible
from tests.browser.test_home_journey import screenshots
from tests.browser.test_membership_journey import log_in, open_page, switch_language
from tests.browser.test_workspace_journey import approved_member, live_database, unread_for, viewer_of
from tests.conftest import PASSWORD
from tests.live_server import LiveServer

STORED = "](member:"


def workspace_thread(server: LiveServer, owner: User, *others: User) -> int:
    """A workspace of the owner's with the others in it, and a thread the owner opened there."""
    with live_database(server):
        created = workspaces.create(viewer_of(owner), WorkspaceForm(name=f"Welcome desk of {owner.name}", purpose="Mentions in the composer", access="request"))
        with transaction() as session:
            for other in others:
                session.add(Membership(workspace_id=created.id, user_id=other.id))
        return discussions.start_thread(viewer_of(owner), created.id, "Who greets the new families?", "Volunteers, please.", discussions.new_key()).id


def no_stored_syntax(page: Page) -> None:
    """Neither the reply box, the preview nor the posts show the stored mention syntax."""
    expect(page.locator(".site-main")).not_to_contain_text(STORED)
    assert STORED not in page.locator("#reply-body").input_value()


def test_member_mentions_with_the_keyboard_alone_in_finnish_and_english(live_server: LiveServer, new_context, password_hash: str):
    aino = approved_member(live_server, password_hash, "Aino Kirjoittaja")
    liisa = approved_member(live_server, password_hash, "Liisa Mäkelä-Joki")
    linnea = approved_member(live_server, password_hash, "Linnea Bergholm")
    oskar = approved_member(live_server, password_hash, "Oskar Ekholm")
    thread_id = workspace_thread(live_server, aino, liisa, linnea, oskar)
    page = new_context().new_page()
    log_in(page, live_server, aino.email, PASSWORD)
    open_page(page, f"{live_server.url}/threads/{thread_id}")
    box, listbox = page.locator("#reply-body"), page.locator("#reply-body-mentions")
    expect(page.locator("#mention-select")).to_have_count(0)
    expect(page.locator("#mention-query")).to_have_count(0)

    for language, words, count in (("fi", "tervetuloa mukaan", "2 jäsentä löytyi"), ("en", "welcome aboard", "2 members found")):
        switch_language(page, language)
        # A text box that offers members (a textarea may not be a combobox), tied to its list and its active option.
        expect(page.get_by_role("textbox", name=t("Your reply (markdown)", language))).to_have_attribute("aria-controls", "reply-body-mentions")
        expect(page.locator("#mention-hint")).to_have_text(t("Type @ to mention a member: choose them from the list with the arrow keys and Enter, or click.", language))
        box.click()
        box.press_sequentially("Hei @Li")
        expect(listbox).to_be_visible()
        options = listbox.get_by_role("option")
        expect(options).to_have_count(2)
        expect(page.locator("#reply-body-mentions-status")).to_have_text(count)
        names = options.all_inner_texts()
        assert sorted(names) == sorted([liisa.name, linnea.name])
        expect(options.nth(0)).to_have_attribute("aria-selected", "true")
        if language == "fi":
            screenshots(page, "composer-mention-list")
        box.press("ArrowDown")
        expect(options.nth(1)).to_have_attribute("aria-selected", "true")
        expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
        box.press("Enter")
        expect(listbox).to_be_hidden()
        chosen = next(person for person in (liisa, linnea) if person.name == names[1])
        expect(box).to_have_value(f"Hei @{chosen.name} ")
        box.press_sequentially(words)
        page.get_by_role("button", name=t("Preview", language)).click()
        preview = page.locator("#reply-preview")
        expect(preview.get_by_role("link", name=f"@{chosen.name}")).to_have_attribute("href", f"/people/{chosen.id}")
        no_stored_syntax(page)
        page.get_by_role("button", name=t("Write", language)).click()
        expect(box).to_have_value(f"Hei @{chosen.name} {words}")
        page.get_by_role("button", name=t("Send", language)).click()
        post = page.locator(".post").filter(has_text=words)
        expect(post.get_by_role("link", name=f"@{chosen.name}")).to_have_attribute("href", f"/people/{chosen.id}")
        expect(box).to_have_value("")
        no_stored_syntax(page)
        assert_accessible(page, f"thread after a mention [{language}]")
    assert unread_for(live_server, liisa) + unread_for(live_server, linnea) >= 2
    assert unread_for(live_server, oskar) == 0

    # Escape closes the list without choosing; the words typed stay plain text.
    box.press_sequentially("@Osk")
    expect(listbox).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("@Osk")
    screenshots(page, "composer-thread")


def test_member_mentions_with_the_mouse_where_names_come_from_the_server(live_server: LiveServer, new_context, password_hash: str):
    rauha = approved_member(live_server, password_hash, "Rauha Verkostolainen")
    lea = approved_member(live_server, password_hash, "Leena Hakija")
    with live_database(live_server):
        network = networks.create(viewer_of(rauha), networks.NetworkForm(name="Mentions across towns"))
        networks.join(viewer_of(lea), network.id)
        thread = discussions.start_thread(viewer_of(rauha), network.id, "Interpreters?", "Any tips?", discussions.new_key(), kind="network")
    page = new_context().new_page()
    log_in(page, live_server, rauha.email, PASSWORD)
    open_page(page, f"{live_server.url}/threads/{thread.id}")
    box = page.locator("#reply-body")
    box.click()
    box.press_sequentially("Thanks @Leena H")
    option = page.locator("#reply-body-mentions").get_by_role("option", name=lea.name)
    expect(option).to_be_visible()
    option.click()
    expect(box).to_have_value(f"Thanks @{lea.name} ")
    expect(box).to_be_focused()
    page.get_by_role("button", name="Send").click()
    post = page.locator(".post").filter(has_text="Thanks")
    expect(post.get_by_role("link", name=f"@{lea.name}")).to_have_attribute("href", f"/people/{lea.id}")
    no_stored_syntax(page)
    assert unread_for(live_server, lea) == 1


def test_member_mentions_with_the_keyboard_when_starting_a_discussion_in_a_workspace(live_server: LiveServer, new_context, password_hash: str):
    tuuli = approved_member(live_server, password_hash, "Tuuli Aloittaja")
    pekka = approved_member(live_server, password_hash, "Pekka Peltonen")
    petra = approved_member(live_server, password_hash, "Petra Pohjola")
    with live_database(live_server):
        created = workspaces.create(viewer_of(tuuli), WorkspaceForm(name="Summer camp planning", purpose="Mentions in a new discussion"))
        with transaction() as session:
            for other in (pekka, petra):
                session.add(Membership(workspace_id=created.id, user_id=other.id))
    page = new_context().new_page()
    log_in(page, live_server, tuuli.email, PASSWORD)
    open_page(page, f"{live_server.url}/workspaces/{created.id}")
    form = page.get_by_role("form", name="Start a discussion")
    expect(form.locator("#thread-mention-hint")).to_be_visible()
    form.get_by_label("Title").fill("Who books the buses?")
    box, listbox = page.locator("#thread-body"), page.locator("#thread-body-mentions")
    box.click()
    box.press_sequentially("Hei @Pe")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    assert sorted(options.all_inner_texts()) == sorted([pekka.name, petra.name])  # never Tuuli herself
    box.press_sequentially("t")
    expect(listbox.locator("[role=option]:not([hidden])")).to_have_count(1)
    expect(listbox.get_by_role("option", name=petra.name)).to_have_attribute("aria-selected", "true")
    screenshots(page, "composer-new-thread-mention-list")
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value(f"Hei @{petra.name} ")
    box.press_sequentially("could you book them?")
    assert STORED not in box.input_value()
    form.get_by_role("button", name="Start the discussion").click()
    expect(page).to_have_url(re.compile(r"/threads/\d+"))
    opening = page.locator(".post").filter(has_text="could you book them?")
    expect(opening.get_by_role("link", name=f"@{petra.name}")).to_have_attribute("href", f"/people/{petra.id}")
    expect(page.locator(".site-main")).not_to_contain_text(STORED)
    assert unread_for(live_server, petra) == 1
    assert unread_for(live_server, pekka) == 0


def test_member_mentions_with_the_mouse_when_starting_a_discussion_in_a_network(live_server: LiveServer, new_context, password_hash: str):
    saara = approved_member(live_server, password_hash, "Saara Verkottaja")
    ville = approved_member(live_server, password_hash, "Ville Vastaaja")
    with live_database(live_server):
        network = networks.create(viewer_of(saara), networks.NetworkForm(name="New threads across towns"))
        networks.join(viewer_of(ville), network.id)
    page = new_context().new_page()
    log_in(page, live_server, saara.email, PASSWORD)
    open_page(page, f"{live_server.url}/networks/{network.id}")
    form = page.get_by_role("form", name="Start a discussion")
    form.get_by_label("Title").fill("Winter clothes")
    box = page.locator("#thread-body")
    box.click()
    box.press_sequentially("Any spares, @Vil")
    option = page.locator("#thread-body-mentions").get_by_role("option", name=ville.name)
    expect(option).to_be_visible()
    assert_accessible(page, "network page with the new thread's mention list open")
    option.click()
    expect(box).to_have_value(f"Any spares, @{ville.name} ")
    expect(box).to_be_focused()
    form.get_by_role("button", name="Start the discussion").click()
    expect(page).to_have_url(re.compile(r"/threads/\d+"))
    opening = page.locator(".post").filter(has_text="Any spares")
    expect(opening.get_by_role("link", name=f"@{ville.name}")).to_have_attribute("href", f"/people/{ville.id}")
    expect(page.locator(".site-main")).not_to_contain_text(STORED)
    assert unread_for(live_server, ville) == 1


def open_actions(page: Page, post, author: str) -> None:
    """Reach a post's action menu from the keyboard: focus its button, then Enter."""
    button = post.get_by_role("button", name=f"Actions for the post by {author}")
    expect(page.get_by_role("menu")).to_have_count(0)  # the last menu closed, its focus given back
    button.focus()
    expect(button).to_be_focused()
    button.press("Enter")
    expect(page.get_by_role("menu").get_by_role("menuitem").first).to_be_focused()


def test_member_quotes_edits_deletes_and_reports_from_the_post_menu_with_the_keyboard(live_server: LiveServer, new_context, password_hash: str):
    vilja = approved_member(live_server, password_hash, "Vilja Valikko")
    bertil = approved_member(live_server, password_hash, "Bertil Berättare")
    thread_id = workspace_thread(live_server, vilja, bertil)
    with live_database(live_server):
        discussions.reply(viewer_of(bertil), thread_id, f"@{vilja.name} I can come on Saturday.", discussions.new_key(), mentions=(vilja.id,))
        discussions.reply(viewer_of(vilja), thread_id, f"Thanks @{bertil.name}!", discussions.new_key(), mentions=(bertil.id,))
    page = new_context().new_page()
    log_in(page, live_server, vilja.email, PASSWORD)
    open_page(page, f"{live_server.url}/threads/{thread_id}")
    his = page.locator(".post").filter(has_text="I can come on Saturday.")
    mine = page.locator(".post").filter(has_text="Thanks")

    # Someone else's post: Quote and Report, no Edit; Delete because Vilja owns the workspace.
    open_actions(page, his, bertil.name)
    menu = page.get_by_role("menu")
    expect(menu.get_by_role("menuitem")).to_have_text(["Quote", "Report", "Delete"])
    assert_accessible(page, "thread with a post's menu open")
    screenshots(page, "composer-post-menu")
    page.keyboard.press("Enter")  # the first item, Quote
    expect(page.locator("#reply-body")).to_have_value(f"> **{bertil.name}:**\n> @{vilja.name} I can come on Saturday.\n\n")
    no_stored_syntax(page)

    open_actions(page, his, bertil.name)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Report")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#report-reason")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#report-reason")).to_have_count(0)

    # One's own post: Edit shows the mention as a name and saving keeps it a link.
    open_actions(page, mine, vilja.name)
    expect(page.get_by_role("menu").get_by_role("menuitem")).to_have_text(["Quote", "Edit", "Delete"])
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Edit")).to_be_focused()
    page.keyboard.press("Enter")
    editor = page.locator("#edit-body")
    expect(editor).to_have_value(f"Thanks @{bertil.name}!")
    editor.focus()
    editor.press("End")
    editor.press_sequentially(" See you.")
    page.locator("form[aria-label='Edit the post']").get_by_role("button", name="Save").press("Enter")
    expect(page.locator(".notice")).to_contain_text("The post was saved.")
    edited = page.locator(".post").filter(has_text="See you.")
    expect(edited.get_by_role("link", name=f"@{bertil.name}")).to_have_attribute("href", f"/people/{bertil.id}")
    no_stored_syntax(page)

    # And Delete, the menu's last item.
    open_actions(page, edited, vilja.name)
    page.keyboard.press("End")
    expect(page.get_by_role("menuitem", name="Delete")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".post").filter(has_text="This post was deleted.")).to_have_count(1)
    expect(page.locator(".post").filter(has_text="See you.")).to_have_count(0)
    assert re.search(r"/threads/\d+", page.url)
