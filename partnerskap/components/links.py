"""Links to the app's own HTTP routes (downloads, zips, calendars), which the client-side router does not know."""

import reflex as rx


def route_link(*children, href: rx.Var | str, **props) -> rx.Component:
    """A link the browser loads as a real request instead of a client-side page change."""
    return rx.link(*children, href=href, reload_document=True, **props)
