"""The viewer's notifications and what they want by e-mail and as push notifications."""

import reflex as rx

from partnerskap.components.forms import submit
from partnerskap.components.i18n import T
from partnerskap.components.layout import page
from partnerskap.components.push import push_device_switch
from partnerskap.i18n import N_
from partnerskap.state.notifications import NotificationsState

EMAIL_KIND_LABELS = {
    "mention": N_("Someone mentions me"),
    "reply": N_("Replies in discussions I follow"),
    "join_request": N_("Requests to join my workspaces"),
    "decision": N_("Decisions about me"),
    "invitation": N_("Invitations"),
    "news": N_("News I follow"),
    "application": N_("Membership applications (administrators)"),
}
FREQUENCY_LABELS = {"immediate": N_("At once"), "daily": N_("Once a day"), "weekly": N_("Once a week")}


def kind_choice(kind: str, label: str, *, prefix: str = "kind", chosen: rx.Var = NotificationsState.email_kinds) -> rx.Component:
    """A checkbox for one kind of notification to receive by e-mail (or, with its prefix and choices, by push)."""
    return rx.el.label(
        rx.el.input(type="checkbox", name=f"{prefix}_{kind}", default_checked=chosen.contains(kind)),
        rx.text(T(label), as_="span", margin_left="2"),
        class_name="checkbox-label",
    )


def preferences_form() -> rx.Component:
    """Which notifications come by e-mail, and how often."""
    return rx.form(
        rx.el.fieldset(
            rx.el.legend(T("Send me an e-mail when")),
            *[kind_choice(kind, label) for kind, label in EMAIL_KIND_LABELS.items() if kind != "application"],
            rx.cond(NotificationsState.is_admin, kind_choice("application", EMAIL_KIND_LABELS["application"])),
        ),
        rx.el.fieldset(
            rx.el.legend(T("How often")),
            *[
                rx.el.label(
                    rx.el.input(type="radio", name="frequency", value=value, default_checked=NotificationsState.frequency == value),
                    rx.text(T(label), as_="span", margin_left="2"),
                    class_name="checkbox-label",
                )
                for value, label in FREQUENCY_LABELS.items()
            ],
        ),
        rx.box(submit("Save"), margin_top="var(--space-3)"),
        on_submit=NotificationsState.save_preferences,
        aria_label=T("E-mail notifications"),
        key=NotificationsState.frequency + NotificationsState.email_kinds.join(","),
    )


def push_form() -> rx.Component:
    """This device's push switch, and which notifications come as push notifications to every device switched on."""
    def push_choice(kind: str) -> rx.Component:
        return kind_choice(kind, EMAIL_KIND_LABELS[kind], prefix="push", chosen=NotificationsState.push_kinds)

    return rx.box(
        push_device_switch(),
        rx.form(
            rx.el.fieldset(
                rx.el.legend(T("Send a push notification when")),
                *[push_choice(kind) for kind in EMAIL_KIND_LABELS if kind != "application"],
                rx.cond(NotificationsState.is_admin, push_choice("application")),
            ),
            rx.box(submit("Save"), margin_top="var(--space-3)"),
            on_submit=NotificationsState.save_push_kinds,
            aria_label=T("Push notifications"),
            key=NotificationsState.push_kinds.join(","),
            margin_top="var(--space-3)",
        ),
    )


def notifications() -> rx.Component:
    """The notification list."""
    return page(
        "Notifications",
        rx.button(T("Mark all read"), on_click=NotificationsState.mark_all_read, variant="outline", size="2"),
        rx.cond(NotificationsState.items.length() == 0, rx.text(T("No notifications."), margin_top="var(--space-4)")),
        rx.vstack(
            rx.foreach(
                NotificationsState.items,
                lambda item: rx.hstack(
                    rx.cond(item.unread, rx.badge(T("New"), color_scheme="orange")),
                    rx.button(item.text, on_click=NotificationsState.open(item.id), variant="ghost", class_name="notification-link"),
                    rx.text(item.created, size="2", color="var(--gray-11)"),
                    align="center",
                    wrap="wrap",
                ),
            ),
            spacing="2",
            margin_top="var(--space-4)",
        ),
        rx.heading(T("E-mail notifications"), as_="h2", size="5", margin_top="var(--space-6)"),
        preferences_form(),
        rx.heading(T("Push notifications"), as_="h2", size="5", margin_top="var(--space-6)"),
        push_form(),
    )
