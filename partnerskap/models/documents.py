"""Workspace libraries: folders, documents, their versions, and who downloaded what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class Folder(SQLModel, table=True):
    """A folder in a workspace's library (folders nest)."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="folder.id", index=True)
    name: str = Field(max_length=120)
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    """A document; its bytes live in versions. Deleting moves it to the trash until it is purged."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    folder_id: int | None = Field(default=None, foreign_key="folder.id", index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    rights_holder: str = Field(default="", max_length=200)
    licence: str = Field(default="all-rights-reserved", max_length=32)
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    deleted_at: datetime | None = Field(default=None, index=True)
    deleted_by: int | None = Field(default=None, foreign_key="user.id")
    held: str = Field(default="", max_length=16)  # hidden by a moderator, or pending approval (models.moderation.Held)


class DocumentVersion(SQLModel, table=True):
    """One uploaded file: the stored object's key, size, type and checksum."""

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    number: int
    storage_key: str = Field(max_length=200, unique=True)
    size: int
    content_type: str = Field(max_length=100)
    sha256: str = Field(max_length=64)
    uploaded_by: int = Field(foreign_key="user.id", index=True)
    uploaded_at: datetime = Field(default_factory=utcnow)


class DownloadLog(SQLModel, table=True):
    """Who downloaded which version, and when: the disclosure log administrators read.

    A purged document's rows stay, with its name, and their document and version ids are cleared.
    """

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    version_id: int | None = Field(default=None, foreign_key="documentversion.id")
    document_name: str = Field(default="", max_length=200)
    at: datetime = Field(default_factory=utcnow, index=True)
    inline: bool = False


class PostAttachment(SQLModel, table=True):
    """A document of the same workspace attached to a discussion post."""

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    document_id: int = Field(foreign_key="document.id", index=True)


class DocumentText(SQLModel, table=True):
    """The text found in one uploaded version, for search; `state` says why there is none (a scanned PDF, a type without text)."""

    version_id: int = Field(foreign_key="documentversion.id", primary_key=True)
    state: str = Field(max_length=16)  # extraction.State
    text: str = Field(default="", sa_type=Text)
    extracted_at: datetime = Field(default_factory=utcnow)


class ExtractionJob(SQLModel, table=True):
    """A version whose text is still to be found, in the background (services.extraction); the row goes once it is.

    A worker claims a job by writing `claimed_at` and its own `claim`; a claim older than the lease is taken to be a
    crashed worker's and is claimed again. After too many attempts the job is given up: `failed_at` and `error` stay.
    """

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="documentversion.id", unique=True)
    queued_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    claim: str = Field(default="", max_length=32)
    attempts: int = 0
    error: str = Field(default="", max_length=500)
    failed_at: datetime | None = Field(default=None, index=True)
