"""The append-only record of administrators' and moderators' actions: the database refuses to change or delete an entry."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class AuditEntry(SQLModel, table=True):
    """Who did what to what (`target_kind` and `target_id`: a user, workspace, post, document…), when and why.

    Triggers (migration 0016) refuse every UPDATE and DELETE of a row, on SQLite and PostgreSQL.
    """

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=64, index=True)
    target_user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", index=True)
    target_kind: str = Field(default="", max_length=32, index=True)
    target_id: int | None = Field(default=None, index=True)
    reason_code: str = Field(default="", max_length=32)
    reason: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, index=True)
