"""Every page of the app in Chromium, as a visitor, a member, a workspace owner and an administrator, in Finnish, Swedish
and English: axe finds no serious or critical WCAG 2.1 A/AA violation, the page fits a 360 px phone without sideways
scrolling, the skip link moves focus to the content; screenshots of the main pages at 1280 and 360 px; the result is
kept for the accessibility statement.

Each person's sweep takes the routes in thirds, one language each, and each person starts from another language, so
the visitor, the member and the owner between them see every page in all three languages (a sweep per person and
language would take nine more minutes)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from playwright.sync_api import Page, expect

from partnerskap import pwa
from partnerskap.partnerskap import PAGES
from partnerskap.services import discussions, networks, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from partnerskap.i18n import LANGUAGES, t
from tests.browser.axe import assert_accessible, describe, violations
from tests.browser.test_home_journey import SCREENSHOTS, WIDTHS
from tests.browser.test_membership_journey import log_in, open_page, switch_language
from tests.browser.test_workspace_journey import approved_member, live_database, viewer_of
from tests.conftest import PASSWORD
from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, LiveServer

PHONE_WIDTH = 360
# The pages a reviewer looks at first, shot at desktop and phone width for each person.
MAIN_PAGES = {"/", "/home", "/workspaces", "/workspaces/{workspace}", "/threads/{thread}", "/notifications", "/people", "/admin", "/moderation", "/accessibility"}
CHECK_RESULT = pwa.ROOT / "docs" / "accessibility-check.json"
_results: dict[str, dict] = {}


def _address(route: str, ids: dict[str, int]) -> str:
    """The route with its parameters filled in: the journey's own workspace, thread, network and person, else 1."""
    named = {"workspace_id": "{workspace}", "thread_id": "{thread}", "network_id": "{network}", "person_id": "{person}"}
    return re.sub(r"\[([^\]]+)\]", lambda match: named.get(match.group(1), "1"), route).format(**ids)


@pytest.fixture(scope="module")
def places(live_server: LiveServer, password_hash: str) -> dict[str, int]:
    """A workspace with a thread, a network and a member, so the pages that show one show something."""
    owner = approved_member(live_server, password_hash, "Paula Pagesweep")
    member = approved_member(live_server, password_hash, "Mikko Pagesweep")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(owner), WorkspaceForm(name="Sweep Reading Circle", purpose="Books in plain language, read together.", access="open", language="en"))
        workspaces.join(viewer_of(member), workspace.id)
        thread = discussions.start_thread(viewer_of(owner), workspace.id, "Next book", "Shall we read Tove Jansson?", discussions.new_key())
        network = networks.create(viewer_of(owner), networks.NetworkForm(name="Sweep Libraries Network", purpose="Libraries that run reading circles."))
    return {"workspace": workspace.id, "thread": thread.id, "network": network.id, "person": owner.id, "owner_email": owner.email, "member_email": member.email}


def _language_of(index: int, count: int, first: int) -> str:
    """The language of a sweep's route: the routes in thirds, the sweep's first third in LANGUAGES[first]."""
    return LANGUAGES[(index * 3 // count + first) % len(LANGUAGES)]


def _check_every_page(page: Page, server: LiveServer, ids: dict, who: str, first_language: int) -> list[str]:
    """Visit every route at phone width, in thirds of fi, sv and en: axe and the document's width; screenshots of the main pages.

    A member's language is their account's: the sweep leaves it as it found it.
    """
    problems = []
    checked = 0
    routes = sorted({route for _component, route, _loaders in PAGES})
    languages: set[str] = set()
    started_in = shown_in = ""
    try:
        for index, route in enumerate(routes):
            address = _address(route, ids)
            page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
            open_page(page, server.url + address)
            started_in = started_in or page.locator("html").get_attribute("lang")
            wanted = _language_of(index, len(routes), first_language)
            if wanted != (shown_in or started_in):
                _switch_language(page, wanted)
            shown_in = wanted
            languages.add(wanted)
            page.wait_for_load_state("networkidle")
            problems += _check_page(page, route, address, who, wanted)
            checked += 1
    finally:
        if shown_in and shown_in != started_in:
            _switch_language(page, started_in)
    _results[who] = {"pages": checked, "problems": len(problems), "languages": sorted(languages)}
    return problems


def _switch_language(page: Page, language: str) -> None:
    """Switch with the header's buttons, which a desktop's width shows, and come back to the phone's."""
    page.set_viewport_size({"width": 1280, "height": 900})
    switch_language(page, language)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})


def _check_page(page: Page, route: str, address: str, who: str, language: str) -> list[str]:
    """axe and the document's width at phone width; screenshots of a main page at both widths."""
    problems = [f"{who} {address} [{language}]: {describe(violation)}" for violation in violations(page)]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        wide = page.evaluate(
            f"[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > {PHONE_WIDTH} + 1).slice(-3).map((e) => e.tagName + '.' + e.className)"
        )
        problems.append(f"{who} {address} [{language}]: {width} px wide at {PHONE_WIDTH} px, e.g. {wide}")
    template = route.replace("[workspace_id]", "{workspace}").replace("[thread_id]", "{thread}")
    if template in MAIN_PAGES:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = f"{who}-{template.strip('/').replace('/', '-').replace('{', '').replace('}', '') or 'front'}"
        for label, viewport in WIDTHS.items():
            page.set_viewport_size({"width": viewport, "height": 900})
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    return problems


