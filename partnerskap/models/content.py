"""Information content: pages, news and events in three languages (and plain language), their history and images."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from partnerskap.models.base import utcnow


class ContentKind(enum.StrEnum):
    """What an item is; each kind has its own public address (/info, /news, /events)."""

    PAGE = "page"
    NEWS = "news"
    EVENT = "event"


class Publication(enum.StrEnum):
    """Where an item stands; a scheduled item is public from `publish_at` on."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ContentItem(SQLModel, table=True):
    """One page, news item or event: what all its language versions share."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=8, index=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    default_language: str = Field(default="fi", max_length=5)
    status: str = Field(default=Publication.DRAFT, max_length=12, index=True)
    publish_at: datetime | None = Field(default=None, index=True)
    announced_at: datetime | None = None
    starts_at: datetime | None = Field(default=None, index=True)
    ends_at: datetime | None = None
    time_zone: str = Field(default="Europe/Helsinki", max_length=64)
    place: str = Field(default="", max_length=300)
    online_url: str = Field(default="", max_length=500)
    registration_url: str = Field(default="", max_length=500)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ContentVersion(SQLModel, table=True):
    """An item's text in one language, standard or plain; its HTML is rendered when it is saved."""

    __table_args__ = (UniqueConstraint("item_id", "language", "plain", name="uq_contentversion_item_language_plain"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="contentitem.id", index=True)
    language: str = Field(max_length=5)
    plain: bool = False
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    html: str = Field(default="", sa_column=Column(Text, nullable=False))
    outdated: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class ContentRevision(SQLModel, table=True):
    """A saved state of one language version, kept so that an editor can restore it."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="contentitem.id", index=True)
    language: str = Field(max_length=5)
    plain: bool = False
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    saved_by: int | None = Field(default=None, foreign_key="user.id")
    saved_at: datetime = Field(default_factory=utcnow)


class ContentImage(SQLModel, table=True):
    """An image of an item, resized and without metadata, public once its item is."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="contentitem.id", index=True)
    key: str = Field(max_length=200)
    width: int
    height: int
    uploaded_by: int | None = Field(default=None, foreign_key="user.id")
    uploaded_at: datetime = Field(default_factory=utcnow)


class EventAttendance(SQLModel, table=True):
    """A member who said they will attend a public event."""

    item_id: int = Field(foreign_key="contentitem.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    at: datetime = Field(default_factory=utcnow)


class NewsFollower(SQLModel, table=True):
    """A member who follows the instance's news."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    since: datetime = Field(default_factory=utcnow)


class ServiceLink(SQLModel, table=True):
    """A link to a related national service on the front page, arranged by administrators."""

    id: int | None = Field(default=None, primary_key=True)
    position: int = Field(default=0, index=True)
    title_fi: str = Field(max_length=120)
    title_sv: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    url: str = Field(max_length=500)
