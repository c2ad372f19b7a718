"""The membership journey in Chromium: register, confirm, wait, get approved, switch language; axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from partnerskap.i18n import LANGUAGES, t
from partnerskap.services import passwords, sessions
from tests.browser.axe import assert_accessible
from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, LiveServer, admin_code

FRIDA = {"name": "Frida Virtanen", "email": "frida@example.org", "organisation": "Kotona ry", "password": "a long passphrase for frida"}
CONFIRM_LINK = re.compile(r"https?://\S+/confirm\?token=\S+")
REGISTERED = "Thank you! We sent a message to your e-mail address. Open it to continue."


def open_page(page: Page, url: str) -> None:
    """Load a page and wait for Reflex to hydrate it: the shell's lang comes from the state."""
    page.goto(url)
    expect(page.locator(".site")).to_have_attribute("lang", re.compile(r"^(fi|sv|en)$"))


def switch_language(page: Page, language: str) -> None:
    """Press a language button in the header and wait for the page to follow."""
    page.locator(f".lang-{language}").click()
    expect(page.locator(".site")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(f".lang-{language}")).to_have_attribute("aria-pressed", "true")


def check_in_every_language(page: Page, label: str, *, end_in: str = "en") -> None:
    """Run axe on the page in Finnish, Swedish and English, switched with the header buttons."""
    for language in [code for code in LANGUAGES if code != end_in] + [end_in]:
        switch_language(page, language)
        assert_accessible(page, f"{label} [{language}]")


def open_login(page: Page, server: LiveServer) -> None:
    """Open the login form ready to type in: a browser's first visit goes through /auth/begin and loads it again."""
    first_login_here = not any(cookie["name"] == sessions.LOGIN_COOKIE for cookie in page.context.cookies())
    open_page(page, server.url + "/login")
    if first_login_here:  # what was typed before that second load would be lost
        page.wait_for_url(re.compile(r"/login/?\?began=1"))
        expect(page.locator(".site")).to_have_attribute("lang", re.compile(r"^(fi|sv|en)$"))


