"""In-app notifications, and what each member wants by e-mail and by push."""

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
    """Which kinds a member gets by e-mail, and how often; which come as push notifications to their devices."""

    user_id: int = Field(primary_key=True, foreign_key="user.id")
    email_kinds: str = Field(default="mention,invitation,decision,application", max_length=200)
    frequency: str = Field(default="immediate", max_length=16)
    push_kinds: str = Field(default="mention,invitation,decision,application", max_length=200, sa_column_kwargs={"server_default": "mention,invitation,decision,application"})
    last_digest_at: datetime | None = None


class PushSubscription(SQLModel, table=True):
    """One device of a member's that receives push notifications: the address and keys its browser gave."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    endpoint: str = Field(max_length=1000, unique=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    device: str = Field(default="", max_length=120)  # the browser's own name for itself, so the member can tell devices apart
    created_at: datetime = Field(default_factory=utcnow)
    last_success_at: datetime | None = None


class PushDelivery(SQLModel, table=True):
    """A push waiting to leave for one device: written with its notification, sent by the background job."""

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="pushsubscription.id", ondelete="CASCADE", index=True)
    payload: str = Field(max_length=2000)  # title, text and link in the member's language, as JSON
    due_at: datetime = Field(default_factory=utcnow, index=True)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = None
