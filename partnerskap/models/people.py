"""Profiles, the lists they choose from, networks, open discussion areas and private conversations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class ListEntry(SQLModel, table=True):
    """One entry of a list administrators keep (organisation types, regions, themes), named in three languages."""

    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24, index=True)
    key: str = Field(max_length=64)
    label_fi: str = Field(max_length=120)
    label_sv: str = Field(max_length=120)
    label_en: str = Field(max_length=120)
    position: int = 0


class Profile(SQLModel, table=True):
    """What a member tells others about themselves, and which of it visitors may see."""

    __table_args__ = (Index("ix_profile_region_public", "region", "public_region"),)

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    title: str = Field(default="", max_length=120)
    organisation_type: str = Field(default="", max_length=64, index=True)
    region: str = Field(default="", max_length=64)
    bio: str = Field(default="", max_length=1000)
    show_email: bool = False
    messages_from: str = Field(default="everyone", max_length=16)
    # Visitors see the member (their name) only when `public` is chosen, and then each field only when its own flag is.
    public: bool = Field(default=False, index=True)
    public_picture: bool = False
    public_organisation: bool = False
    public_organisation_type: bool = False
    public_title: bool = False
    public_region: bool = False
    public_languages: bool = False
    public_themes: bool = False
    public_bio: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class ProfileTheme(SQLModel, table=True):
    """A theme a member knows about: one row each, so the directory filters through an index."""

    __table_args__ = (UniqueConstraint("theme", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    theme: str = Field(max_length=64)


class ProfileLanguage(SQLModel, table=True):
    """A language a member speaks: one row each, so the directory filters through an index."""

    __table_args__ = (UniqueConstraint("language", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    language: str = Field(max_length=16)


class Network(SQLModel, table=True):
    """A standing group of members around a theme, a region or a kind of organisation."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120, unique=True, index=True)
    purpose: str = Field(default="", max_length=1000)
    kind: str = Field(default="theme", max_length=16)
    access: str = Field(default="open", max_length=16)
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    merged_into: int | None = Field(default=None, foreign_key="network.id")
    # Members not pending, kept in the transactions of services.networks that add and remove them: a network's page and
    # the list of networks read it instead of counting thousands of rows on every view.
    member_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class NetworkMember(SQLModel, table=True):
    """A member of a network (or one asking to join it, while `pending`)."""

    __table_args__ = (UniqueConstraint("network_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(default="member", max_length=16)
    pending: bool = False
    joined_at: datetime = Field(default_factory=utcnow)


class NetworkWorkspace(SQLModel, table=True):
    """A workspace linked to a network."""

    __table_args__ = (UniqueConstraint("network_id", "workspace_id"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="network.id", index=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)


class Area(SQLModel, table=True):
    """An open discussion area: every approved member reads and posts without joining."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120, unique=True, index=True)
    description: str = Field(default="", max_length=1000)
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Conversation(SQLModel, table=True):
    """A private conversation between a few members (direct messages)."""

    id: int | None = Field(default=None, primary_key=True)
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class ConversationMember(SQLModel, table=True):
    """A member taking part in a private conversation."""

    __table_args__ = (UniqueConstraint("conversation_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
