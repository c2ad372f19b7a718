"""In-app notifications and what each member wants by e-mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class Notification(SQLModel, table=True):
    """Something a member should know, with a link to its place; its text is made from kind and params."""

    __table_args__ = (Index("ix_notification_user_id_read_at", "user_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=24)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id")
    link: str = Field(max_length=300)
    params: str = Field(default="{}", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    read_at: datetime | None = None
    emailed_at: datetime | None = None


class NotificationSettings(SQLModel, table=True):
    """Which kinds a member gets by e-mail, and how often."""

    user_id: int = Field(primary_key=True, foreign_key="user.id")
    email_kinds: str = Field(default="mention,invitation,decision,application", max_length=200)
    frequency: str = Field(default="immediate", max_length=16)
    last_digest_at: datetime | None = None
