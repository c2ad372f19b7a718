"""The public transparency report: reports and moderation actions per month, with no personal data."""

import reflex as rx

from partnerskap.components.i18n import T, T_choice
from partnerskap.components.layout import page
from partnerskap.components.table import data_table, row_cell
from partnerskap.i18n import N_
from partnerskap.schemas import TransparencyCount, TransparencyMonth
from partnerskap.state.transparency import TransparencyState

REASON_LABELS = {
    "illegal": N_("Illegal content"),
    "harassment": N_("Harassment"),
    "spam": N_("Spam"),
    "copyright": N_("Copyright"),
    "privacy": N_("Privacy"),
    "other": N_("Other"),
    "none": N_("Without a report"),
}
OUTCOME_LABELS = {
    "": N_("Reports received"),
    "dismiss": N_("Dismissed"),
    "hide": N_("Hidden"),
    "remove": N_("Removed"),
    "warn": N_("Author warned"),
    "suspend": N_("Author suspended"),
    "close": N_("Workspace closed"),
}


def month_row(month: TransparencyMonth) -> rx.Component:
    """One month's totals."""
    return rx.table.row(
        row_cell("Month", month.month, header=True),
        row_cell("Reports", month.reports),
        row_cell("Decisions", month.actions),
        row_cell("Median time to decision (hours)", rx.cond(month.median_hours != "", month.median_hours, "–")),
    )


def count_row(count: TransparencyCount) -> rx.Component:
    """Reports with one reason, or decisions with one outcome for one reason, in a month."""
    return rx.table.row(
        row_cell("Month", count.month, header=True),
        row_cell("Reason", T_choice(count.reason, REASON_LABELS)),
        row_cell("Outcome", T_choice(count.outcome, OUTCOME_LABELS)),
        row_cell("Number", count.count),
    )


def transparency() -> rx.Component:
    """Reports and actions per month by reason and outcome, and the median time to a decision."""
    return page(
        "Transparency report",
        rx.text(T("How many reports this instance received and what its moderators decided, month by month. Counted from the moderation record; it names nobody."), max_width="46em"),
        rx.link(T("The same as JSON"), href="/transparency.json", is_external=True),
        rx.cond(
            TransparencyState.months.length() == 0,
            rx.text(T("No reports or moderation actions yet."), margin_top="var(--space-4)", id="transparency-empty"),
            rx.vstack(
                data_table("Transparency report", ("Month", "Reports", "Decisions", "Median time to decision (hours)"), TransparencyState.months, month_row, id="transparency-months"),
                rx.heading(T("By reason and outcome"), as_="h2", size="5"),
                data_table("By reason and outcome", ("Month", "Reason", "Outcome", "Number"), TransparencyState.counts, count_row),
                spacing="4",
                margin_top="var(--space-4)",
                width="100%",
            ),
        ),
    )
