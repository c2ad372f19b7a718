"""Refusals: values the UI shows in the member's language, never stack traces."""

from __future__ import annotations


class Refused(Exception):
    """The request was refused; `message` is a catalogue message id, `field` the input it concerns."""

    def __init__(self, message: str, *, field: str = "", **values: object):
        super().__init__(message)
        self.message = message
        self.field = field
        self.values = values


class Invalid(Refused):
    """One or more inputs are wrong; `errors` maps each field to its message id."""

    def __init__(self, errors: dict[str, str]):
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, field=first_field)
        self.errors = errors


def N_(message: str) -> str:
    """Mark a message for the catalogues without translating it here."""
    return message
