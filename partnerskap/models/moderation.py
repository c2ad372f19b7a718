"""Moderation: reports of items grouped into cases, and what moderators decided about them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class ItemKind(enum.StrEnum):
    """What can be reported."""

    POST = "post"
    DOCUMENT = "document"
    WORKSPACE = "workspace"
    EVENT = "event"
    MEMBER = "member"
    NETWORK = "network"
    CONTENT = "content"  # a published page, news item or event of the editors


class CaseStatus(enum.StrEnum):
    """Where a case stands: open in the queue, decided, appealed (open again for another administrator), or final."""

    OPEN = "open"
    DECIDED = "decided"
    APPEALED = "appealed"
    FINAL = "final"


class Held(enum.StrEnum):
    """Why a post or document is kept from members: hidden by a moderator, or waiting for approval."""

    VISIBLE = ""
    HIDDEN = "hidden"
    PENDING = "pending"


class ModerationCase(SQLModel, table=True):
    """One reported item (or one waiting for approval) and what was decided about it."""

    __table_args__ = (Index("ix_moderationcase_item", "item_kind", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(default="report", max_length=16)  # report, or approval (pre-moderation)
    item_kind: str = Field(max_length=16)
    item_id: int
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    excerpt: str = Field(default="", max_length=300)
    status: str = Field(default=CaseStatus.OPEN, max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    decision: str = Field(default="", max_length=16)
    reason: str = Field(default="", max_length=2000)
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = None
    appealed_at: datetime | None = None
    appeal_note: str = Field(default="", max_length=2000)
    first_decided_by: int | None = Field(default=None, foreign_key="user.id")


class Report(SQLModel, table=True):
    """One member's report of an item: why, and a note."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="moderationcase.id", index=True)
    reporter_id: int = Field(foreign_key="user.id", index=True)
    reason: str = Field(max_length=16)
    note: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
