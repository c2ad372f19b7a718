"""The administrators' dashboard: the instance at a glance, as chart data in the viewer's language."""

from __future__ import annotations

from partnerskap import offload
from partnerskap.i18n import N_, format_number, t
from partnerskap.services import dashboard
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded

STATUS_LABELS = {
    "unconfirmed": N_("E-mail not confirmed"),
    "pending": N_("Waiting for approval"),
    "approved": N_("Members"),
    "denied": N_("Denied"),
    "suspended": N_("Suspended"),
}
CASE_AGE_LABELS = {"day": N_("Under a day"), "week": N_("Under a week"), "month": N_("Under a month"), "older": N_("Older")}
ACTIVITY_LABELS = {"week": N_("Active this week"), "month": N_("This month"), "quarter": N_("This quarter"), "older": N_("Quiet longer")}


class AdminDashboardState(AppState):
    """Chart data: each list holds {"name": label, "value"/…: number} rows."""

    members_by_status: list[dict[str, str | int]] = []
    per_week: list[dict[str, str | int]] = []
    open_cases: list[dict[str, str | int]] = []
    oldest_open_case_days: int = -1
    workspaces_by_activity: list[dict[str, str | int]] = []
    storage_by_workspace: list[dict[str, str | float]] = []
    outbox_failures: int = 0

    @guarded(Access.ADMIN, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the charts with one service call."""
        seen = await offload.read(dashboard.overview, viewer)
        language = self.lang
        self.members_by_status = [{"name": t(label, language), "value": seen.members_by_status.get(status, 0)} for status, label in STATUS_LABELS.items()]
        self.per_week = [
            {"name": week[5:], "registrations": registered, "active": active}
            for week, registered, active in zip(seen.weeks, seen.registrations, seen.active_members, strict=True)
        ]
        self.open_cases = [{"name": t(label, language), "value": seen.open_cases_by_age.get(age, 0)} for age, label in CASE_AGE_LABELS.items()]
        self.oldest_open_case_days = -1 if seen.oldest_open_case_days is None else seen.oldest_open_case_days
        self.workspaces_by_activity = [{"name": t(label, language), "value": seen.workspaces_by_activity.get(age, 0)} for age, label in ACTIVITY_LABELS.items()]
        self.storage_by_workspace = [{"name": name, "value": round(size / 2**20, 1), "label": format_number(round(size / 2**20, 1), language)} for name, size in seen.storage_by_workspace]
        self.outbox_failures = seen.outbox_failures
