"""A document's versions: listing them, restoring an earlier one as the newest, and deleting one."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import Document, DocumentVersion, User
from partnerskap.services import extraction, permissions, search_index, workspaces
from partnerskap.services.documents._common import STORAGE_FAILED, VERSION_MISSING, author_for, authorised_document, used_bytes
from partnerskap.services.errors import Refused
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer
from partnerskap.storage import StorageError, get_storage


def versions(viewer: Viewer, document_id: int) -> tuple[Document, list[tuple[DocumentVersion, str, bool]], bool]:
    """A document's versions, newest first, with uploaders and whether the viewer may remove each; and whether they may change the document."""
    with transaction() as session:
        document, place = authorised_document(session, viewer, document_id)
        rows = session.exec(
            select(DocumentVersion, User.name)
            .join(User, col(User.id) == col(DocumentVersion.uploaded_by))
            .where(DocumentVersion.document_id == document.id)
            .order_by(col(DocumentVersion.number).desc())
        ).all()
        removable = [(version, name, bool(permissions.decide(viewer, Action.CHANGE, place, author_id=version.uploaded_by))) for version, name in rows]
        return document, removable, bool(permissions.decide(viewer, Action.CHANGE, place, author_id=author_for(session, viewer, document)))


def restore_version(viewer: Viewer, version_id: int) -> DocumentVersion:
    """Make an earlier version the newest again (as a copy; nothing is overwritten)."""
    with transaction() as session:
        old = _version(session, viewer, version_id)
        document, _place = authorised_document(session, viewer, old.document_id, Action.CHANGE)
        if used_bytes(session, document.workspace_id) + old.size > config.settings.workspace_quota_bytes:
            raise Refused(N_("The workspace's storage quota is full."))
        key = f"workspaces/{document.workspace_id}/{uuid.uuid4().hex}"
        source_key, size, content_type, sha256 = old.storage_key, old.size, old.content_type, old.sha256
    storage = get_storage()
    try:
        upload = storage.begin(key)
        try:
            for chunk in storage.open(source_key):
                upload.write(chunk)
            upload.complete()
        except BaseException:
            upload.abort()
            raise
    except StorageError as error:
        raise Refused(STORAGE_FAILED) from error
    try:
        with transaction() as session:
            number = 1 + session.exec(select(func.max(DocumentVersion.number)).where(DocumentVersion.document_id == document.id)).one()
            version = DocumentVersion(document_id=document.id, number=number, storage_key=key, size=size, content_type=content_type, sha256=sha256, uploaded_by=viewer.id)
            session.add(version)
            session.flush()
            extraction.copy(session, version_id, version)
            search_index.put_document(session, document)
            return version
    except BaseException:
        storage.delete(key)
        raise


def delete_version(viewer: Viewer, version_id: int) -> None:
    """The version's uploader or a moderator deletes one version (never the only one: delete the document instead)."""
    with transaction() as session:
        version = _version(session, viewer, version_id)
        document, place = authorised_document(session, viewer, version.document_id)
        permissions.require(viewer, Action.CHANGE, place, author_id=version.uploaded_by)
        if session.exec(select(func.count()).select_from(DocumentVersion).where(DocumentVersion.document_id == document.id)).one() == 1:
            raise Refused(N_("This is the only version. Delete the document instead."))
        key = version.storage_key
        extraction.forget(session, version.id)
        session.delete(version)
        session.flush()
        search_index.put_document(session, document)
    try:
        get_storage().delete(key)
    except StorageError:
        pass  # reconciliation lists objects without rows


def _version(session: Session, viewer: Viewer, version_id: int) -> DocumentVersion:
    """A version of a document the viewer may read; missing and hidden ones get the same refusal."""
    version = session.get(DocumentVersion, version_id) if workspaces.is_id(version_id) else None
    if version is None:
        raise Refused(VERSION_MISSING)
    try:
        authorised_document(session, viewer, version.document_id)
    except Refused:
        raise Refused(VERSION_MISSING) from None
    return version
