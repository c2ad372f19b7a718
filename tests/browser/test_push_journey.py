"""Push notifications in Chromium: a member switches them on for this device on the notifications page, a mention of
them is pushed by the server's background job, encrypted for the device, to a push service on loopback, and the
app's service worker shows it; switched off, the device is forgotten.

What is real and what is not: headless Chromium cannot subscribe at a push service here (in a fresh profile it
refuses push outright, in a persistent one `pushManager.subscribe` waits for Google's push service, out of reach).
So the page's `PushManager.subscribe`, `getSubscription` and the subscription's `unsubscribe` are replaced, by an
init script, with ones that hand out the test's own device: its endpoint on the test's loopback push service and
the public half of a key pair and secret the test made as a browser would. Everything else is the app's own: the
switch asks the browser's permission, subscribes with the instance's VAPID key, sends the subscription through
the page's event; the server writes the push with the notification, its background job signs, encrypts and posts
it; the test decrypts it with the device's private key (the browser's own decryption is the one step not run)
and hands the message to the real service worker through DevTools' `ServiceWorker.deliverPushMessage`, and the
notification it shows is read back with `registration.getNotifications()`. A click on a system notification cannot
be made from Playwright, so the worker's `notificationclick` is not exercised here.
"""

from __future__ import annotations

import base64
import json
import time

from cryptography.hazmat.primitives import serialization
from playwright.sync_api import expect
from py_vapid import Vapid

from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.services import notifications, push
from tests.browser.axe import assert_accessible
from tests.browser.test_home_journey import screenshots
from tests.browser.test_membership_journey import log_in, open_page, switch_language
from tests.browser.test_workspace_journey import approved_member, live_database
from tests.conftest import PASSWORD
from tests.live_server import LiveServer
from tests.push_receiver import Device, push_service

# The browser's PushManager, as far as the page uses it, handing out the device the test passes in.
FAKE_PUSH_MANAGER = """(device) => {
  window.partnerskapSubscribed = [];
  let current = null;
  const made = (key) => ({
    endpoint: device.endpoint,
    options: { userVisibleOnly: true, applicationServerKey: key },
    toJSON: () => ({ endpoint: device.endpoint, expirationTime: null, keys: { p256dh: device.p256dh, auth: device.auth } }),
    unsubscribe: async () => { current = null; window.partnerskapUnsubscribed = true; return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    const key = options.applicationServerKey;
    window.partnerskapSubscribed.push({ userVisibleOnly: options.userVisibleOnly, key: btoa(String.fromCharCode(...new Uint8Array(key.buffer || key))) });
    current = made(key.buffer || key);
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
}"""
SHOWN = "navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((shown) => shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url })))"


def unpadded(standard_b64: str) -> str:
    return standard_b64.replace("+", "-").replace("/", "_").rstrip("=")


