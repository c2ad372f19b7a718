"""The administrators' dashboard: the instance at a glance, in one service call."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from partnerskap.db import transaction
from partnerskap.models import AuditEntry, AuthSession, Document, DocumentVersion, OutboxMessage, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services.permissions import require_admin
from partnerskap.services.sessions import Viewer
from partnerskap.services.transparency import DECISION_PREFIX, REPORT

WEEKS = 12
BUSIEST_WORKSPACES = 10
CASE_AGES = (("day", timedelta(days=1)), ("week", timedelta(days=7)), ("month", timedelta(days=30)))
ACTIVITY = (("week", timedelta(days=7)), ("month", timedelta(days=30)), ("quarter", timedelta(days=90)))


@dataclasses.dataclass(frozen=True)
class Overview:
    """What the dashboard shows: counts by status, per week, by age, by activity, by workspace."""

    members_by_status: dict[str, int]
    weeks: list[str]  # the Mondays (ISO dates) of the last WEEKS weeks, oldest first
    registrations: list[int]
    active_members: list[int]
    open_cases_by_age: dict[str, int]  # "day", "week", "month", "older"
    oldest_open_case_days: int | None
    workspaces_by_activity: dict[str, int]  # last active within a "week", "month", "quarter", or "older"
    storage_by_workspace: list[tuple[str, int]]  # name, bytes; the largest first
    outbox_failures: int


def overview(viewer: Viewer) -> Overview:
    """Everything the dashboard shows (administrators only)."""
    require_admin(viewer)
    now = utcnow()
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    first = monday - timedelta(weeks=WEEKS - 1)
    weeks = [first + timedelta(weeks=n) for n in range(WEEKS)]
    with transaction() as session:
        statuses = dict(session.exec(select(User.status, func.count()).group_by(User.status)).all())
        registered = _per_week(session.exec(select(User.created_at).where(col(User.created_at) >= first)).all(), first)
        visits = session.exec(select(AuthSession.user_id, AuthSession.last_seen_at).where(col(AuthSession.last_seen_at) >= first)).all()
        active = Counter(week for week in {(user_id, _week(seen, first)) for user_id, seen in visits})
        ages, oldest = _open_cases(session, now)
        activity = Counter(_bucket(now - at, ACTIVITY) for at in session.exec(select(Workspace.last_activity_at)).all())
        storage = session.exec(
            select(Workspace.name, func.sum(DocumentVersion.size))
            .join(Document, col(Document.workspace_id) == col(Workspace.id))
            .join(DocumentVersion, col(DocumentVersion.document_id) == col(Document.id))
            .group_by(col(Workspace.id), col(Workspace.name))
            .order_by(func.sum(DocumentVersion.size).desc())
            .limit(BUSIEST_WORKSPACES)
        ).all()
        failures = session.exec(select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None), OutboxMessage.error != "")).one()
    return Overview(
        members_by_status={str(status): count for status, count in statuses.items()},
        weeks=[week.date().isoformat() for week in weeks],
        registrations=[registered.get(n, 0) for n in range(WEEKS)],
        active_members=[active.get(n, 0) for n in range(WEEKS)],
        open_cases_by_age=dict(ages),
        oldest_open_case_days=oldest,
        workspaces_by_activity=dict(activity),
        storage_by_workspace=[(name, int(size or 0)) for name, size in storage],
        outbox_failures=failures,
    )


def _week(moment: datetime, first: datetime) -> int:
    return (moment - first).days // 7


def _per_week(moments: list[datetime], first: datetime) -> Counter:
    return Counter(_week(moment, first) for moment in moments)


def _bucket(age: timedelta, limits: tuple[tuple[str, timedelta], ...]) -> str:
    return next((name for name, limit in limits if age <= limit), "older")


def _open_cases(session: Session, now: datetime) -> tuple[Counter, int | None]:
    """Reported items without a decision since their first open report (from the record), by the age of that report."""
    opened: dict[tuple[str, int | None], datetime] = {}
    rows = session.exec(
        select(AuditEntry.action, AuditEntry.target_kind, AuditEntry.target_id, AuditEntry.created_at)
        .where((AuditEntry.action == REPORT) | col(AuditEntry.action).startswith(DECISION_PREFIX))
        .order_by(col(AuditEntry.created_at), col(AuditEntry.id))
    ).all()
    for action, kind, item, at in rows:
        if action == REPORT:
            opened.setdefault((kind, item), at)
        else:
            opened.pop((kind, item), None)
    ages = Counter(_bucket(now - at, CASE_AGES) for at in opened.values())
    oldest = max(((now - at).days for at in opened.values()), default=None)
    return ages, oldest
