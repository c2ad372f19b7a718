"""The public front page, built from content: what the platform is and who runs it, news, events, how to join."""

import reflex as rx

from partnerskap.components.i18n import T
from partnerskap.components.layout import page
from partnerskap.pages.content import localized, summaries
from partnerskap.i18n import N_
from partnerskap.state.base import AppState
from partnerskap.state.content import PublicContentState


def home() -> rx.Component:
    """The public front page: what the platform is and who runs it, news, events, how to join, national services."""
    state = PublicContentState
    return page(
        "Partnership Platform",
        rx.text(T("A meeting place for organisations that work on integration, immigration and refugee reception: share information, form networks and work together in workspaces."), size="4"),
        # The rest comes from the data and appears below the prerendered text; until then a screen-high space keeps
        # the footer out of view, so nothing visible moves when it arrives (a layout shift of 0.32 in Lighthouse).
        rx.cond(state.front_loaded, front_sections(), rx.box(class_name="awaiting-data")),
    )


def front_sections() -> rx.Component:
    """Who runs the platform, its pages, news, events, how to join and national services, once loaded."""
    state = PublicContentState
    return rx.fragment(
        rx.text(state.instance_name, rx.cond(state.organisation != "", rx.fragment(" · ", T("Run by"), " ", state.organisation)), size="2", margin_top="var(--space-2)", id="instance-name"),
        rx.cond(
            state.pages.length() > 0,
            rx.el.nav(
                rx.hstack(rx.foreach(state.pages, lambda entry: rx.link(localized(entry.titles, entry.default_language), href=entry.url)), spacing="4", wrap="wrap"),
                aria_label=T("About the platform"),
                margin_top="var(--space-3)",
            ),
        ),
        rx.grid(
            rx.el.section(rx.heading(T("News"), as_="h2", size="5", margin_bottom="var(--space-3)"), summaries(state.news, N_("No news yet.")), rx.link(T("All news"), href="/news")),
            rx.el.section(rx.heading(T("Upcoming events"), as_="h2", size="5", margin_bottom="var(--space-3)"), summaries(state.events, N_("No upcoming events.")), rx.link(T("All events"), href="/events")),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="6",
            margin_top="var(--space-6)",
            width="100%",
        ),
        rx.el.section(
            rx.heading(T("How to join"), as_="h2", size="5", margin_bottom="var(--space-2)"),
            rx.text(T("Register with your e-mail address and organisation. An administrator approves new members; then you can join workspaces and follow the news.")),
            rx.cond(
                AppState.signed_in,
                rx.text(T("Welcome back."), margin_top="var(--space-2)"),
                rx.hstack(rx.link(T("Register"), href="/register", class_name="button-link"), rx.link(T("Log in"), href="/login"), margin_top="var(--space-3)", spacing="4", align="center"),
            ),
            margin_top="var(--space-6)",
        ),
        rx.cond(
            state.services.length() > 0,
            rx.el.section(
                rx.heading(T("Related national services"), as_="h2", size="5", margin_bottom="var(--space-2)"),
                rx.el.ul(rx.foreach(state.services, lambda link: rx.el.li(rx.link(link.titles[AppState.lang], href=link.url, is_external=True)))),
                margin_top="var(--space-6)",
            ),
        ),
    )
