"""The front page."""

import reflex as rx

from partnerskap.components.i18n import T
from partnerskap.components.layout import page
from partnerskap.state.base import AppState


def home() -> rx.Component:
    """What the platform is for, and the way in."""
    return page(
        "Partnership Platform",
        rx.text(T("A meeting place for organisations that work on integration, immigration and refugee reception: share information, form networks and work together in workspaces."), size="4"),
        rx.cond(
            AppState.signed_in,
            rx.text(T("Welcome back."), margin_top="4"),
            rx.hstack(
                rx.link(T("Register"), href="/register", class_name="button-link"),
                rx.link(T("Log in"), href="/login"),
                margin_top="4",
                spacing="4",
                align="center",
            ),
        )
    )
