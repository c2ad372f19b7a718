"""The viewer's notifications and what they want by e-mail."""

import reflex as rx

from partnerskap.components.forms import submit
from partnerskap.components.i18n import T
from partnerskap.components.layout import page
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


def kind_choice(kind: str, label: str) -> rx.Component:
    """A checkbox for one kind of notification to receive by e-mail."""
    return rx.el.label(
        rx.el.input(type="checkbox", name=f"kind_{kind}", default_checked=NotificationsState.email_kinds.contains(kind)),
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
        rx.box(submit("Save"), margin_top="3"),
        on_submit=NotificationsState.save_preferences,
        aria_label=T("E-mail notifications"),
        key=NotificationsState.frequency + NotificationsState.email_kinds.join(","),
    )


def notifications() -> rx.Component:
    """The notification list."""
    return page(
        "Notifications",
        rx.button(T("Mark all read"), on_click=NotificationsState.mark_all_read, variant="outline", size="2"),
        rx.cond(NotificationsState.items.length() == 0, rx.text(T("No notifications."), margin_top="4")),
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
            margin_top="4",
        ),
        rx.heading(T("E-mail notifications"), as_="h2", size="5", margin_top="6"),
        preferences_form(),
    )