def public_key_of(server: LiveServer) -> str:
    """The VAPID public key of the instance, from the key pair `prepare` made in its data folder."""
    raw = Vapid.from_file(str(server.data_dir / push.KEY_FILE)).public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_member_switches_push_on_receives_a_mention_on_this_device_and_switches_it_off(live_server: LiveServer, new_context, password_hash: str):
    bob = approved_member(live_server, password_hash, "Bob Pushkin")
    with push_service() as service:
        device = Device()
        endpoint = f"{service.url}/push/bob-laptop"
        context = new_context()
        context.grant_permissions(["notifications"], origin=live_server.url)
        context.add_init_script(f"({FAKE_PUSH_MANAGER})({json.dumps({'endpoint': endpoint, 'p256dh': device.p256dh, 'auth': device.auth})})")
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        registrations: list[dict] = []
        devtools.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
        devtools.send("ServiceWorker.enable")
        log_in(page, live_server, bob.email, PASSWORD)
        open_page(page, live_server.url + "/notifications")
        page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")

        # Bob switches push on for this device: the browser subscribes with the instance's key and the server keeps it.
        switch = page.get_by_label("Push notifications on this device")
        expect(switch).to_be_enabled()
        expect(switch).not_to_be_checked()
        switch.check()
        expect(page.get_by_text("Push notifications are on for this device.")).to_be_visible()
        expect(switch).to_be_checked()
        [subscribed] = page.evaluate("window.partnerskapSubscribed")
        instance_key = public_key_of(live_server)
        assert subscribed["userVisibleOnly"] is True and unpadded(subscribed["key"]) == instance_key
        rows = live_server.query("SELECT endpoint, p256dh, auth, device FROM pushsubscription WHERE user_id = :id", id=bob.id)
        assert [(row[0], row[1], row[2]) for row in rows] == [(endpoint, device.p256dh, device.auth)] and "Chrom" in rows[0][3]
        screenshots(page, "notifications-push")
        assert_accessible(page, "notifications page with push")

        # Olivia mentions Bob: the server's background job posts the push, which only this device's keys decrypt.
        with live_database(live_server), transaction() as session:
            notifications.notify(session, user_id=bob.id, kind="mention", actor="Olivia", thread="Harbour festival", link="/notifications")
        [arrived] = service.wait_for(1)
        assert arrived.path == "/push/bob-laptop" and arrived.headers["authorization"].endswith(f"k={instance_key}")
        message = device.read(arrived.body)
        assert message == {"title": "Partnership Platform", "body": 'Olivia mentioned you in "Harbour festival"', "url": "/notifications"}

        # The message reaches the app's own service worker, which shows it.
        [registration] = {entry["registrationId"]: entry for entry in registrations if not entry["isDeleted"]}.values()
        devtools.send("ServiceWorker.deliverPushMessage", {"origin": live_server.url, "registrationId": registration["registrationId"], "data": json.dumps(message)})
        deadline = time.monotonic() + 30  # the worker may have to start again first, slowly on a busy machine
        while not (shown := page.evaluate(SHOWN)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert shown == [{"title": "Partnership Platform", "body": 'Olivia mentioned you in "Harbour festival"', "tag": "/notifications", "url": "/notifications"}]

        # Mentions stop coming by push once Bob unticks them; the e-mail choices stay as they were.
        push_choices = page.get_by_role("form", name="Push notifications")
        push_choices.get_by_label("Someone mentions me").uncheck()
        push_choices.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Your choices were saved.")).to_be_visible()
        assert live_server.query("SELECT push_kinds, email_kinds FROM notificationsettings WHERE user_id = :id", id=bob.id) == [("decision,invitation", "mention,invitation,decision,application")]

        # In Finnish the switch and its choices speak Finnish.
        switch_language(page, "fi")
        expect(page.get_by_label(t("Push notifications on this device", "fi"))).to_be_checked()
        expect(page.get_by_role("heading", name=t("Push notifications", "fi"))).to_be_visible()

        # Switched off, the browser unsubscribes and the server forgets the device.
        page.get_by_label(t("Push notifications on this device", "fi")).uncheck()
        expect(page.get_by_text(t("Push notifications are off on this device.", "fi"))).to_be_visible()
        assert page.evaluate("window.partnerskapUnsubscribed") is True
        assert live_server.query("SELECT count(*) FROM pushsubscription WHERE user_id = :id", id=bob.id) == [(0,)]
        switch_language(page, "en")

        # On again, then Bob logs out: the server forgets this device, so whoever uses this computer next gets none of his pushes.
        page.get_by_label("Push notifications on this device").check()
        expect(page.get_by_text("Push notifications are on for this device.")).to_be_visible()
        assert live_server.query("SELECT count(*) FROM pushsubscription WHERE user_id = :id", id=bob.id) == [(1,)]
        page.locator("#log-out").click()
        expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
        assert live_server.query("SELECT count(*) FROM pushsubscription WHERE user_id = :id", id=bob.id) == [(0,)]
        assert page.evaluate("localStorage.getItem('partnerskap-push-endpoint')") is None


def test_member_whose_browser_blocks_notifications_is_told_where_to_allow_them(live_server: LiveServer, new_context, password_hash: str):
    carla = approved_member(live_server, password_hash, "Carla Blocked")
    context = new_context()
    page = context.new_page()
    page.add_init_script("Notification.requestPermission = async () => 'denied'")
    log_in(page, live_server, carla.email, PASSWORD)
    open_page(page, live_server.url + "/notifications")
    switch = page.get_by_label("Push notifications on this device")
    expect(switch).to_be_enabled()
    switch.click()  # not check(): the page unticks it again at once, which check() takes for a click that missed
    expect(page.get_by_role("status").filter(has_text="Notifications are blocked for this site in the browser's settings; allow them there first.")).to_be_visible()
    expect(switch).not_to_be_checked()
    assert live_server.query("SELECT count(*) FROM pushsubscription WHERE user_id = :id", id=carla.id) == [(0,)]
