"""Refusals: values the UI shows in the member's language, never stack traces."""

from __future__ import annotations


class Refused(Exception):
    """The request was refused; `message` is a catalogue message id, `values` fill its {named} places."""

    def __init__(self, message: str, **values: object):
        super().__init__(message)
        self.message = message
        self.values = values


class Invalid(Refused):
    """One or more inputs are wrong; `errors` maps each field to its message id."""

    def __init__(self, errors: dict[str, str]):
        first_message = next(iter(errors.values()))
        super().__init__(first_message)
        self.errors = errors
