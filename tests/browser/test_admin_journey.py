"""The administration journey in Chromium: an administrator enrols a second factor and signs in with codes, changes the
instance's name, opens the dashboard; a member downloads their data and deletes their account; axe on the new pages."""

from __future__ import annotations

import io
import json
import re
import zipfile

from playwright.sync_api import expect

from partnerskap.db import transaction
from partnerskap.models import Role, User
from tests.browser.axe import assert_accessible
from tests.browser.test_membership_journey import log_in, open_login, open_page, switch_language
from tests.browser.test_workspace_journey import approved_member, live_database
from tests.conftest import PASSWORD
from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, LiveServer, admin_code


def test_new_administrator_enrols_a_second_factor_at_login_then_signs_in_with_a_code(live_server: LiveServer, new_context, password_hash: str):
    ruth = approved_member(live_server, password_hash, "Ruth Admin")
    with live_database(live_server), transaction() as session:
        promoted = session.get(User, ruth.id)
        promoted.role = Role.ADMIN
        session.add(promoted)

    page = new_context().new_page()
    open_login(page, live_server)
    page.locator("#email").fill(ruth.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_text("Administrators sign in with a second factor. Set it up now to continue.")).to_be_visible()
    expect(page.locator("#enrol-qr-code")).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    assert_accessible(page, "second-factor enrolment [en]")
    secret = page.locator("#enrol-secret").inner_text().strip()
    page.locator("#enrol-code").fill("000000" if admin_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Switch two-factor sign-in on").click()
    expect(page.locator("#enrol-code-error")).to_have_text("The code is wrong or has expired.")
    page.locator("#enrol-code").fill(admin_code(secret))
    page.get_by_role("button", name="Switch two-factor sign-in on").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.locator("#continue-sign-in").click()
    page.wait_for_url(re.compile(r"/home/?$"))  # sign-in leads to the member's home
    expect(page.get_by_role("link", name="Administration")).to_be_visible()

    again = new_context().new_page()
    log_in(again, live_server, ruth.email, PASSWORD, totp_secret=secret)
    open_page(again, live_server.url + "/account")
    expect(again.locator("#two-factor-on")).to_be_visible()
    expect(again.get_by_role("button", name="Switch two-factor sign-in off")).to_have_count(0)  # administrators keep it


def test_admin_renames_the_instance_and_sees_the_name_then_opens_the_dashboard(live_server: LiveServer, new_context):
    page = new_context().new_page()
    log_in(page, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(page, live_server.url + "/admin/settings")
    switch_language(page, "en")
    expect(page.locator("#settings-upload_limit_mb")).to_have_value(re.compile(r"^\d+$"))
    assert_accessible(page, "instance settings [en]")
    # The form shows the policy in force (approval on this server), so saving the name leaves membership as it was.
    expect(page.locator("#settings-membership_policy")).to_have_value("approval")
    page.locator("#settings-instance_name").fill("Turku Welcome Network")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_contain_text("The settings were saved.")
    expect(page.locator("#brand")).to_have_text("Turku Welcome Network")
    assert live_server.query("SELECT instance_name, membership_policy FROM instancesettings") == [("Turku Welcome Network", "approval")]
    page.get_by_role("button", name="Send a test message").click()
    expect(page.locator(".notice")).to_contain_text(f"A test message was sent to {ADMIN_EMAIL}.")
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(re.compile(r"/admin/dashboard/?$"))
    expect(page.locator("#chart-members")).to_be_visible()
    expect(page.locator("#outbox-failures")).to_have_text("0")
    assert_accessible(page, "dashboard [en]")

    visitor = new_context().new_page()
    open_page(visitor, live_server.url + "/transparency")
    expect(visitor.locator("#brand")).to_have_text("Turku Welcome Network")
    expect(visitor.locator("#transparency-empty")).to_be_visible()
    assert_accessible(visitor, "transparency report [en]")

    # An empty name gives the header back the name in the server's configuration.
    open_page(page, live_server.url + "/admin/settings")
    expect(page.locator("#settings-instance_name")).to_have_value("Turku Welcome Network")
    page.locator("#settings-instance_name").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_contain_text("The settings were saved.")
    expect(page.locator("#brand")).to_have_text("Partnerskap")


def test_member_downloads_their_data_and_deletes_their_account(live_server: LiveServer, new_context, password_hash: str):
    paula = approved_member(live_server, password_hash, "Paula Leaver")
    page = new_context().new_page()
    log_in(page, live_server, paula.email, PASSWORD)
    open_page(page, live_server.url + "/account")
    assert_accessible(page, "account with privacy controls [en]")
    with page.expect_download() as downloading:
        page.locator("#download-my-data").click()
    archive = zipfile.ZipFile(io.BytesIO(downloading.value.path().read_bytes()))
    assert json.loads(archive.read("profile.json"))["email"] == paula.email

    page.locator("#delete-account-remove").check()
    page.locator("#delete-account-password").fill(PASSWORD)
    page.locator("#delete-account-button").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
    assert live_server.query('SELECT name, status FROM "user" WHERE id = :id', id=paula.id) == [("Former member", "erased")]


def test_member_switches_two_factor_sign_in_on_and_off_on_the_account_page(live_server: LiveServer, new_context, password_hash: str):
    sami = approved_member(live_server, password_hash, "Sami Secure")
    page = new_context().new_page()
    log_in(page, live_server, sami.email, PASSWORD)
    open_page(page, live_server.url + "/account")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    secret = page.locator("#enrol-secret").inner_text().strip()
    page.locator("#enrol-code").fill(admin_code(secret))
    page.get_by_role("button", name="Switch two-factor sign-in on").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    expect(page.locator(".notice")).to_contain_text("Two-factor sign-in is on.")

    second = new_context().new_page()
    open_login(second, live_server)
    second.locator("#email").fill(sami.email)
    second.locator("#password").fill(PASSWORD)
    second.locator("form button[type=submit]").click()
    expect(second.locator("#second-factor-code")).to_be_visible()
    assert_accessible(second, "second-factor code [en]")
    second.locator("#restart-sign-in").click()
    expect(second.locator("#password")).to_be_visible()

    open_page(page, live_server.url + "/account")
    expect(page.locator("#two-factor-on")).to_be_visible()
    page.locator("#switch-off-code").fill(admin_code(secret))
    page.get_by_role("button", name="Switch two-factor sign-in off").click()
    expect(page.locator(".notice")).to_contain_text("Two-factor sign-in is off.")
    expect(page.get_by_role("button", name="Set up two-factor sign-in")).to_be_visible()


def test_admin_filters_the_audit_log_and_the_csv_link_follows(live_server: LiveServer, new_context):
    page = new_context().new_page()
    log_in(page, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(page, live_server.url + "/admin/audit")
    switch_language(page, "en")
    page.locator("#audit-action").fill("settings.change")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#audit-csv")).to_have_attribute("href", "/admin/audit.csv?action=settings.change")
    assert_accessible(page, "audit log with its filter [en]")
