"""Workspaces, who belongs to them, and how people get in."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class Lifecycle(enum.StrEnum):
    """Where a workspace is in its life."""

    PREPARING = "preparing"
    ACTIVE = "active"
    ARCHIVED = "archived"
    CLOSED = "closed"  # by an administrator: read-only, with a reason; deleted after the grace period
    DELETED = "deleted"  # closed and emptied: the row stays for the record


class AccessPolicy(enum.StrEnum):
    """How members get into a workspace."""

    OPEN = "open"
    REQUEST = "request"
    INVITATION = "invitation"


class WorkspaceRole(enum.StrEnum):
    """What a person may do inside one workspace."""

    OWNER = "owner"
    MODERATOR = "moderator"
    MEMBER = "member"


class Workspace(SQLModel, table=True):
    """A free space for a project or an event."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120, unique=True, index=True)
    purpose: str = Field(max_length=300)
    description: str = Field(default="", max_length=10000)
    kind: str = Field(default="project", max_length=16)
    starts_on: date | None = None
    ends_on: date | None = None
    language: str = Field(default="fi", max_length=5)
    colour: str = Field(default="teal", max_length=16)
    lifecycle: str = Field(default=Lifecycle.ACTIVE, max_length=16, index=True)
    access: str = Field(default=AccessPolicy.OPEN, max_length=16, index=True)
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    last_activity_at: datetime = Field(default_factory=utcnow, index=True)
    inactivity_prompted_at: datetime | None = None
    premoderation_days: int = 0  # posts and documents of members newer than this wait for approval (0: off)
    closed_reason: str = Field(default="", max_length=2000)
    closed_by: int | None = None  # the administrator's user id; no foreign key, which SQLite could add only by rebuilding the table
    closed_at: datetime | None = None


class Membership(SQLModel, table=True):
    """A person's role in a workspace."""

    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(default=WorkspaceRole.MEMBER, max_length=16)
    joined_at: datetime = Field(default_factory=utcnow)


class JoinRequest(SQLModel, table=True):
    """A member asking to join an on-request workspace."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    message: str = Field(default="", max_length=1000)
    status: str = Field(default="pending", max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = None


class Invitation(SQLModel, table=True):
    """An invitation to a workspace, for an existing member or an e-mail address."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    email: str = Field(max_length=254, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    invited_by: int = Field(foreign_key="user.id")
    status: str = Field(default="pending", max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
