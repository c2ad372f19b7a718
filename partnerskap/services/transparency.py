"""The public transparency report: reports and moderation actions per month by reason and outcome, and the median time to
a decision, computed from the record (services.audit) and holding no personal data."""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter, defaultdict
from datetime import datetime

from sqlmodel import col, or_, select

from partnerskap.db import transaction
from partnerskap.models import AuditEntry

REPORT = "report.received"
DECISION_PREFIX = "moderation."
OUTCOMES = ("dismiss", "hide", "remove", "warn", "suspend", "close")


@dataclasses.dataclass(frozen=True)
class Month:
    """One calendar month (UTC) of the report: what came in, what was decided, and how fast."""

    month: str
    reports: dict[str, int]
    actions: dict[str, int]
    actions_by_reason: dict[str, dict[str, int]]
    median_hours_to_decision: float | None

    @property
    def reports_total(self) -> int:
        """Reports received this month."""
        return sum(self.reports.values())

    @property
    def actions_total(self) -> int:
        """Decisions taken this month."""
        return sum(self.actions.values())


def months() -> list[Month]:
    """Every month with a report or a decision, newest first."""
    with transaction() as session:
        rows = session.exec(
            select(AuditEntry.action, AuditEntry.reason_code, AuditEntry.target_kind, AuditEntry.target_id, AuditEntry.created_at)
            .where(or_(AuditEntry.action == REPORT, col(AuditEntry.action).startswith(DECISION_PREFIX)))
            .order_by(col(AuditEntry.created_at), col(AuditEntry.id))
        ).all()
    reports: dict[str, Counter] = defaultdict(Counter)
    actions: dict[str, Counter] = defaultdict(Counter)
    by_reason: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    waits: dict[str, list[float]] = defaultdict(list)
    open_since: dict[tuple[str, int | None], tuple[datetime, str]] = {}  # the first open report of each reported item, and its reason
    for action, reason_code, target_kind, target_id, at in rows:
        month = at.strftime("%Y-%m")
        item = (target_kind, target_id)
        if action == REPORT:
            reports[month][reason_code or "other"] += 1
            open_since.setdefault(item, (at, reason_code or "other"))
            continue
        outcome = action.removeprefix(DECISION_PREFIX)
        if outcome not in OUTCOMES:  # approving a held item, reopening, deleting, an appeal: not a decision on a report
            continue
        actions[month][outcome] += 1
        reported = open_since.pop(item, None)
        reason = reason_code or (reported[1] if reported else "none")
        by_reason[month][reason][outcome] += 1
        if reported is not None:
            waits[month].append((at - reported[0]).total_seconds() / 3600)
    return [
        Month(
            month=month,
            reports=dict(reports[month]),
            actions=dict(actions[month]),
            actions_by_reason={reason: dict(counts) for reason, counts in by_reason[month].items()},
            median_hours_to_decision=round(statistics.median(waits[month]), 1) if waits[month] else None,
        )
        for month in sorted(set(reports) | set(actions), reverse=True)
    ]


def as_json() -> dict:
    """The report as published at /transparency.json."""
    return {
        "months": [
            {
                "month": month.month,
                "reports": month.reports,
                "reports_total": month.reports_total,
                "actions": month.actions,
                "actions_total": month.actions_total,
                "actions_by_reason": month.actions_by_reason,
                "median_hours_to_decision": month.median_hours_to_decision,
            }
            for month in months()
        ]
    }
