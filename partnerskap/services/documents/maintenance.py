"""Deleting documents for good with their stored objects, and checking storage against the rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import Document, DocumentVersion, DownloadLog, PostAttachment
from partnerskap.models.base import utcnow
from partnerskap.services import extraction, search_index
from partnerskap.storage import StorageError, get_storage


def purge_trash(days: int | None = None) -> int:
    """Delete, for good, documents in the trash longer than the configured days; returns how many."""
    limit = utcnow() - timedelta(days=config.settings.trash_days if days is None else days)
    with transaction() as session:
        expired = list(session.exec(select(Document).where(col(Document.deleted_at).is_not(None), Document.deleted_at < limit)).all())
        keys = purge(session, expired)
    delete_objects(keys)
    return len(expired)


def purge(session: Session, expired: list[Document]) -> list[str]:
    """Delete documents' rows for good in the caller's transaction; returns their stored objects' keys to delete after the commit."""
    keys = []
    for document in expired:
        # The disclosure log outlives the document: its rows keep the name and lose only the ids.
        session.exec(update(DownloadLog).where(col(DownloadLog.document_id) == document.id).values(document_id=None, version_id=None))
        for version in session.exec(select(DocumentVersion).where(DocumentVersion.document_id == document.id)).all():
            keys.append(version.storage_key)
            extraction.forget(session, version.id)
            session.delete(version)
        for attachment in session.exec(select(PostAttachment).where(PostAttachment.document_id == document.id)).all():
            session.delete(attachment)
        search_index.forget(session, "document", document.id)
        session.delete(document)
    return keys


def delete_objects(keys: list[str]) -> None:
    """Delete stored objects whose rows are gone; what cannot be deleted now, reconciliation lists."""
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except StorageError:
            pass  # reconciliation lists what is left


def reconcile() -> dict[str, list[str]]:
    """Rows without objects, objects without rows, and stale unfinished uploads (all empty when healthy)."""
    storage = get_storage()
    with transaction() as session:
        recorded = set(session.exec(select(DocumentVersion.storage_key)).all())
    stored = set(storage.keys("workspaces/"))
    return {
        "rows_without_objects": sorted(recorded - stored),
        "objects_without_rows": sorted(stored - recorded),
        "stale_uploads": sorted(storage.stale_uploads(timedelta(hours=1))),
    }
