"""UI text looked up in the browser by the viewer's language, since pages compile only once."""

from __future__ import annotations

import reflex as rx

from partnerskap.i18n import DEFAULT_LANGUAGE, all_languages
from partnerskap.state.base import AppState


def T(message: str) -> rx.Var:
    """A catalogue message shown in the viewer's current language."""
    translations = all_languages(message)
    by_language = rx.Var.create({**translations, "": translations[DEFAULT_LANGUAGE]})
    return by_language[AppState.lang].to(str)


def T_choice(key: rx.Var, labels: dict[str, str]) -> rx.Var:
    """The label of a value known only in the browser (a status, a role), in the viewer's language."""
    table = {}
    for value, message in labels.items():
        translations = all_languages(message)
        table[value] = {**translations, "": translations[DEFAULT_LANGUAGE]}
    return rx.Var.create(table)[key].to(dict)[AppState.lang].to(str)
