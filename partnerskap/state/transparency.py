"""The public transparency report."""

from __future__ import annotations

from partnerskap import offload
from partnerskap.i18n import format_number
from partnerskap.schemas import TransparencyCount, TransparencyMonth
from partnerskap.services import transparency
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


class TransparencyState(AppState):
    """Reports and moderation actions per month, for anyone."""

    months: list[TransparencyMonth] = []
    counts: list[TransparencyCount] = []

    @guarded(Access.PUBLIC, loads_page=True)
    async def load(self, viewer: Viewer | None):
        """Fill the report from the record."""
        months = await offload.read(transparency.months)
        self.months = [
            TransparencyMonth(
                month=month.month,
                reports=month.reports_total,
                actions=month.actions_total,
                median_hours="" if month.median_hours_to_decision is None else format_number(month.median_hours_to_decision, self.lang),
            )
            for month in months
        ]
        self.counts = [
            *(TransparencyCount(month=m.month, kind="report", reason=reason, outcome="", count=n) for m in months for reason, n in sorted(m.reports.items())),
            *(
                TransparencyCount(month=m.month, kind="action", reason=reason, outcome=outcome, count=n)
                for m in months
                for reason, outcomes in sorted(m.actions_by_reason.items())
                for outcome, n in sorted(outcomes.items())
            ),
        ]
