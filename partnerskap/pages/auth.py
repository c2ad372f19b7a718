"""Registration, login, e-mail confirmation and password reset."""

import reflex as rx

from partnerskap.components import two_factor
from partnerskap.components.forms import field, field_error, submit
from partnerskap.components.i18n import T
from partnerskap.components.layout import page
from partnerskap.state.accounts import AccountState


def register() -> rx.Component:
    """The registration form, with the terms that every uploader accepts."""
    return page(
        "Register",
        rx.cond(
            AccountState.registered,
            rx.callout.root(
                rx.callout.text(T("Thank you! We sent a message to your e-mail address. Open it to continue.")),
                role="status",
                id="registered",
            ),
            rx.form(
                rx.vstack(
                    field("Name", "name", autocomplete="name", max_length=120),
                    field("E-mail address", "email", type="email", autocomplete="email", max_length=254),
                    field("Organisation", "organisation", autocomplete="organization", required=False, max_length=160),
                    field("Password", "password", type="password", autocomplete="new-password", hint="At least 8 characters. A long passphrase is best."),
                    rx.box(
                        rx.text(T("Members keep the copyright of the material they upload and are responsible for it. Upload only material that you have the right to share."), size="2"),
                        # The link stays outside the label: inside, it became part of the checkbox's name.
                        rx.box(
                            rx.el.label(
                                rx.el.input(type="checkbox", name="terms", id="terms", aria_describedby="terms-error"),
                                rx.text(T("I accept the terms of use."), as_="span", margin_left="2"),
                                html_for="terms",
                            ),
                            rx.link(T("Read the terms of use"), href="/terms", margin_left="2"),
                            class_name="checkbox-label",
                        ),
                        field_error("terms"),
                        class_name="terms-box",
                    ),
                    submit("Register"),
                    spacing="4",
                    max_width="32em",
                ),
                on_submit=AccountState.register,
                aria_label=T("Register"),
            ),
        )
    )


def password_form() -> rx.Component:
    """E-mail address and password."""
    return rx.form(
        rx.vstack(
            field("E-mail address", "email", type="email", autocomplete="username"),
            field("Password", "password", type="password", autocomplete="current-password"),
            submit("Log in"),
            rx.link(T("Forgot your password?"), href="/forgot"),
            rx.text(T("No account yet?"), " ", rx.link(T("Register"), href="/register")),
            spacing="4",
            max_width="32em",
        ),
        on_submit=AccountState.log_in,
        aria_label=T("Log in"),
    )


def login() -> rx.Component:
    """The login form, then (for those who use it) the second factor: a code, or enrolling first (administrators)."""
    return page(
        "Log in",
        rx.cond(
            (AccountState.second_factor_step != "") & (AccountState.recovery_codes.length() == 0),
            rx.button(T("Start again with the password"), on_click=AccountState.restart_sign_in, variant="ghost", margin_bottom="var(--space-3)", id="restart-sign-in"),
        ),
        rx.match(
            AccountState.second_factor_step,
            ("code", two_factor.code_form(AccountState.enter_code, "second-factor", "Continue", hint="The six-digit code from your authenticator app, or one of your recovery codes.")),
            (
                "enrol",
                rx.cond(
                    AccountState.recovery_codes.length() > 0,
                    two_factor.recovery_codes(rx.button(T("I have kept the codes; continue"), on_click=AccountState.continue_sign_in, id="continue-sign-in")),
                    rx.vstack(
                        rx.text(T("Administrators sign in with a second factor. Set it up now to continue."), weight="bold"),
                        two_factor.enrolment(AccountState.enrol_at_sign_in),
                        spacing="3",
                    ),
                ),
            ),
            password_form(),
        ),
    )


def forgot() -> rx.Component:
    """Ask for a password reset link."""
    return page(
        "Forgot your password?",
        rx.cond(
            AccountState.reset_requested,
            rx.callout.root(rx.callout.text(T("If an account with this address exists, we sent it a link to reset the password.")), role="status", id="reset-requested"),
            rx.form(
                rx.vstack(
                    field("E-mail address", "email", type="email", autocomplete="email"),
                    submit("Send a reset link"),
                    spacing="4",
                    max_width="32em",
                ),
                on_submit=AccountState.request_reset,
                aria_label=T("Forgot your password?"),
            ),
        )
    )


def reset() -> rx.Component:
    """Choose a new password from an e-mailed link."""
    return page(
        "Choose a new password",
        rx.form(
            rx.vstack(
                field("New password", "password", type="password", autocomplete="new-password", hint="At least 8 characters. A long passphrase is best."),
                submit("Change the password"),
                spacing="4",
                max_width="32em",
            ),
            on_submit=AccountState.reset_password,
            aria_label=T("Choose a new password"),
        )
    )


def confirm() -> rx.Component:
    """The landing page of the e-mail confirmation link."""
    return page(
        "Confirm your e-mail address",
        rx.cond(
            AccountState.confirmed,
            rx.vstack(
                rx.text(T("Your e-mail address is confirmed."), id="confirmed"),
                rx.link(T("Log in"), href="/login"),
            ),
            rx.text(T("Checking the link…")),
        )
    )
