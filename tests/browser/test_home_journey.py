"""The member's home in Chromium: login leads there; my workspaces with unread counts, news since my last visit,
invitations to answer and what waits for an administrator; in Finnish and Swedish; axe on the page."""

from __future__ import annotations

import io
import re

from PIL import Image

from playwright.sync_api import expect

from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import calendar, discussions, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from tests.browser.axe import assert_accessible
from tests.browser.test_membership_journey import log_in, open_page, switch_language
from tests.browser.test_workspace_journey import approved_member, live_database, viewer_of
from tests.conftest import PASSWORD
from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, ROOT, LiveServer

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 360}


def screenshots(page, name: str) -> None:
    """The page as a reviewer sees it, at desktop and phone width (test-artifacts/screenshots, not in git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 110, 160)).save(out, "JPEG")
    return out.getvalue()


def test_member_lands_on_a_home_with_workspaces_news_and_invitations(live_server: LiveServer, new_context, password_hash: str):
    olga = approved_member(live_server, password_hash, "Olga Nieminen")
    sami = approved_member(live_server, password_hash, "Sami Korhonen")
    with live_database(live_server):
        choir = workspaces.create(viewer_of(olga), WorkspaceForm(name="Home Choir", purpose="Singing together on Sundays"))
        board = workspaces.create(viewer_of(olga), WorkspaceForm(name="Home Board", purpose="Only the board", access="invitation"))
        workspaces.join(viewer_of(sami), choir.id)
        discussions.start_thread(viewer_of(olga), choir.id, "Sunday programme", "Which songs?", "home-journey-thread")
        calendar.add_event(viewer_of(olga), choir.id, calendar.EventForm(title="Sunday concert", starts="2099-03-01T15:00", ends="2099-03-01T17:00"))
        workspaces.invite(viewer_of(olga), board.id, sami.email)

    page = new_context(locale="fi-FI").new_page()
    log_in(page, live_server, sami.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/?$"))
    switch_language(page, "fi")
    expect(page.locator("main h1")).to_have_text(t("Home", "fi"))
    expect(page).to_have_title(f"{t('Home', 'fi')} – {t('Partnership Platform', 'fi')}")
    card = page.locator("#my-workspaces .rt-Card").filter(has_text="Home Choir")
    expect(card.locator(".unread-badge")).to_contain_text("1")
    expect(page.locator("#news")).to_contain_text(t('{who} started the discussion "{title}"', "fi", who="Olga Nieminen", title="Sunday programme"))
    expect(page.locator("#upcoming")).to_contain_text("Sunday concert")
    assert_accessible(page, "member's home [fi]")

    switch_language(page, "sv")
    expect(page.locator("#my-workspaces h2")).to_have_text(t("My workspaces", "sv"))
    page.locator("#my-invitations").get_by_role("button", name=t("Decline", "sv")).click()
    expect(page.locator(".notice")).to_contain_text(t("The invitation was declined.", "sv"))
    expect(page.locator("#my-invitations")).to_have_count(0)
    assert_accessible(page, "member's home [sv]")

    page.locator("#news").get_by_role("link", name=re.compile("Sunday programme")).click()
    expect(page).to_have_url(re.compile(r"/threads/\d+/?$"))
    expect(page.locator("main h1")).to_have_text("Sunday programme")
    expect(page).to_have_title(f"Sunday programme – Home Choir – {t('Partnership Platform', 'sv')}")

    # The composer: the toolbar formats the selection (a keyboard user reaches it with Tab), Preview shows the result.
    reply = page.locator("#reply-body")
    reply.fill("We sing loud")
    reply.evaluate("area => area.setSelectionRange(8, 12)")
    page.get_by_role("toolbar", name=t("Formatting", "sv")).get_by_role("button", name=t("Bold", "sv")).click()
    expect(reply).to_have_value("We sing **loud**")
    reply.evaluate("area => area.setSelectionRange(area.value.length, area.value.length)")
    page.get_by_role("toolbar", name=t("Formatting", "sv")).get_by_role("button", name=t("List", "sv")).focus()
    page.keyboard.press("Enter")
    expect(reply).to_have_value(re.compile(r"\n- " + t("list item", "sv")))
    page.get_by_role("button", name=t("Preview", "sv")).click()
    expect(page.locator("#reply-preview strong")).to_have_text("loud")
    expect(page.locator("#reply-preview li")).to_have_text(t("list item", "sv"))
    assert_accessible(page, "composer preview [sv]")
    page.get_by_role("button", name=t("Write", "sv")).click()
    expect(reply).to_be_visible()
    screenshots(page, "thread")
    page.get_by_role("link", name=re.compile("Home Choir")).first.click()
    expect(page.locator("main h1")).to_have_text("Home Choir")
    expect(page).to_have_title(f"Home Choir – {t('Partnership Platform', 'sv')}")
    screenshots(page, "workspace")
    page.get_by_role("navigation", name=t("Main navigation", "sv")).get_by_role("link", name=t("Home", "sv")).click()
    expect(page).to_have_url(re.compile(r"/home/?$"))
    expect(page.locator("#my-workspaces .unread-badge")).to_have_count(0)
    screenshots(page, "home")

    # At 360 px the header is one row; its menu holds the rest, the languages too.
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.locator(".site-header").bounding_box()["height"] < 64
    page.get_by_role("button", name=re.compile(t("Menu", "sv"))).click()
    page.get_by_role("menuitem", name="Suomi").click()
    expect(page.locator(".site")).to_have_attribute("lang", "fi")
    expect(page.locator("#my-workspaces h2")).to_have_text(t("My workspaces", "fi"))
    page.get_by_role("button", name=re.compile(t("Menu", "fi"))).click()
    page.get_by_role("menuitem", name="Svenska").click()
    expect(page.locator(".site")).to_have_attribute("lang", "sv")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A face: Sami picks a picture on the account page; it shows in the header at once, and in his posts.
    open_page(page, live_server.url + "/account")
    page.locator("#picture input[type=file]").set_input_files([{"name": "sami.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
    expect(page.locator(".notice")).to_contain_text(t("Your picture was saved.", "sv"))
    expect(page.locator(".site-header .person-avatar img")).to_have_attribute("src", re.compile(rf"^/people/{sami.id}/avatar\?v="))
    assert_accessible(page, "account page with a picture [sv]")
    page.locator("#picture").get_by_role("button", name=t("Remove the picture", "sv")).click()
    expect(page.locator(".notice")).to_contain_text(t("Your picture was removed.", "sv"))
    expect(page.locator(".site-header .person-avatar")).to_contain_text("SK")


def test_administrator_home_says_who_waits_for_approval(live_server: LiveServer, new_context, password_hash: str):
    with live_database(live_server), transaction() as session:
        session.add(User(email="waiting.home@example.org", name="Waiting Applicant", password_hash=password_hash, status=Status.PENDING, email_confirmed_at=utcnow(), terms_accepted_at=utcnow()))
    page = new_context(locale="sv-FI").new_page()
    log_in(page, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(page, live_server.url + "/home")
    switch_language(page, "sv")
    waiting = page.locator("#waiting-for-me")
    expect(waiting).to_contain_text(t("Membership applications waiting for your decision", "sv"))
    waiting.get_by_role("link", name=re.compile(t("Membership applications waiting for your decision", "sv"))).click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.locator(".rt-Card").filter(has_text="Waiting Applicant")).to_contain_text(t("Waiting for approval", "sv"))
    screenshots(page, "admin")
