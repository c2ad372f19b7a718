"""The content journey in Chromium: an admin makes an editor, who publishes news in Finnish and Swedish with a plain version; visitors read it."""

from __future__ import annotations

import re
import struct
import zlib

import httpx
import icalendar
from playwright.sync_api import Page, expect

from partnerskap.db import transaction
from partnerskap.models import Role, User
from partnerskap.services import content
from partnerskap.services.content import ItemForm, VersionForm
from tests.browser.axe import assert_accessible
from tests.browser.test_membership_journey import log_in, open_page, switch_language
from tests.browser.test_workspace_journey import (
    approved_member,
    live_database,
    viewer_of,
)
from tests.conftest import PASSWORD
from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, LiveServer

SLUG = "varseminarium-2027"
FI = ("Kevätseminaari 2027", "Seminaari kotoutumisen toimijoille.", "Ohjelmassa **puheenvuoroja** ja paneeli.")
SV = ("Vårseminarium 2027", "Seminarium för aktörer inom integration.", "På programmet står **anföranden** och en panel.")
SV_PLAIN = ("Vårseminarium 2027 på lättläst svenska", "Vi ses på ett seminarium. Vi pratar om jobb och språk.")


def png() -> bytes:
    """A small red PNG picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def write_version(page: Page, key: str, title: str, body: str, description: str = "") -> None:
    """Open one language version in the editor, write it and save it."""
    page.locator(f"#version-{key}").click()
    expect(page.locator(f"#version-{key}")).to_have_attribute("aria-pressed", "true")
    page.locator("#version-title").fill(title)
    page.locator("#version-description").fill(description)
    page.locator("#version-body").fill(body)
    page.get_by_role("button", name="Save this language").click()
    expect(page.locator(".notice")).to_contain_text("Saved.")
    page.get_by_role("button", name="Close").click()


def test_editor_publishes_news_that_visitors_read_in_their_language_and_in_plain_language(live_server: LiveServer, new_context, password_hash: str):
    ella = approved_member(live_server, password_hash, "Ella Redaktör")

    # The administrator makes Ella an editor.
    admin = new_context().new_page()
    log_in(admin, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    switch_language(admin, "en")
    open_page(admin, live_server.url + "/admin")
    admin.get_by_role("button", name="Members", exact=True).click()
    card = admin.locator(".rt-Card").filter(has=admin.get_by_role("heading", name=ella.name))
    card.get_by_role("button", name="Make editor").click()
    expect(card).to_contain_text("Role: Editor")
    assert live_server.query('SELECT role FROM "user" WHERE id = :id', id=ella.id)[0][0] == "editor"
    assert live_server.query("SELECT action FROM auditentry WHERE target_user_id = :id", id=ella.id)[0][0] == "role.grant_editor"

    # Ella writes a news item in Finnish and Swedish, with a plain Swedish version, and publishes it.
    editor = new_context().new_page()
    log_in(editor, live_server, ella.email, PASSWORD)
    editor.get_by_role("link", name="Content", exact=True).click()
    expect(editor).to_have_url(re.compile(r"/editor/?$"))
    editor.get_by_role("link", name="New item").click()
    editor.locator("#item-kind").select_option("news")
    editor.locator("#item-slug").fill(SLUG)
    editor.locator("#item-default_language").select_option("fi")
    editor.get_by_role("button", name="Save item").click()
    expect(editor).to_have_url(re.compile(r"/editor/\d+/?$"))
    expect(editor.locator("#version-fi")).to_be_visible()
    write_version(editor, "fi", FI[0], FI[2], FI[1])
    write_version(editor, "sv", SV[0], SV[2], SV[1])
    write_version(editor, "sv-plain", SV_PLAIN[0], SV_PLAIN[1])
    editor.locator("#content-image-upload input[type=file]").set_input_files([{"name": "poster.png", "mimeType": "image/png", "buffer": png()}])
    expect(editor.locator(".notice")).to_contain_text("The picture is saved.")
    editor.get_by_role("button", name="Publish", exact=True).click()
    expect(editor.locator("#item-status")).to_contain_text("Published")
    assert_accessible(editor, "content editor")
    editor.get_by_role("link", name="All content").click()
    row = editor.locator("tr").filter(has_text=FI[0])
    expect(row.locator(".parity-en")).to_have_text("Missing")
    expect(row.locator(".parity-sv")).to_contain_text("Lättläst")

    # A Swedish visitor finds it on the front page in Swedish and switches to lättläst, which the browser remembers.
    swede = new_context(locale="sv-SE").new_page()
    open_page(swede, live_server.url + "/")
    expect(swede.locator(".site")).to_have_attribute("lang", "sv")
    swede.get_by_role("link", name=SV[0]).click()
    expect(swede.locator("#item-title")).to_have_text(SV[0])
    expect(swede.locator("#item-body")).to_contain_text("anföranden")
    assert_accessible(swede, "news item in Swedish")
    swede.locator("#plain-switch").click()
    expect(swede.locator("#item-title")).to_have_text(SV_PLAIN[0])
    expect(swede.locator("#item-body")).to_contain_text("Vi pratar om jobb och språk.")
    swede.reload()
    expect(swede.locator("#item-title")).to_have_text(SV_PLAIN[0])
    swede.locator("#plain-switch").click()
    expect(swede.locator("#item-title")).to_have_text(SV[0])

    # An English visitor hears that it is not in English, and is offered the versions that exist.
    english = new_context(locale="en-GB").new_page()
    open_page(english, f"{live_server.url}/news/{SLUG}")
    notice = english.locator("#missing-language")
    expect(notice).to_contain_text("This is not available in English.")
    expect(notice.get_by_role("link", name="Suomi")).to_have_attribute("href", re.compile(rf"/news/{SLUG}\?lang=fi$"))
    notice.get_by_role("link", name="Svenska").click()
    expect(english.locator("#item-title")).to_have_text(SV[0])
    assert_accessible(english, "news item read in Swedish by an English visitor")

    # A crawler without JavaScript gets the title, the description, the alternates and a link preview.
    crawled = httpx.get(f"{live_server.url}/news/{SLUG}?lang=sv", timeout=30)
    assert crawled.status_code == 200
    assert f"<title>{SV[0]} · Partnerskap</title>" in crawled.text
    assert f'<meta name="description" content="{SV[1]}">' in crawled.text
    for language in ("fi", "sv"):
        assert f'hreflang="{language}" href="{live_server.url}/news/{SLUG}?lang={language}"' in crawled.text
    assert f'<meta property="og:title" content="{SV[0]}">' in crawled.text
    assert crawled.headers["cache-control"] == "public, max-age=60"
    assert f"<loc>{live_server.url}/news/{SLUG}</loc>" in httpx.get(f"{live_server.url}/sitemap.xml", timeout=30).text


def test_visitors_see_public_events_and_members_say_they_will_attend(live_server: LiveServer, new_context, password_hash: str):
    olli = approved_member(live_server, password_hash, "Olli Osallistuja")
    eero = approved_member(live_server, password_hash, "Eero Toimittaja")
    with live_database(live_server):
        with transaction() as session:
            session.get(User, eero.id).role = Role.EDITOR
        editor = viewer_of(eero)
        item = content.save_item(editor, 0, ItemForm(kind="event", slug="verkostoaamu", starts="2030-05-02 09:00", ends="2030-05-02 10:00", place="Kotka"))
        content.save_version(editor, item.id, VersionForm(language="fi", title="Verkostoaamu", description="Aamukahvit verkostolle."))
        content.save_version(editor, item.id, VersionForm(language="en", title="Network morning", description="Morning coffee for the network."))
        content.publish(editor, item.id)

    calendar = icalendar.Calendar.from_ical(httpx.get(f"{live_server.url}/events.ics", timeout=30).content)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Verkostoaamu"]

    visitor = new_context().new_page()
    open_page(visitor, live_server.url + "/events")
    visitor.get_by_role("link", name="Network morning").click()
    expect(visitor.locator("#item-title")).to_have_text("Network morning")
    expect(visitor.locator(".rt-Card")).to_contain_text("2030")
    expect(visitor.locator(".rt-Card")).to_contain_text("Kotka")
    expect(visitor.get_by_role("button", name="I will attend")).to_have_count(0)

    member = new_context().new_page()
    log_in(member, live_server, olli.email, PASSWORD)
    open_page(member, live_server.url + "/events/verkostoaamu")
    member.get_by_role("button", name="I will attend").click()
    expect(member.locator("#attending-count")).to_have_text("1")
    assert_accessible(member, "event page for a member")
    member.get_by_role("button", name="I will not attend after all").click()
    expect(member.locator("#attending-count")).to_have_text("0")
    expect(visitor.locator(".report-control")).to_have_count(0)  # visitors do not report; members do
    member.locator("article .report-control").click()
    member.locator("#report-reason").select_option("other")
    member.locator("#report-note").fill("The year looks wrong")
    member.get_by_role("button", name="Send the report").click()
    expect(member.get_by_text("Thank you. Your report arrived and the moderators will look at it.")).to_be_visible()
    assert live_server.query("SELECT item_kind FROM moderationcase WHERE item_id = (SELECT id FROM contentitem WHERE slug = 'verkostoaamu')") == [("content",)]
    open_page(member, live_server.url + "/news")
    member.get_by_role("button", name="Follow the news").click()
    expect(member.get_by_role("button", name="Stop following the news")).to_be_visible()
    assert live_server.query("SELECT user_id FROM newsfollower")[0][0] == olli.id
    member.get_by_role("button", name="Stop following the news").click()
    expect(member.get_by_role("button", name="Follow the news")).to_be_visible()
    assert live_server.query("SELECT user_id FROM newsfollower") == []


def test_editor_keeps_languages_in_step_restores_text_and_archives_while_admin_arranges_services(live_server: LiveServer, new_context, password_hash: str):
    ville = approved_member(live_server, password_hash, "Ville Versio")
    admin = new_context().new_page()
    log_in(admin, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    switch_language(admin, "en")
    open_page(admin, live_server.url + "/admin/services")
    admin.locator("#services-links").fill("Kotoutuminen.fi | Integration.fi | Integration.fi | https://kotoutuminen.fi\nBad line")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator("#services-links-error")).to_contain_text("Each line needs a Finnish, a Swedish and an English title")
    admin.locator("#services-links").fill("Kotoutuminen.fi | Integration.fi | Integration.fi | https://kotoutuminen.fi")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".notice")).to_contain_text("Saved.")
    open_page(admin, live_server.url + "/admin")
    admin.get_by_role("button", name="Members", exact=True).click()
    card = admin.locator(".rt-Card").filter(has=admin.get_by_role("heading", name=ville.name))
    card.get_by_role("button", name="Make editor").click()
    expect(card.get_by_role("button", name="Remove editor role")).to_be_visible()

    editor = new_context().new_page()
    log_in(editor, live_server, ville.email, PASSWORD)
    open_page(editor, live_server.url + "/editor/new")
    editor.locator("#item-kind").select_option("page")
    editor.locator("#item-slug").fill("yhteystiedot")
    editor.get_by_role("button", name="Save item").click()
    expect(editor).to_have_url(re.compile(r"/editor/\d+/?$"))
    write_version(editor, "fi", "Yhteystiedot", "Ensimmäinen versio.")
    write_version(editor, "en", "Contact", "First version.")
    write_version(editor, "fi", "Yhteystiedot (päivitetty)", "Toinen versio.")
    editor.locator("#version-en").click()
    editor.get_by_role("button", name="Mark this translation outdated").click()
    expect(editor.locator(".notice")).to_contain_text("Marked as outdated.")
    editor.locator("tr").filter(has_text="Yhteystiedot").filter(has_not_text="päivitetty").get_by_role("button", name="Restore").click()
    expect(editor.locator(".notice")).to_contain_text("The earlier text is back.")
    editor.locator("#version-fi").click()
    expect(editor.locator("#version-title")).to_have_value("Yhteystiedot")
    editor.get_by_role("button", name="Publish", exact=True).click()
    expect(editor.locator("#item-status")).to_contain_text("Published")

    visitor = new_context(locale="en-GB").new_page()
    open_page(visitor, live_server.url + "/info/yhteystiedot")
    expect(visitor.locator("#item-title")).to_have_text("Contact")
    expect(visitor.get_by_text("This translation may be out of date.")).to_be_visible()
    open_page(visitor, live_server.url + "/")
    expect(visitor.get_by_role("link", name="Integration.fi")).to_have_attribute("href", "https://kotoutuminen.fi")

    editor.get_by_role("button", name="Archive").click()
    expect(editor.locator("#item-status")).to_contain_text("Archived")
    open_page(visitor, live_server.url + "/info/yhteystiedot")
    expect(visitor.locator("main")).to_contain_text("This content does not exist.")
    editor.get_by_role("button", name="Back to draft").click()
    expect(editor.locator("#item-status")).to_contain_text("Draft")

    card.get_by_role("button", name="Remove editor role").click()
    expect(card.get_by_role("button", name="Make editor")).to_be_visible()
