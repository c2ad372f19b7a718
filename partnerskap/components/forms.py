"""Form fields with labels, hints and errors next to them, tied together for screen readers."""

from __future__ import annotations

import reflex as rx

from partnerskap.components.i18n import T
from partnerskap.state.base import AppState


def field_key(name: str, form: str = "") -> str:
    """The element id of a field, which is also the key of its error (see `guarded(form=...)`)."""
    return f"{form}-{name}" if form else name


def field_error(name: str, form: str = "") -> rx.Component:
    """The error for one field, announced when it appears."""
    key = field_key(name, form)
    return rx.cond(
        AppState.errors.contains(key),
        rx.text(AppState.errors[key], id=f"{key}-error", color="var(--red-11)", size="2", role="alert"),
    )


def field(label: str, name: str, *, form: str = "", type: str = "text", autocomplete: str = "", required: bool = True, hint: str = "", max_length: int = 0, default_value: rx.Var | str = "") -> rx.Component:
    """A labelled input whose error appears beside it; `form` keeps ids apart when a page has several forms."""
    key = field_key(name, form)
    described_by = f"{key}-error {key}-hint" if hint else f"{key}-error"
    extra = {"max_length": max_length} if max_length else {}
    return rx.box(
        rx.el.label(T(label), html_for=key, class_name="field-label"),
        *([rx.text(T(hint), id=f"{key}-hint", size="2", color="var(--gray-11)")] if hint else []),
        rx.input(
            id=key,
            name=name,
            type=type,
            auto_complete=autocomplete or "off",
            required=required,
            default_value=default_value,
            aria_invalid=rx.cond(AppState.errors.contains(key), "true", "false"),
            aria_describedby=described_by,
            width="100%",
            **extra,
        ),
        field_error(name, form),
        width="100%",
        class_name="field",
    )


def textarea_field(label: str, name: str, *, form: str = "", required: bool = True, max_length: int = 2000) -> rx.Component:
    """A labelled text area whose error appears beside it."""
    key = field_key(name, form)
    return rx.box(
        rx.el.label(T(label), html_for=key, class_name="field-label"),
        rx.text_area(id=key, name=name, required=required, max_length=max_length, aria_describedby=f"{key}-error", width="100%"),
        field_error(name, form),
        width="100%",
        class_name="field",
    )


def native_select(*options: rx.Component, value: rx.Var | str = "", **props) -> rx.Component:
    """A native select that shows `value`, also when the value arrives from the server after the page was drawn."""
    # React reads a select's defaultValue only when it mounts (an input follows a changed one, a select does not):
    # keyed by the value, the select is drawn again with the loaded value instead of silently showing its first option.
    keyed = {"key": value} if isinstance(value, rx.Var) else {}
    return rx.el.select(*options, default_value=value, class_name="native-select", **keyed, **props)


def choice(label: str, name: str, options: dict[str, str], *, value: rx.Var | str = "", form: str = "") -> rx.Component:
    """A labelled native select of fixed, translated options, its error beside it."""
    key = field_key(name, form)
    return rx.box(
        rx.el.label(T(label), html_for=key, class_name="field-label"),
        native_select(*[rx.el.option(T(text), value=option) for option, text in options.items()], value=value, id=key, name=name, aria_describedby=f"{key}-error"),
        field_error(name, form),
        width="100%",
        class_name="field",
    )


def submit(label: str) -> rx.Component:
    """The submit button of a form."""
    return rx.button(T(label), type="submit", size="3")


def labelled_upload(label: rx.Var, *children: rx.Component, **props) -> rx.Component:
    """Reflex's drop zone with an accessible name on its file input, which Reflex renders without one (axe: label)."""
    upload = rx.upload.root(*children, **props)
    zone = upload.children[0]
    file_input = next(child for child in zone.children if child.tag == "input")
    file_input.custom_attrs["aria-label"] = label
    return upload
