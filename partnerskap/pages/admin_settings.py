"""Instance settings: what administrators change at run time over the environment's defaults, and the SMTP test."""

import reflex as rx

from partnerskap.components.forms import choice, field, submit
from partnerskap.components.i18n import T
from partnerskap.i18n import N_
from partnerskap.components.layout import page
from partnerskap.pages.admin import admin_nav
from partnerskap.state.admin_settings import AdminSettingsState

FORM = "settings"
POLICY_LABELS = {"open": N_("Anyone who confirms their e-mail address becomes a member"), "approval": N_("An administrator approves each new member")}


def settings() -> rx.Component:
    """The settings form and the SMTP test button."""
    return page(
        "Instance settings",
        admin_nav(),
        rx.form(
            rx.vstack(
                field("Name of the instance", "instance_name", form=FORM, required=False, max_length=120, default_value=AdminSettingsState.instance_name_setting, hint="Shown in the header and on the front page. Leave empty for the name in the server's configuration."),
                field("Organisation", "organisation", form=FORM, required=False, max_length=160, default_value=AdminSettingsState.organisation_setting),
                choice("Membership", "membership_policy", POLICY_LABELS, value=AdminSettingsState.membership_policy, form=FORM),
                field("Pre-moderation of new members (days)", "premoderation_days", form=FORM, type="number", default_value=AdminSettingsState.premoderation_days, hint="Posts and documents of members who joined fewer days ago wait for a moderator. 0: none wait."),
                field("Downloads after a workspace is closed (days)", "closed_grace_days", form=FORM, type="number", default_value=AdminSettingsState.closed_grace_days),
                field("Largest upload (MB)", "upload_limit_mb", form=FORM, type="number", default_value=AdminSettingsState.upload_limit_mb),
                rx.text(T("The server's maximum (MB)"), ": ", AdminSettingsState.server_max_upload_mb, size="2"),
                submit("Save"),
                spacing="4",
                max_width="36em",
            ),
            on_submit=AdminSettingsState.save,
            aria_label=T("Instance settings"),
        ),
        rx.heading(T("E-mail"), as_="h2", size="5", margin_top="var(--space-6)"),
        rx.text(T("Send a test message to your own address to check that e-mail works.")),
        rx.button(T("Send a test message"), on_click=AdminSettingsState.send_test_mail, variant="outline", margin_top="var(--space-2)", id="send-test-mail"),
    )
