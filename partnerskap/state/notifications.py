"""The viewer's notifications, their e-mail and push choices, and this device's push subscription."""

from __future__ import annotations

import reflex as rx

from partnerskap import offload
from partnerskap.i18n import N_, format_relative
from partnerskap.models.base import utcnow
from partnerskap.schemas import NotificationPublic
from partnerskap.services import notifications, push
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


class NotificationsState(AppState):
    """The notification list, the e-mail settings form and the push notification choices."""

    items: list[NotificationPublic] = []
    email_kinds: list[str] = []
    frequency: str = "immediate"
    push_kinds: list[str] = []
    push_key: str = ""  # the instance's VAPID public key, which the page's script subscribes this device with

    async def _load(self, viewer: Viewer) -> None:
        """Fill the list and the e-mail choices from one service call."""
        shown = await offload.read(notifications.page, viewer)
        now = utcnow()
        self.items = [
            NotificationPublic(
                id=group.newest.id,
                text=group.text(self.lang),
                link=group.newest.link,
                created=format_relative(group.newest.created_at, self.lang, now),
                unread=group.newest.read_at is None,
            )
            for group in notifications.grouped(shown.notifications)
        ]
        self.unread_notifications = sum(1 for row in shown.notifications if row.read_at is None)
        self.email_kinds = [kind for kind in shown.settings.email_kinds.split(",") if kind]
        self.frequency = shown.settings.frequency
        self.push_kinds = [kind for kind in shown.settings.push_kinds.split(",") if kind]
        self.push_key = shown.push_key

    @guarded(Access.MEMBER, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the notifications page."""
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def open(self, viewer: Viewer, notification_id: int):
        """Mark a notification read and go to its place."""
        link = await offload.write(notifications.mark_read, viewer, int(notification_id))
        return rx.redirect(link or "/notifications")

    @guarded(Access.MEMBER)
    async def mark_all_read(self, viewer: Viewer):
        """Mark every notification read."""
        await offload.write(notifications.mark_read, viewer, None)
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def save_preferences(self, viewer: Viewer, form: dict):
        """Save which notifications come by e-mail and how often."""
        kinds = [kind for kind in notifications.EMAIL_KINDS if form.get(f"kind_{kind}") in (True, "on", "true")]
        await offload.write(notifications.save_preferences, viewer, kinds=kinds, frequency=str(form.get("frequency", "immediate")))
        self._say(N_("Your choices were saved."))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def save_push_kinds(self, viewer: Viewer, form: dict):
        """Save which notifications come as push notifications."""
        kinds = [kind for kind in notifications.EMAIL_KINDS if form.get(f"push_{kind}") in (True, "on", "true")]
        await offload.write(notifications.save_push_kinds, viewer, kinds=kinds)
        self._say(N_("Your choices were saved."))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def save_push_device(self, viewer: Viewer, form: dict):
        """Save or forget this device's push subscription, as the page's script filled the form after asking the browser."""
        action, endpoint = str(form.get("action", "")), str(form.get("endpoint", ""))
        if action == "off":
            await offload.write(push.unsubscribe, viewer, endpoint=endpoint)
            self._say(N_("Push notifications are off on this device."))
            return
        await offload.write(push.subscribe, viewer, endpoint=endpoint, p256dh=str(form.get("p256dh", "")), auth=str(form.get("auth", "")), device=str(form.get("device", "")))
        if action == "on":  # "sync", on opening the page, saves quietly what the browser already had
            self._say(N_("Push notifications are on for this device."))
