"""Threads, posts and their history; what each member has read and follows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class Thread(SQLModel, table=True):
    """A discussion in one place (a workspace, a network, an open area or a private conversation); its first post is its opening."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", index=True)
    network_id: int | None = Field(default=None, foreign_key="network.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", index=True)
    title: str = Field(max_length=200)
    author_id: int = Field(foreign_key="user.id")
    pinned: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    last_post_at: datetime = Field(default_factory=utcnow, index=True)
    post_count: int = 0


class Post(SQLModel, table=True):
    """A markdown post; deleting keeps the row (and its history for moderators) but hides the text.

    Its sanitised HTML is rendered when the post is written, so reading a thread renders nothing.
    """

    __table_args__ = (UniqueConstraint("author_id", "idempotency_key"), Index("ix_post_thread_id_id", "thread_id", "id"))

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id")
    author_id: int = Field(foreign_key="user.id", index=True)
    body: str = Field(max_length=20000)
    html: str = Field(default="", sa_type=Text)
    quote_of: int | None = Field(default=None, foreign_key="post.id")
    idempotency_key: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    held: str = Field(default="", max_length=16)  # hidden by a moderator, or pending approval (models.moderation.Held)


class PostRevision(SQLModel, table=True):
    """An earlier text of an edited post, kept for moderators."""

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    body: str = Field(max_length=20000)
    replaced_at: datetime = Field(default_factory=utcnow)


class ThreadReader(SQLModel, table=True):
    """How far a member has read a thread, and whether they follow it."""

    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    last_read_post_id: int = 0
    following: bool = False


class Draft(SQLModel, table=True):
    """A half-written post that survives a reload (one per member and place)."""

    __table_args__ = (UniqueConstraint("user_id", "place"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    place: str = Field(max_length=64)
    body: str = Field(default="", max_length=20000)
    updated_at: datetime = Field(default_factory=utcnow)
