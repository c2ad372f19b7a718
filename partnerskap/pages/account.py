"""The viewer's membership status and own account."""

import reflex as rx

from partnerskap.components import two_factor
from partnerskap.components.avatar import avatar
from partnerskap.components.forms import field, field_error, labelled_upload, submit
from partnerskap.components.i18n import T, T_choice
from partnerskap.components.labels import MEMBERSHIP_STATUS_MESSAGES
from partnerskap.components.layout import page
from partnerskap.state.accounts import AccountState


def status() -> rx.Component:
    """Where the viewer's membership stands; the only page pending and denied people can use."""
    return page(
        "Membership",
        rx.text(T_choice(AccountState.viewer_status, MEMBERSHIP_STATUS_MESSAGES), id="membership-status", size="4"),
        rx.cond(
            AccountState.status_reason != "",
            rx.box(rx.text(T("Reason"), weight="bold"), rx.text(AccountState.status_reason), margin_top="var(--space-3)"),
        ),
        rx.cond(
            AccountState.viewer_status == "suspended",
            rx.box(
                rx.text(T("Suspended until"), ": ", rx.cond(AccountState.suspended_until != "", AccountState.suspended_until, T("further notice")), id="suspended-until"),
                rx.cond(AccountState.appeal_case > 0, rx.link(T("Appeal the decision"), href="/moderation/cases/" + AccountState.appeal_case.to(str))),
                margin_top="var(--space-3)",
            ),
        ),
        rx.cond(
            AccountState.viewer_status == "unconfirmed",
            rx.button(T("Send the link again"), on_click=AccountState.resend_confirmation, margin_top="var(--space-4)", variant="outline"),
        ),
        rx.cond(AccountState.is_member, rx.link(T("Go to your home"), href="/home", margin_top="var(--space-4)"))
    )


PICTURE_UPLOAD = "picture-upload"


def picture_form() -> rx.Component:
    """The member's picture, or initials; choose a new one or remove it."""
    return rx.hstack(
        avatar(AccountState.viewer_picture, AccountState.viewer_initials, size="6"),
        rx.vstack(
            labelled_upload(
                T("Choose a picture"),
                rx.button(T("Choose a picture"), type="button", variant="outline"),
                id=PICTURE_UPLOAD,
                multiple=False,
                max_files=1,
                accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"], "image/gif": [".gif"]},
                on_drop=AccountState.receive_picture(rx.upload_files_chunk(upload_id=PICTURE_UPLOAD)),
                no_drag=True,
            ),
            field_error("avatar", "picture"),
            rx.text(T("JPEG, PNG, WebP or GIF, at most 5 MB. It is made square and small, and what the camera wrote into it (such as the place) is removed."), size="1"),
            rx.cond(AccountState.viewer_picture != "", rx.button(T("Remove the picture"), on_click=AccountState.remove_picture, variant="ghost", color_scheme="red", size="1")),
            spacing="2",
        ),
        align="center",
        spacing="4",
        id="picture",
    )