def log_in(page: Page, server: LiveServer, email: str, password: str, *, totp_secret: str = "") -> None:
    """Log in through the form (and with the authenticator's code when the person has one); the cookie route then lands on the home (or, for applicants, the status page)."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    open_login(page, server)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit]").click()
    if totp_secret:
        page.locator("#second-factor-code").fill(admin_code(totp_secret))
        page.locator("form button[type=submit]").click()
    try:
        page.wait_for_url(re.compile(r"/(status|home)/?$"))
    except PlaywrightTimeoutError:
        # A navigation the page failed to start leaves its reason only in the console (a CSP refusal, say).
        raise AssertionError(f"{email} did not reach /status or /home; the browser said:\n" + "\n".join(console)) from None
    expect(page.locator("#membership-status, #my-workspaces").first).not_to_be_empty()


def status_of(server: LiveServer, email: str) -> str:
    """The membership status the database holds for an e-mail address."""
    rows = server.query('SELECT status FROM "user" WHERE email = :email', email=email)
    assert rows, f"no account for {email}"
    return rows[0][0]


def test_visitor_becomes_member_after_admin_approval(live_server: LiveServer, new_context):
    visitor = new_context(locale="en-GB").new_page()
    open_page(visitor, live_server.url + "/")
    check_in_every_language(visitor, "front page")
    switch_language(visitor, "sv")
    visitor.reload()  # a visitor's own choice outlives the page, kept by their browser
    expect(visitor.locator(".site")).to_have_attribute("lang", "sv")
    switch_language(visitor, "en")

    visitor.locator(".site-main").get_by_role("link", name="Register").click()
    expect(visitor).to_have_url(re.compile(r"/register/?$"))
    expect(visitor.locator("#terms")).to_be_visible()
    check_in_every_language(visitor, "registration form")
    for name in ("name", "email", "organisation", "password"):
        visitor.locator(f"#{name}").fill(FRIDA[name])
    visitor.locator("#terms").check()
    visitor.locator("form button[type=submit]").click()
    expect(visitor.locator("#registered")).to_have_text(t(REGISTERED, "en"))
    assert status_of(live_server, FRIDA["email"]) == "unconfirmed"
    check_in_every_language(visitor, "registration done")

    link = CONFIRM_LINK.search(live_server.last_mail_to(FRIDA["email"]))
    assert link, "the confirmation e-mail has no link"
    open_page(visitor, link.group(0))
    expect(visitor.locator("#confirmed")).to_be_visible()
    assert status_of(live_server, FRIDA["email"]) == "pending"
    check_in_every_language(visitor, "e-mail confirmed")

    visitor.locator("main").get_by_role("link", name="Log in").click()
    expect(visitor.locator("#password")).to_be_visible()
    check_in_every_language(visitor, "login form")
    log_in(visitor, live_server, FRIDA["email"], FRIDA["password"])
    expect(visitor.locator("#membership-status")).to_have_text(t("Your application is waiting for an administrator's decision. We will tell you by e-mail.", "en"))
    check_in_every_language(visitor, "status while pending")

    admin = new_context(locale="fi-FI").new_page()
    log_in(admin, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    check_in_every_language(admin, "admin's status")
    open_page(admin, live_server.url + "/notifications")
    expect(admin.locator("main")).to_contain_text(t("{actor} applied for membership and waits for approval", "en", actor=FRIDA["name"]))
    open_page(admin, live_server.url + "/admin")
    switch_language(admin, "fi")
    waiting = live_server.query("SELECT count(*) FROM \"user\" WHERE status IN ('pending', 'unconfirmed')")[0][0]
    expect(admin.get_by_role("navigation", name=t("Administration", "fi")).get_by_role("link", name=f"{t('Membership', 'fi')} {waiting} {t('applicants waiting', 'fi')}")).to_be_visible()
    applicant = admin.locator(".rt-Card").filter(has=admin.get_by_role("heading", name=FRIDA["name"]))
    expect(applicant).to_contain_text(t("Waiting for approval", "fi"))
    expect(applicant).to_contain_text(FRIDA["email"])
    expect(applicant).to_contain_text(FRIDA["organisation"])
    check_in_every_language(admin, "membership applications")
    applicant.get_by_role("button", name="Approve").click()
    expect(admin.locator(".notice")).to_contain_text(f"{FRIDA['name']} is now a member.")
    expect(applicant).to_have_count(0)
    assert status_of(live_server, FRIDA["email"]) == "approved"
    assert_accessible(admin, "membership applications after approving")

    visitor.reload()
    expect(visitor.locator("#membership-status")).to_have_text(t("Your membership is approved.", "en"))
    check_in_every_language(visitor, "status when approved", end_in="sv")
    expect(visitor.get_by_role("button", name="Logga ut")).to_be_visible()
    expect(visitor.locator("main h1")).to_have_text(t("Membership", "sv"))

    visitor.reload()
    expect(visitor.locator(".site")).to_have_attribute("lang", "sv")
    expect(visitor.locator("html")).to_have_attribute("lang", "sv")
    expect(visitor.locator("#membership-status")).to_have_text(t("Your membership is approved.", "sv"))
    expect(visitor.get_by_role("button", name="Logga ut")).to_be_visible()
    assert live_server.query('SELECT language FROM "user" WHERE email = :email', email=FRIDA["email"])[0][0] == "sv"

    elsewhere = new_context(locale="en-GB").new_page()
    log_in(elsewhere, live_server, FRIDA["email"], FRIDA["password"])
    expect(elsewhere.locator(".site")).to_have_attribute("lang", "sv")
    expect(elsewhere).to_have_url(re.compile(r"/home/?$"))  # an approved member lands on their home
    expect(elsewhere.locator("main h1")).to_have_text(t("Home", "sv"))
    expect(elsewhere.get_by_role("button", name="Logga ut")).to_be_visible()
    assert_accessible(elsewhere, "home on another device [sv]")


def test_bad_registration_shows_messages_beside_fields_and_creates_nothing(live_server: LiveServer, new_context):
    page = new_context(locale="en-GB").new_page()
    open_page(page, live_server.url + "/register")
    page.locator("#name").fill("Bertil")
    # The browser's own type=email check lets this through, so the server's rule has to catch it.
    page.locator("#email").fill("bertil@example")
    page.locator("#password").fill("short")
    page.locator("form button[type=submit]").click()

    expected = {
        "email": "Enter an e-mail address like name@example.org.",
        "password": "Use at least 8 characters.",
        "terms": "You must accept the terms of use to register.",
    }
    for name, message in expected.items():
        field_box = page.locator(".field, .terms-box").filter(has=page.locator(f"#{name}"))
        expect(field_box.locator(f"#{name}-error")).to_have_text(t(message, "en"))
        expect(page.locator(f"#{name}")).to_have_attribute("aria-describedby", re.compile(rf"\b{name}-error\b"))
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name-error")).to_have_count(0)
    expect(page.locator("#registered")).to_have_count(0)
    assert_accessible(page, "registration form with errors")

    assert live_server.query('SELECT count(*) FROM "user" WHERE email LIKE :pattern', pattern="bertil@%")[0][0] == 0
    assert live_server.query("SELECT count(*) FROM outboxmessage WHERE recipient LIKE :pattern", pattern="bertil@%")[0][0] == 0


def register_through_the_form(page: Page, server: LiveServer, **values: str) -> None:
    """Fill in the registration form, accept the terms and send it."""
    open_page(page, server.url + "/register")
    for name, value in values.items():
        page.locator(f"#{name}").fill(value)
    page.locator("#terms").check()
    page.locator("form button[type=submit]").click()


def test_a_guessable_password_is_refused_with_advice_and_a_taken_address_gets_the_same_answer(live_server: LiveServer, new_context):
    page = new_context(locale="en-GB").new_page()
    gunnel = {"name": "Gunnel Berg", "email": "gunnel@example.org", "organisation": "Röda Korset"}
    register_through_the_form(page, live_server, **gunnel, password="Salasana1")
    expect(page.locator("#password-error")).to_have_text(t(passwords.TOO_COMMON, "en"))
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#registered")).to_have_count(0)
    assert_accessible(page, "registration refusing a guessable password")
    switch_language(page, "fi")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#password-error")).to_have_text(t(passwords.TOO_COMMON, "fi"))
    assert live_server.query('SELECT count(*) FROM "user" WHERE email = :email', email=gunnel["email"])[0][0] == 0

    page.locator("#password").fill("gunnel@example.org")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#password-error")).to_have_text(t(passwords.TOO_PERSONAL, "fi"))

    page.locator("#password").fill("lingonberry tram violin harbour")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#registered")).to_have_text(t(REGISTERED, "fi"))
    new_address_answer = page.locator("main").inner_text()

    someone_else = new_context(locale="fi-FI").new_page()
    register_through_the_form(someone_else, live_server, name="Mallory", email=ADMIN_EMAIL, organisation="", password="lingonberry tram violin harbour")
    expect(someone_else.locator("#registered")).to_have_text(t(REGISTERED, "fi"))
    assert someone_else.locator("main").inner_text() == new_address_answer
    assert live_server.query('SELECT count(*) FROM "user" WHERE email = :email', email=ADMIN_EMAIL)[0][0] == 1
    assert "Mallory" not in live_server.query('SELECT name FROM "user" WHERE email = :email', email=ADMIN_EMAIL)[0][0]
    assert "/forgot" in live_server.last_mail_to(ADMIN_EMAIL)

    admin = new_context(locale="en-GB").new_page()
    log_in(admin, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(admin, live_server.url + "/admin")
    switch_language(admin, "en")
    admin.locator("#people-search").fill(gunnel["name"].split()[0].upper())
    admin.get_by_role("button", name=t("Search", "en")).click()
    expect(admin.get_by_role("status").filter(has_text=t("{count} found · page {page} of {pages}", "en", count=1, page=1, pages=1))).to_be_visible()
    unconfirmed = admin.locator(".rt-Card").filter(has=admin.get_by_role("heading", name=gunnel["name"]))
    expect(unconfirmed).to_contain_text(t("E-mail not confirmed", "en"))
    unconfirmed.get_by_role("button", name=t("Deny membership", "en")).click()
    dialog = admin.get_by_role("dialog")
    expect(dialog.get_by_label(t("Reason (sent to the person)", "en"))).to_be_focused()
    dialog.get_by_role("button", name=t("Cancel", "en")).click()
    expect(dialog).to_have_count(0)
    expect(unconfirmed.locator(".unconfirmed-note")).to_have_text(
        t("The e-mail address is not confirmed. Until the person confirms it, invitations sent to it do not admit them, even once approved.", "en")
    )
    assert_accessible(admin, "membership view with an unconfirmed applicant")
    unconfirmed.get_by_role("button", name="Approve").click()
    expect(admin.locator(".notice")).to_contain_text(f"{gunnel['name']} is now a member.")

    # Approved before confirming: the address still has to be confirmed before invitations to it count.
    log_in(page, live_server, gunnel["email"], "lingonberry tram violin harbour")
    open_page(page, live_server.url + "/account")
    expect(page.locator("#email-unconfirmed")).to_contain_text(
        t("Your e-mail address is not confirmed yet. Invitations sent to it reach you once you open the confirmation link we e-mailed you.", "fi")
    )
    assert_accessible(page, "account page with an unconfirmed address")
    page.locator("#email-unconfirmed").get_by_role("button", name=t("Send the link again", "fi")).click()
    expect(page.locator(".notice")).to_contain_text(t("We sent a new confirmation link.", "fi"))
    link = CONFIRM_LINK.search(live_server.last_mail_to(gunnel["email"]))
    assert link, "the new confirmation e-mail has no link"
    open_page(page, link.group(0))
    expect(page.locator("#confirmed")).to_be_visible()
    open_page(page, live_server.url + "/account")
    expect(page.locator("main h1")).to_have_text(t("My account", "fi"))
    expect(page.locator("#email-unconfirmed")).to_have_count(0)
