"""The append-only record: every administrator's and moderator's action, in the transaction of the action itself.

Nothing here or anywhere changes or deletes an entry; the database's triggers refuse it (migration 0016).
Action names are `<area>.<verb>`; moderation uses `report.received` and `moderation.<outcome>` with the reported
item as target and the report's reason in `reason_code` (see docs/architecture.md, "The record"), which the
transparency report counts.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, date, datetime, time, timedelta

from collections.abc import Mapping

from sqlmodel import Session, col, select

from partnerskap.i18n import N_
from partnerskap.models import AuditEntry, User
from partnerskap.services.addresses import normalise_email
from partnerskap.services.errors import Invalid

KIND_MAX = 32
REASON_CODES = ("illegal", "harassment", "spam", "copyright", "privacy", "other")


def record(
    *,
    actor_id: int | None,
    action: str,
    target_user_id: int | None = None,
    workspace_id: int | None = None,
    target_kind: str = "",
    target_id: int | None = None,
    reason: str = "",
    reason_code: str = "",
    session: Session,
) -> AuditEntry:
    """Write one entry; a person or workspace given alone is the entry's target."""
    if not target_kind and target_user_id is not None:
        target_kind, target_id = "user", target_user_id
    elif not target_kind and workspace_id is not None:
        target_kind, target_id = "workspace", workspace_id
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        target_user_id=target_user_id,
        workspace_id=workspace_id,
        target_kind=target_kind[:KIND_MAX],
        target_id=target_id,
        reason=reason,
        reason_code=reason_code[:KIND_MAX],
    )
    session.add(entry)
    return entry


@dataclasses.dataclass(frozen=True)
class Filter:
    """Which entries to show: by actor (id or e-mail), action (or its area, `moderation.`), target kind and days (inclusive)."""

    actor_id: int | None = None
    actor_email: str = ""
    action: str = ""
    target_kind: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def of(cls, values: Mapping[str, object]) -> Filter:
        """A filter from a form or a query string (`actor`, `action`, `kind`, `since`, `until`); a day that is not YYYY-MM-DD is refused."""
        text = {name: str(values.get(name) or "").strip() for name in ("actor", "action", "kind", "since", "until")}
        days: dict[str, date | None] = {}
        for name in ("since", "until"):
            try:
                days[name] = date.fromisoformat(text[name]) if text[name] else None
            except ValueError:
                raise Invalid({name: N_("Enter a date like 2026-12-31.")}) from None
        return cls(actor_email=normalise_email(text["actor"]), action=text["action"][:64], target_kind=text["kind"][:KIND_MAX], since=days["since"], until=days["until"])


def entries(*, limit: int = 200, where: Filter = Filter(), session: Session) -> list[AuditEntry]:
    """The newest entries first, those the filter lets through."""
    query = select(AuditEntry)
    if where.actor_id is not None:
        query = query.where(AuditEntry.actor_id == where.actor_id)
    if where.actor_email:
        query = query.join(User, col(User.id) == col(AuditEntry.actor_id)).where(User.email == where.actor_email)
    if where.action.endswith("."):
        query = query.where(col(AuditEntry.action).startswith(where.action))
    elif where.action:
        query = query.where(AuditEntry.action == where.action)
    if where.target_kind:
        query = query.where(AuditEntry.target_kind == where.target_kind)
    if where.since is not None:
        query = query.where(col(AuditEntry.created_at) >= datetime.combine(where.since, time(), UTC))
    if where.until is not None:
        query = query.where(col(AuditEntry.created_at) < datetime.combine(where.until + timedelta(days=1), time(), UTC))
    return list(session.exec(query.order_by(col(AuditEntry.id).desc()).limit(limit)).all())


CSV_COLUMNS = ("id", "time", "actor_id", "actor", "action", "target_kind", "target_id", "target", "workspace_id", "reason_code", "reason")


def as_csv(rows: list[AuditEntry], names: dict[int, str], places: dict[int, str]) -> str:
    """The entries as CSV (UTC times in ISO 8601), names beside ids; cells that a spreadsheet would run as formulas are quoted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in rows:
        target = names.get(entry.target_id or 0, "") if entry.target_kind == "user" else places.get(entry.target_id or 0, "") if entry.target_kind == "workspace" else ""
        writer.writerow([
            entry.id,
            entry.created_at.astimezone(UTC).isoformat(timespec="seconds"),
            entry.actor_id or "",
            _cell(names.get(entry.actor_id or 0, "")),
            entry.action,
            entry.target_kind,
            entry.target_id or "",
            _cell(target),
            entry.workspace_id or "",
            entry.reason_code,
            _cell(entry.reason),
        ])
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
