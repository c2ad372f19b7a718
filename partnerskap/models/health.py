"""The one row /healthz writes to prove the database accepts writes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class HealthCheck(SQLModel, table=True):
    """When a worker's health check last wrote to the database (one row, rewritten by every check)."""

    __tablename__ = "health_check"

    id: int = Field(primary_key=True)
    checked_at: datetime = Field(default_factory=utcnow)
