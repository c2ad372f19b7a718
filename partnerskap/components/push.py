"""The "push notifications on this device" switch: the browser's permission and subscription, sent to the server."""

from __future__ import annotations

import reflex as rx

from partnerskap.components.document import effect
from partnerskap.components.i18n import T
from partnerskap.state.notifications import NotificationsState

SWITCH_ID = "push-device"
FORM_ID = "push-device-form"
# What the browser says goes into the hidden form, which submits to NotificationsState.save_push_device ("on" when the
# member switched it on, "off", or "sync": on each visit the browser's subscription is saved again, renewed first when
# it was made with an earlier key of the instance's, so the server knows it after a key rotation or a lost row).
_SUBSCRIBE = """useEffect(() => {
  const key = %(key)s;
  const box = document.getElementById("%(switch)s");
  const form = document.getElementById("%(form)s");
  const status = document.getElementById("push-status");
  if (!box || !form || !status || !key) { return; }
  const say = (name) => { status.textContent = name ? status.dataset[name] : ""; };
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) { say("unsupported"); return; }
  const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const named = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  // This browser's endpoint while push is on for the member here: the log-out buttons send it (components/layout.py).
  const MARK = "partnerskap-push-endpoint";
  const send = (action, subscription) => {
    const sent = subscription.toJSON();
    try { if (action === "off") { localStorage.removeItem(MARK); } else { localStorage.setItem(MARK, sent.endpoint); } } catch (error) {}
    form.elements.action.value = action;
    form.elements.endpoint.value = sent.endpoint;
    form.elements.p256dh.value = (sent.keys && sent.keys.p256dh) || "";
    form.elements.auth.value = (sent.keys && sent.keys.auth) || "";
    form.elements.device.value = navigator.userAgent;
    form.requestSubmit();
  };
  const subscribe = (registration) => registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(key) });
  let alive = true;
  navigator.serviceWorker.ready.then(async (registration) => {
    let present = await registration.pushManager.getSubscription();
    // A subscription left by someone who used this browser before (their log out forgot it on the server) is not this member's.
    let marked = null;
    try { marked = localStorage.getItem(MARK); } catch (error) {}
    if (present && marked !== present.endpoint) { present = null; }
    if (present && Notification.permission === "granted") {
      const made = present.options && present.options.applicationServerKey;
      if (made && named(made) !== key) { await present.unsubscribe(); present = await subscribe(registration); }
      if (alive) { send("sync", present); }
    }
    if (alive) { box.checked = Boolean(present) && Notification.permission === "granted"; box.disabled = false; }
    if (Notification.permission === "denied") { say("denied"); }
  }).catch(() => { if (alive) { say("failed"); } });
  const change = async () => {
    const wanted = box.checked;
    box.disabled = true;
    try {
      if (wanted) {
        if ((await Notification.requestPermission()) !== "granted") { box.checked = false; say("denied"); return; }
        send("on", await subscribe(await navigator.serviceWorker.ready));
      } else {
        const present = await (await navigator.serviceWorker.ready).pushManager.getSubscription();
        if (present) { await present.unsubscribe(); send("off", present); }
      }
      say("");
    } catch (error) {
      box.checked = !wanted;
      say("failed");
    } finally {
      box.disabled = false;
    }
  };
  box.addEventListener("change", change);
  return () => { alive = false; box.removeEventListener("change", change); };
}, [%(key)s]);"""


class _PushBehaviour(rx.Fragment):
    """Renders nothing; wires the switch to the browser's push subscription and the hidden form."""

    def add_hooks(self) -> list[str | rx.Var]:
        """One React effect, run again when the instance's key arrives with the page's state."""
        key = NotificationsState.push_key
        return [effect(_SUBSCRIBE % {"key": str(key), "switch": SWITCH_ID, "form": FORM_ID}, key)]


def push_device_switch() -> rx.Component:
    """The switch for this device, the line that says why it cannot be used, and the form the script submits."""
    return rx.box(
        _PushBehaviour.create(),
        rx.el.label(
            rx.el.input(type="checkbox", id=SWITCH_ID, disabled=True),
            rx.text(T("Push notifications on this device"), as_="span", margin_left="2"),
            class_name="checkbox-label",
        ),
        rx.text(
            "",
            id="push-status",
            role="status",
            size="2",
            custom_attrs={
                "data-unsupported": T("This browser cannot receive push notifications."),
                "data-denied": T("Notifications are blocked for this site in the browser's settings; allow them there first."),
                "data-failed": T("The browser could not switch push notifications on this device. Try again later."),
            },
        ),
        rx.form(
            *[rx.el.input(type="hidden", name=name) for name in ("action", "endpoint", "p256dh", "auth", "device")],
            id=FORM_ID,
            on_submit=NotificationsState.save_push_device,
            hidden=True,
        ),
    )
