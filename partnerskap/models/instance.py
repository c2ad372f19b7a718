"""The instance's settings an administrator may change at run time, over the environment's defaults."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class InstanceSettings(SQLModel, table=True):
    """One row (id 1); an empty text or a missing number means the environment's default (services.instance.effective)."""

    id: int | None = Field(default=None, primary_key=True)
    instance_name: str = Field(default="", max_length=120)
    organisation: str = Field(default="", max_length=160)
    membership_policy: str = Field(default="", max_length=16)
    premoderation_days: int | None = None
    closed_grace_days: int | None = None
    upload_limit_mb: int | None = None
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow)