def test_every_page_as_a_visitor_is_accessible_and_fits_a_phone(live_server: LiveServer, new_context, places):
    page = new_context().new_page()
    problems = _check_every_page(page, live_server, places, "visitor", first_language=0)
    assert not problems, "\n".join(problems)


def test_every_page_as_a_member_is_accessible_and_fits_a_phone(live_server: LiveServer, new_context, places):
    page = new_context().new_page()
    log_in(page, live_server, places["member_email"], PASSWORD)
    problems = _check_every_page(page, live_server, places, "member", first_language=1)
    assert not problems, "\n".join(problems)


def test_every_page_as_a_workspace_owner_is_accessible_and_fits_a_phone(live_server: LiveServer, new_context, places):
    page = new_context().new_page()
    log_in(page, live_server, places["owner_email"], PASSWORD)
    problems = _check_every_page(page, live_server, places, "owner", first_language=2)
    assert not problems, "\n".join(problems)


def test_every_page_as_an_administrator_is_accessible_and_fits_a_phone(live_server: LiveServer, new_context, places):
    page = new_context().new_page()
    log_in(page, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    problems = _check_every_page(page, live_server, places, "admin", first_language=0)
    assert not problems, "\n".join(problems)


def test_skip_link_moves_focus_to_the_content(live_server: LiveServer, new_context, places):
    page = new_context().new_page()
    log_in(page, live_server, places["member_email"], PASSWORD)
    open_page(page, f"{live_server.url}/threads/{places['thread']}")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")  # the next Tab continues inside the content, not in the header
    assert page.evaluate("Boolean(document.activeElement.closest('main'))")


def test_visitor_who_asks_for_less_motion_gets_no_animations_or_transitions(live_server: LiveServer, new_context):
    context = new_context()
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")
    open_page(page, live_server.url + "/news")
    durations = page.evaluate(
        "[...document.querySelectorAll('button, a')].flatMap((e) => { const style = getComputedStyle(e); return [style.transitionDuration, style.animationDuration]; })"
    )
    longest = max(float(part.strip().rstrip("s")) for duration in durations for part in duration.split(","))
    assert longest < 0.001, durations


def test_visitor_reports_a_barrier_in_finnish_and_the_administrator_reads_it_in_notifications(live_server: LiveServer, new_context):
    page = new_context(locale="fi-FI").new_page()
    open_page(page, live_server.url + "/accessibility")
    switch_language(page, "fi")
    expect(page.get_by_role("heading", name=t("Known gaps", "fi"))).to_be_visible()
    expect(page.locator("#last-check")).to_be_visible()
    expect(page.get_by_role("link", name="saavutettavuusvaatimukset.fi")).to_have_attribute("href", "https://www.saavutettavuusvaatimukset.fi/")
    page.get_by_label(t("What did you find, and on which page?", "fi")).fill("   ")  # only spaces: refused beside the field
    page.get_by_label(t("Your e-mail address for the answer", "fi")).fill("lukija.saavutettavuus@example.org")
    page.get_by_role("button", name=t("Send feedback", "fi")).click()
    expect(page.locator("#feedback-text-error")).to_have_text(t("Describe the barrier you found.", "fi"))
    page.get_by_label(t("What did you find, and on which page?", "fi")).fill("Tapahtumasivun kalenteria ei voi käyttää näppäimistöllä.")
    page.get_by_role("button", name=t("Send feedback", "fi")).click()
    expect(page.locator("#feedback-sent")).to_have_text(t("Thank you. The administrators received your feedback and will answer within 14 days.", "fi"))
    assert_accessible(page, "accessibility statement after feedback [fi]")

    admin = new_context().new_page()
    log_in(admin, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(admin, live_server.url + "/notifications")
    expect(admin.get_by_text("Tapahtumasivun kalenteria ei voi käyttää näppäimistöllä.", exact=False)).to_be_visible()
    expect(admin.get_by_text("lukija.saavutettavuus@example.org", exact=False).first).to_be_visible()


def test_the_result_of_the_check_is_kept_for_the_accessibility_statement():
    """Runs last in this file: writes the date and result of this run's check, which the statement shows."""
    assert set(_results) == {"visitor", "member", "owner", "admin"}, "run the whole file: the statement reports every person"
    assert all(result["languages"] == sorted(LANGUAGES) for result in _results.values())
    problems = sum(result["problems"] for result in _results.values())
    CHECK_RESULT.write_text(
        json.dumps(
            {
                "date": datetime.date.today().isoformat(),
                "tool": "axe-core (WCAG 2.1 A and AA), document width at 360 px; every page in fi, sv and en across the visitor, member and owner",
                "pages": {who: result["pages"] for who, result in _results.items()},
                "languages": sorted(LANGUAGES),
                "serious_or_critical_problems": problems,
            },
            indent=2,
        )
        + "\n"
    )
