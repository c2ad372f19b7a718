"""The activity journey in Chromium: an NGO's member submits a weekly language café, an admin publishes it, a visitor on a phone finds it."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import text

from partnerskap.db import transaction
from partnerskap.models.base import utcnow
from tests.browser.axe import assert_accessible
from tests.browser.test_membership_journey import log_in, open_page
from tests.browser.test_workspace_journey import approved_member, live_database
from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, LiveServer

CAFE_FI = "Kielikahvila Tapiolassa"
CAFE_SV = "Språkcafé i Hagalund"
PHONE = {"width": 360, "height": 740}


def fill_the_cafe(page: Page, *, for_review: bool = True) -> None:
    """The member writes a weekly language café in Finnish and Swedish, held on Tuesday evenings in Espoo."""
    page.locator("#activity-name_fi").fill(CAFE_FI)
    page.locator("#activity-description_fi").fill("Harjoitellaan suomea kahvin ääressä. Kaikki tasot tervetulleita!")
    page.locator("#activity-plain_fi").fill("Puhumme suomea. Kahvi on ilmainen.")
    page.locator("#activity-name_sv").fill(CAFE_SV)
    page.locator("#activity-description_sv").fill("Vi övar finska och svenska över en kopp kaffe.")
    page.locator("#activity-kind").select_option("language-cafe")
    for code in ("fi", "sv"):
        page.locator(f"#activity-languages-{code}").check()
    page.locator("#activity-target_groups-newcomers").check()
    page.locator("#activity-themes-language").check()
    page.locator("#activity-municipality").select_option("espoo")
    page.locator("#activity-address").fill("Kirjastokatu 3, 02100 Espoo")
    page.locator("#activity-latitude").fill("60.1756")
    page.locator("#activity-longitude").fill("24.8049")
    page.locator("#activity-recurrence").select_option("weekly")
    page.locator("#activity-days-tue").check()
    page.locator("#activity-start_date").fill((utcnow() - timedelta(days=7)).strftime("%Y-%m-%d"))
    page.locator("#activity-start_time").fill("17:30")
    page.locator("#activity-end_time").fill("19:00")
    page.locator("#activity-step_free").check()
    if for_review:
        page.locator("#activity-for_review").check()


def open_data(server: LiveServer, query: str) -> tuple[dict, list[dict], str]:
    """The JSON, CSV and iCalendar of a search, parsed with the standard library (iCalendar: its VEVENT summaries, unfolded)."""
    document = json.loads(httpx.get(f"{server.url}/activities.json?{query}").text)
    rows = list(csv.DictReader(io.StringIO(httpx.get(f"{server.url}/activities.csv?{query}").text)))
    calendar = httpx.get(f"{server.url}/activities.ics?{query}").text.replace("\r\n ", "")
    return document, rows, calendar


def test_member_submits_admin_publishes_visitor_on_a_phone_finds_it_until_it_lapses(live_server: LiveServer, new_context, password_hash: str):
    organiser = approved_member(live_server, password_hash, "Leena Kielikahvila")
    member = new_context().new_page()
    log_in(member, live_server, organiser.email, "correct horse battery staple")
    open_page(member, live_server.url + "/activities")
    member.get_by_role("link", name="My activities").click()
    expect(member).to_have_url(re.compile(r"/my-activities/?$"))
    member.get_by_role("link", name="Add an activity").click()
    expect(member.locator("#activity-name_fi")).to_be_visible()
    expect(member.locator("#activity-organisation")).to_have_value("Kielikahvila ry")
    assert_accessible(member, "activity form")

    fill_the_cafe(member)
    member.locator("#activity-description_fi").fill("Tervetuloa! <script>alert('hei')</script>")
    member.get_by_role("button", name="Save", exact=True).click()
    expect(member.locator("#activity-description_fi-error")).to_contain_text("Remove the HTML")
    assert live_server.query("SELECT count(*) FROM activity WHERE name_fi = :name", name=CAFE_FI)[0][0] == 0

    member.locator("#activity-description_fi").fill("Harjoitellaan suomea kahvin ääressä. Kaikki tasot tervetulleita!")
    member.get_by_role("button", name="Save", exact=True).click()
    expect(member).to_have_url(re.compile(r"/my-activities/?$"))
    expect(member.get_by_text("Waiting for review")).to_be_visible()

    admin = new_context().new_page()
    log_in(admin, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(admin, live_server.url + "/admin/activities")
    expect(admin.get_by_text(CAFE_FI)).to_be_visible()
    admin.get_by_role("button", name="Julkaise").click()  # the first administrator reads Finnish
    expect(admin.get_by_text("Toiminta on julkaistu.")).to_be_visible()
    expect(admin.get_by_text("Mikään ei odota tarkastusta.")).to_be_visible()

    visitor_context = new_context(locale="fi-FI")
    visitor = visitor_context.new_page()
    visitor.set_viewport_size(PHONE)
    open_page(visitor, live_server.url + "/")
    visitor.get_by_role("button", name="Valikko").click()  # on a phone the navigation is in the menu
    visitor.get_by_role("menu").get_by_role("link", name="Toiminta").click()
    expect(visitor).to_have_url(re.compile(r"/activities/?$"))
    visitor.locator("#municipality").select_option("espoo")
    visitor.locator("#language").select_option("sv")
    visitor.locator("#day").select_option("tue")
    visitor.get_by_role("button", name="Hae", exact=True).click()
    expect(visitor).to_have_url(re.compile(r"/activities\?municipality=espoo&language=sv&day=tue$"))
    result = visitor.get_by_role("link", name=CAFE_FI)
    expect(result).to_be_visible()
    expect(visitor.locator(".activity-map .leaflet-container")).to_be_visible()  # the map is drawn, its marker too, whether or not tiles arrive
    expect(visitor.locator(".activity-map path.leaflet-interactive")).to_have_count(1)
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the directory scrolls sideways on a phone"
    expect(visitor.get_by_role("link", name="CC BY 4.0")).to_be_visible()  # the licence of the open data
    assert_accessible(visitor, "directory on a phone")

    shared = visitor_context.new_page()  # the address holds the search: opened anew, it finds the same
    shared.set_viewport_size(PHONE)
    open_page(shared, visitor.url)
    expect(shared.get_by_role("link", name=CAFE_FI)).to_be_visible()
    expect(shared.locator("#municipality")).to_have_value("espoo")

    result.click()
    expect(visitor).to_have_url(re.compile(r"/activities/\d+$"))
    expect(visitor.locator("#activity-name")).to_have_text(CAFE_FI)
    expect(visitor.locator(".next-dates li").first).to_be_visible()
    expect(visitor.get_by_text("Esteetön kulku")).to_be_visible()
    structured = json.loads(visitor.locator("script[type='application/ld+json']").text_content())
    assert (structured["@type"], structured["location"]["@type"], structured["eventSchedule"]["byDay"]) == ("Event", "Place", ["https://schema.org/Tuesday"])
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(visitor, "activity page on a phone")
    page_url = visitor.url

    query = "municipality=espoo&language=sv&day=tue"
    document, rows, calendar = open_data(live_server, query)
    assert [item["name"]["sv"] for item in document["activities"]] == [CAFE_SV]
    assert document["licence"]["name"] == "CC BY 4.0"
    assert "@" not in json.dumps(document["activities"][0]["contact"]), "no contact e-mail was published, so none is shared"
    assert [row["name_fi"] for row in rows] == [CAFE_FI]
    assert calendar.startswith("BEGIN:VCALENDAR") and f"SUMMARY:{CAFE_FI}" in calendar
    assert httpx.get(f"{live_server.url}/activities.json?page=two").json()["parameters"]["page"]

    with live_database(live_server), transaction() as session:  # the organiser never confirms: the reminder and grace periods pass
        session.execute(text("UPDATE activity SET confirmed_at = :long_ago WHERE name_fi = :name"), {"long_ago": utcnow() - timedelta(days=400), "name": CAFE_FI})

    visitor.goto(page_url)
    expect(visitor.get_by_text("Tätä toimintaa ei ole (enää) hakemistossa.")).to_be_visible()
    open_page(visitor, f"{live_server.url}/activities?{query}")
    expect(visitor.get_by_text("Haulla ei löytynyt toimintaa.")).to_be_visible()
    document, rows, calendar = open_data(live_server, query)
    assert (document["activities"], rows) == ([], [])
    assert CAFE_FI not in calendar


SAUNA = "Saunailta ja suomen kieli"


def test_organiser_drafts_is_sent_back_edits_confirms_and_removes_while_admin_keeps_the_lists(live_server: LiveServer, new_context, password_hash: str):
    admin = new_context().new_page()
    log_in(admin, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(admin, live_server.url + "/admin/activities")
    admin.locator("#choice-list").select_option("kind")
    admin.locator("#choice-code").fill("sauna-evening")
    admin.locator("#choice-label_fi").fill("Saunailta")
    admin.locator("#choice-label_sv").fill("Bastukväll")
    admin.locator("#choice-label_en").fill("Sauna evening")
    admin.get_by_role("button", name="Lisää luetteloon").click()
    expect(admin.get_by_text("kind: sauna-evening")).to_be_visible()
    assert_accessible(admin, "activity review")

    organiser = approved_member(live_server, password_hash, "Mirja Saunaseura")
    member = new_context().new_page()
    log_in(member, live_server, organiser.email, "correct horse battery staple")
    open_page(member, live_server.url + "/my-activities/edit")
    fill_the_cafe(member, for_review=False)
    member.locator("#activity-name_fi").fill(SAUNA)
    member.locator("#activity-name_sv").fill("")
    member.locator("#activity-description_sv").fill("")
    member.locator("#activity-kind").select_option("sauna-evening")
    member.locator("#activity-languages-sv").uncheck()
    member.locator("#activity-target_groups-women").check()
    member.locator("#activity-themes-wellbeing").check()
    member.locator("#activity-days-tue").uncheck()
    member.locator("#activity-days-wed").check()
    member.locator("#activity-start_time").fill("18:00")
    member.locator("#activity-end_time").fill("20:00")
    member.get_by_role("button", name="Save", exact=True).click()
    expect(member).to_have_url(re.compile(r"/my-activities/?$"))
    expect(member.get_by_text("Draft", exact=True)).to_be_visible()
    member.get_by_role("button", name="Send for review").click()
    expect(member.get_by_text("Waiting for review", exact=True)).to_be_visible()
    assert_accessible(member, "my activities")

    admin.reload()
    expect(admin.get_by_text(SAUNA)).to_be_visible()
    admin.locator("textarea[name=note]").fill("Lisätkää osoitteeseen kerros, kiitos.")
    admin.get_by_role("button", name="Palauta").click()
    expect(admin.get_by_text("Järjestäjä näkee viestisi.")).to_be_visible()

    member.reload()
    expect(member.get_by_text("Sent back", exact=True)).to_be_visible()
    expect(member.get_by_text("Lisätkää osoitteeseen kerros, kiitos.")).to_be_visible()
    member.get_by_role("button", name="Send for review").click()
    expect(member.get_by_text("Waiting for review", exact=True)).to_be_visible()
    admin.reload()
    admin.get_by_role("button", name="Julkaise").click()
    expect(admin.get_by_text("Toiminta on julkaistu.")).to_be_visible()

    member.reload()
    member.get_by_role("link", name="Edit").click()
    expect(member.locator("#activity-name_fi")).to_have_value(SAUNA)
    member.locator("#activity-name_fi").fill(SAUNA + " (2. krs)")
    member.get_by_role("button", name="Save", exact=True).click()
    expect(member.get_by_text("Change waiting for review")).to_be_visible()
    activity_id = live_server.query("SELECT id FROM activity WHERE name_fi = :name", name=SAUNA)[0][0]

    visitor = new_context().new_page()
    visitor.set_viewport_size(PHONE)
    open_page(visitor, f"{live_server.url}/activities/{activity_id}")
    expect(visitor.locator("#activity-name")).to_have_text(SAUNA)  # the change waits for review
    admin.reload()
    expect(admin.get_by_text("Muutos julkaistuun toimintaan")).to_be_visible()
    admin.get_by_role("button", name="Julkaise").click()
    expect(admin.get_by_text("Mikään ei odota tarkastusta.")).to_be_visible()
    visitor.reload()
    expect(visitor.locator("#activity-name")).to_have_text(SAUNA + " (2. krs)")

    open_page(visitor, live_server.url + "/activities")
    visitor.locator("#q").fill("saunailta")
    visitor.locator("#region").select_option("uusimaa")
    visitor.locator("#target").select_option("women")
    visitor.locator("#theme").select_option("wellbeing")
    visitor.locator("#time").select_option("evening")
    visitor.locator("#free").check()
    visitor.get_by_role("button", name="Search", exact=True).click()
    expect(visitor).to_have_url(re.compile(r"q=saunailta&region=uusimaa&target=women&theme=wellbeing&time=evening&free=1$"))
    expect(visitor.get_by_role("link", name=SAUNA + " (2. krs)")).to_be_visible()
    visitor.locator("#online").check()
    visitor.get_by_role("button", name="Search", exact=True).click()
    expect(visitor).to_have_url(re.compile(r"&online=1$"))
    expect(visitor.get_by_text("No activities match the search.")).to_be_visible()

    with live_database(live_server), transaction() as session:  # six months and a week later, within the grace period
        session.execute(text("UPDATE activity SET confirmed_at = :then WHERE id = :id"), {"then": utcnow() - timedelta(days=190), "id": activity_id})
    member.reload()
    member.get_by_role("button", name="Confirm it still runs").click()
    expect(member.get_by_text("Thank you: the activity stays in the directory.")).to_be_visible()
    expect(member.get_by_role("button", name="Confirm it still runs")).to_have_count(0)

    member.get_by_role("button", name="Remove").click()
    expect(member.get_by_text("You have not added any activities yet.")).to_be_visible()
    visitor.goto(f"{live_server.url}/activities/{activity_id}")
    expect(visitor.get_by_text("This activity is not in the directory (any more).")).to_be_visible()