def account() -> rx.Component:
    """Profile and password."""
    return page(
        "My account",
        rx.text(T("E-mail address"), ": ", AccountState.email),
        rx.text(T("Member since"), ": ", AccountState.member_since),
        rx.cond(
            ~AccountState.email_confirmed,
            rx.callout.root(
                rx.callout.text(T("Your e-mail address is not confirmed yet. Invitations sent to it reach you once you open the confirmation link we e-mailed you.")),
                rx.button(T("Send the link again"), on_click=AccountState.resend_confirmation, variant="outline", width="fit-content"),
                id="email-unconfirmed",
                margin_top="var(--space-3)",
            ),
        ),
        rx.heading(T("Picture"), as_="h2", size="5", margin_top="var(--space-6)"),
        picture_form(),
        rx.heading(T("Profile"), as_="h2", size="5", margin_top="var(--space-6)"),
        rx.link(T("Complete your profile: themes, region, languages and who sees them"), href="/profile", id="profile-link"),
        rx.form(
            rx.vstack(
                field("Name", "name", autocomplete="name", max_length=120, default_value=AccountState.viewer_name),
                field("Organisation", "organisation", autocomplete="organization", required=False, max_length=160, default_value=AccountState.organisation),
                submit("Save"),
                spacing="4",
                max_width="32em",
            ),
            on_submit=AccountState.save_profile,
            aria_label=T("Profile"),
        ),
        rx.heading(T("Change the password"), as_="h2", size="5", margin_top="var(--space-6)"),
        rx.form(
            rx.vstack(
                field("Current password", "current_password", type="password", autocomplete="current-password"),
                field("New password", "new_password", type="password", autocomplete="new-password", hint="At least 8 characters. A long passphrase is best."),
                submit("Change the password"),
                spacing="4",
                max_width="32em",
            ),
            on_submit=AccountState.change_password,
            aria_label=T("Change the password"),
        ),
        rx.heading(T("Log out on all devices"), as_="h2", size="5", margin_top="var(--space-6)"),
        rx.text(T("Ends every session of your account, on this computer and on every other one where you are logged in.")),
        rx.button(T("Log out on all devices"), on_click=AccountState.log_out_everywhere, variant="outline", margin_top="var(--space-3)", id="log-out-everywhere"),
        two_factor_section(),
        your_data_section(),
    )


def your_data_section() -> rx.Component:
    """Download all of one's data; delete one's account, keeping or removing what one wrote and uploaded."""
    return rx.box(
        rx.heading(T("Your data"), as_="h2", size="5", margin_top="var(--space-6)"),
        rx.text(T("Download everything this instance holds about you as one zip file: your profile, posts, notifications, the documents you uploaded and the administrators' records about you.")),
        rx.link(T("Download my data"), href="/account/my-data.zip", is_external=True, id="download-my-data", class_name="button-link", margin_top="var(--space-2)"),
        rx.heading(T("Delete your account"), as_="h3", size="4", margin_top="var(--space-5)"),
        rx.text(T("Your sessions end and your profile is erased. Choose what happens to your posts and the documents you uploaded.")),
        rx.form(
            rx.vstack(
                rx.el.fieldset(
                    rx.el.legend(T("Your posts and documents"), class_name="field-label"),
                    rx.el.label(rx.el.input(type="radio", name="content", value="keep", default_checked=True), " ", T("Keep them under the name “Former member”"), class_name="checkbox-label"),
                    rx.el.label(rx.el.input(type="radio", name="content", value="remove", id="delete-account-remove"), " ", T("Remove them, files included"), class_name="checkbox-label"),
                ),
                field("Password", "password", form="delete-account", type="password", autocomplete="current-password"),
                rx.button(T("Delete my account"), type="submit", color_scheme="red", variant="soft", id="delete-account-button"),
                spacing="3",
                max_width="32em",
            ),
            on_submit=AccountState.delete_account,
            aria_label=T("Delete your account"),
        ),
    )


def two_factor_section() -> rx.Component:
    """Switch two-factor sign-in on (optional for members) or off (administrators keep it)."""
    return rx.box(
        rx.heading(T("Two-factor sign-in"), as_="h2", size="5", margin_top="var(--space-6)"),
        rx.cond(
            AccountState.recovery_codes.length() > 0,
            two_factor.recovery_codes(),
            rx.cond(
                AccountState.two_factor_on,
                rx.vstack(
                    rx.text(T("Two-factor sign-in is on: after the password you enter a code from your authenticator app."), id="two-factor-on"),
                    rx.cond(
                        ~AccountState.is_admin,
                        two_factor.code_form(AccountState.switch_off_two_factor, "switch-off", "Switch two-factor sign-in off"),
                    ),
                    spacing="3",
                ),
                rx.cond(
                    AccountState.enrol_secret != "",
                    two_factor.enrolment(AccountState.finish_two_factor),
                    rx.vstack(
                        rx.text(T("With two-factor sign-in, a password alone does not open your account: you also enter a code from an authenticator app.")),
                        rx.button(T("Set up two-factor sign-in"), on_click=AccountState.begin_two_factor, variant="outline"),
                        spacing="3",
                    ),
                ),
            ),
        ),
    )
