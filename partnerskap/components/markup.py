"""Showing HTML that the server has already sanitised."""

import reflex as rx


def sanitised_html(html: rx.Var, **props) -> rx.Component:
    """HTML produced by services.markdown.render (sanitised with an allow-list on the server)."""
    return rx.html(html, class_name="post-body", **props)
