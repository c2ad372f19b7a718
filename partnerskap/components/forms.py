"""Form fields with labels, hints and errors next to them, tied together for screen readers."""

from __future__ import annotations

import reflex as rx

from partnerskap.components.i18n import T
from partnerskap.state.base import AppState


def field_error(name: str) -> rx.Component:
    """The error for one field, announced when it appears."""
    return rx.cond(
        AppState.errors.contains(name),
        rx.text(AppState.errors[name], id=f"{name}-error", color="var(--red-11)", size="2", role="alert"),
    )


def field(label: str, name: str, *, type: str = "text", autocomplete: str = "", required: bool = True, hint: str = "", max_length: int = 0, default_value: rx.Var | str = "") -> rx.Component:
    """A labelled input whose error appears beside it."""
    described_by = f"{name}-error {name}-hint" if hint else f"{name}-error"
    extra = {"max_length": max_length} if max_length else {}
    return rx.box(
        rx.el.label(T(label), html_for=name, class_name="field-label"),
        *([rx.text(T(hint), id=f"{name}-hint", size="2", color="var(--gray-11)")] if hint else []),
        rx.input(
            id=name,
            name=name,
            type=type,
            auto_complete=autocomplete or "off",
            required=required,
            default_value=default_value,
            aria_invalid=rx.cond(AppState.errors.contains(name), "true", "false"),
            aria_describedby=described_by,
            width="100%",
            **extra,
        ),
        field_error(name),
        width="100%",
        class_name="field",
    )


def textarea_field(label: str, name: str, *, required: bool = True, max_length: int = 2000) -> rx.Component:
    """A labelled text area whose error appears beside it."""
    return rx.box(
        rx.el.label(T(label), html_for=name, class_name="field-label"),
        rx.text_area(id=name, name=name, required=required, max_length=max_length, aria_describedby=f"{name}-error", width="100%"),
        field_error(name),
        width="100%",
        class_name="field",
    )


def submit(label: str) -> rx.Component:
    """The submit button of a form."""
    return rx.button(T(label), type="submit", size="3")
