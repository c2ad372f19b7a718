"""The audit log of administrators' decisions and of their entries into workspaces they do not belong to."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class AuditEntry(SQLModel, table=True):
    """Who did what to whom (a person, or a workspace), when and why."""

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=64, index=True)
    target_user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", index=True)
    reason: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, index=True)
