"""The pieces of two-factor sign-in that the login and account pages share: enrolling and the recovery codes."""

from __future__ import annotations

import reflex as rx

from partnerskap.components.forms import field, submit
from partnerskap.components.i18n import T
from partnerskap.state.accounts import AccountState


def code_form(handler, form: str, button: str, hint: str = "") -> rx.Component:
    """One code field and its button."""
    return rx.form(
        rx.vstack(
            field("Code", "code", form=form, autocomplete="one-time-code", max_length=20, hint=hint),
            submit(button),
            spacing="4",
            max_width="32em",
        ),
        on_submit=handler,
        reset_on_submit=True,
        aria_label=T(button),
    )


def enrolment(handler) -> rx.Component:
    """The new secret as a QR code and as text, and the first code that switches it on."""
    return rx.vstack(
        rx.text(T("Scan the QR code with an authenticator app, or type the key into it, then enter the six-digit code it shows.")),
        rx.image(src=AccountState.enrol_qr_code, alt=T("QR code of the key for the authenticator app"), width="200px", height="200px", id="enrol-qr-code"),
        rx.text(T("Key"), ": ", rx.code(AccountState.enrol_secret, id="enrol-secret")),
        code_form(handler, "enrol", "Switch two-factor sign-in on"),
        spacing="3",
        align="start",
    )


def recovery_codes(*after: rx.Component) -> rx.Component:
    """The recovery codes, shown once."""
    return rx.vstack(
        rx.heading(T("Recovery codes"), as_="h2", size="5"),
        rx.text(T("Keep these codes somewhere safe. Each one signs you in once if you lose your authenticator. They are not shown again.")),
        rx.el.ul(rx.foreach(AccountState.recovery_codes, lambda code: rx.el.li(rx.code(code))), id="recovery-codes"),
        *after,
        spacing="3",
        align="start",
    )
