"""The audit log: every administrator decision, and every entry into a workspace they do not belong to, in its transaction."""

from __future__ import annotations

from sqlmodel import Session, col, select

from partnerskap.models import AuditEntry


def record(*, actor_id: int | None, action: str, target_user_id: int | None = None, workspace_id: int | None = None, reason: str = "", session: Session) -> None:
    """Write one entry."""
    session.add(AuditEntry(actor_id=actor_id, action=action, target_user_id=target_user_id, workspace_id=workspace_id, reason=reason))


def entries(*, limit: int = 200, session: Session) -> list[AuditEntry]:
    """The newest entries first."""
    return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)).all())
