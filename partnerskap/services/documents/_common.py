"""What the library's parts share: names, refusals, the quota, and finding what the viewer may use."""

from __future__ import annotations

import dataclasses
import unicodedata

from sqlalchemy import func
from sqlmodel import Session, col, select

from partnerskap.i18n import N_
from partnerskap.models import Document, DocumentVersion, Folder, Held, User
from partnerskap.services import permissions, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer

LICENCES = ("all-rights-reserved", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc-by-nd-4.0", "cc0-1.0")
NAME_MAX = 200
STORAGE_FAILED = N_("The file could not be stored. Nothing was saved; please try again.")
# The same refusal for an id that does not exist and for one in a workspace the viewer cannot see.
DOCUMENT_MISSING = N_("This document does not exist.")
FOLDER_MISSING = N_("This folder does not exist.")
VERSION_MISSING = N_("This version does not exist.")


def clean_name(name: str, field: str = "name") -> str:
    """A display name as typed, or a refusal when it has path separators, control characters or nothing in it."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name or name in (".", ".."):
        raise Invalid({field: N_("Give a name.")})
    if len(name) > NAME_MAX:
        raise Invalid({field: N_("Use at most 200 characters.")})
    if "/" in name or "\\" in name or any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise Invalid({field: N_("A name cannot contain slashes or control characters.")})
    return name


def used_bytes(session: Session, workspace_id: int) -> int:
    """Bytes a workspace's versions take, trash included (it still occupies storage)."""
    return session.exec(
        select(func.coalesce(func.sum(DocumentVersion.size), 0))
        .join(Document, col(Document.id) == col(DocumentVersion.document_id))
        .where(Document.workspace_id == workspace_id)
    ).one()


def folder_in(session: Session, workspace_id: int, folder_id: int | None) -> Folder | None:
    """The workspace's folder with this id, or None for the top level; a missing or foreign one is refused."""
    if folder_id is None:
        return None
    folder = session.get(Folder, folder_id) if workspaces.is_id(folder_id) else None
    if folder is None or folder.workspace_id != workspace_id:
        raise Refused(FOLDER_MISSING)
    return folder


def shown(session: Session, viewer: Viewer, place: workspaces.Place, documents: list[Document]) -> list[Document]:
    """The documents the viewer sees: hidden and waiting ones only to moderators, and waiting ones to their authors."""
    if not any(document.held for document in documents) or permissions.decide(viewer, Action.REVIEW, place):
        return documents
    return [document for document in documents if not document.held or (document.held == Held.PENDING and document.created_by == viewer.id)]


def authorised_document(session: Session, viewer: Viewer, document_id: int, action: Action = Action.READ) -> tuple[Document, workspaces.Place]:
    """A live document, if the policy allows the action on it; anyone who uploaded a version counts as its author."""
    document, place = workspaces.authorised(session, viewer, Document, document_id, Action.READ, missing=DOCUMENT_MISSING)
    if document.deleted_at is not None or not shown(session, viewer, place, [document]):
        raise Refused(DOCUMENT_MISSING)
    if action != Action.READ:
        permissions.require(viewer, action, place, author_id=author_for(session, viewer, document))
    return document, place


def author_for(session: Session, viewer: Viewer, document: Document) -> int:
    """The viewer, if they created the document or uploaded a version of it; otherwise its creator."""
    uploaded = session.exec(select(DocumentVersion.id).where(DocumentVersion.document_id == document.id, DocumentVersion.uploaded_by == viewer.id)).first()
    return viewer.id if uploaded is not None else document.created_by


@dataclasses.dataclass(frozen=True)
class Entry:
    """A document in a library listing."""

    document: Document
    version: DocumentVersion
    uploader: str
    versions: int


def _latest_versions(session: Session, document_ids: list[int]) -> dict[int, DocumentVersion]:
    newest = (
        select(DocumentVersion.document_id, func.max(DocumentVersion.number).label("number"))
        .where(col(DocumentVersion.document_id).in_(document_ids or [0]))
        .group_by(DocumentVersion.document_id)
        .subquery()
    )
    rows = session.exec(
        select(DocumentVersion).join(newest, (col(DocumentVersion.document_id) == newest.c.document_id) & (col(DocumentVersion.number) == newest.c.number))
    ).all()
    return {row.document_id: row for row in rows}


def entries_for(session: Session, documents: list[Document]) -> list[Entry]:
    """The documents as listing entries, each with its newest version, uploader and number of versions."""
    latest = _latest_versions(session, [d.id for d in documents])
    counts = dict(
        session.exec(
            select(DocumentVersion.document_id, func.count()).where(col(DocumentVersion.document_id).in_([d.id for d in documents] or [0])).group_by(DocumentVersion.document_id)
        ).all()
    )
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_({v.uploaded_by for v in latest.values()} or {0}))).all())
    return [Entry(d, latest[d.id], names.get(latest[d.id].uploaded_by, ""), counts.get(d.id, 0)) for d in documents if d.id in latest]
