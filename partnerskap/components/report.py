"""The "Report" control of an item and the one report dialog every page shares."""

from __future__ import annotations

import reflex as rx
from reflex.vars import FunctionVar

from partnerskap.components.forms import field_error, submit, textarea_field
from partnerskap.components.i18n import T
from partnerskap.i18n import N_
from partnerskap.state.moderation import ReportState

REASON_LABELS = {
    "illegal": N_("Illegal content"),
    "harassment": N_("Harassment"),
    "spam": N_("Spam"),
    "copyright": N_("Copyright"),
    "privacy": N_("Privacy"),
    "other": N_("Other"),
}

# The dialog opens from state, not from a Radix trigger, so Radix has nowhere to return the focus when it closes and
# a keyboard user would land at the top of the page: it goes back to the control that opened it.
# Opened from a post's action menu, the focus is on a menu item that goes with the menu: the menu's button (which
# labels the menu) is where the member was.
_REMEMBER_OPENER = rx.Var(
    "() => { const at = document.activeElement; const menu = at && at.closest('[role=menu]');"
    " window.partnerskapReportOpener = (menu && document.getElementById(menu.getAttribute('aria-labelledby'))) || at; }"
).to(FunctionVar)
_RETURN_TO_OPENER = rx.Var("() => { window.partnerskapReportOpener?.focus(); window.partnerskapReportOpener = null; }").to(FunctionVar)


def report_control(kind: str, item_id: rx.Var) -> rx.Component:
    """The small "Report" control of an item."""
    return rx.button(T("Report"), on_click=ReportState.open_report(kind, item_id), size="1", variant="ghost", color_scheme="gray", class_name="report-control")


def report_dialog() -> rx.Component:
    """The report form: a reason and a note, for whichever item's control was pressed."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("Report")),
            rx.form(
                rx.vstack(
                    rx.el.label(T("Why are you reporting this?"), html_for="report-reason", class_name="field-label"),
                    rx.el.select(
                        *[rx.el.option(T(label), value=value) for value, label in REASON_LABELS.items()],
                        id="report-reason",
                        name="reason",
                        class_name="native-select",
                    ),
                    field_error("reason", "report"),
                    textarea_field("A note for the moderators", "note", form="report", required=False),
                    rx.hstack(
                        submit("Send the report"),
                        rx.button(T("Cancel"), on_click=ReportState.close_report, variant="outline", type="button", size="3"),
                        wrap="wrap",
                    ),
                    spacing="3",
                ),
                on_submit=ReportState.send_report,
                reset_on_submit=True,
            ),
            on_open_auto_focus=_REMEMBER_OPENER,
            on_close_auto_focus=_RETURN_TO_OPENER,
        ),
        open=ReportState.report_open,
        on_open_change=ReportState.report_dialog_changed,
    )
