"""Events in a workspace's calendar."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class Event(SQLModel, table=True):
    """A meeting or happening with a time (stored in UTC, shown in its time zone)."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    title: str = Field(max_length=200)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    time_zone: str = Field(default="Europe/Helsinki", max_length=64)
    place: str = Field(default="", max_length=300)
    online_url: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=5000)
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
