"""Receiving uploads: the upload terms, the request's size limit, and files checked while they stream."""

from __future__ import annotations

import hashlib
import tempfile
import uuid

from sqlalchemy import func
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import Document, DocumentVersion, Held, ItemKind, User
from partnerskap.models.base import utcnow
from partnerskap.services import extraction, filetypes, instance, premoderation, scanner, search_index, workspaces
from partnerskap.services.documents._common import DOCUMENT_MISSING, LICENCES, STORAGE_FAILED, clean_name, folder_in, used_bytes
from partnerskap.services.errors import Refused
from partnerskap.services.permissions import Action, require_member
from partnerskap.services.sessions import Viewer
from partnerskap.storage import StorageError, get_storage

UPLOAD_TOO_LARGE = N_("The upload is larger than the limit of {megabytes} MB. Upload fewer or smaller files at a time.")
# An upload request's multipart headers and boundaries around its files.
UPLOAD_FRAMING_BYTES = 64 * 1024


def accept_upload_terms(viewer: Viewer) -> None:
    """The member confirms they hold the rights to what they upload and are responsible for it."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, viewer.id)
        user.upload_terms_accepted_at = user.upload_terms_accepted_at or utcnow()
        session.add(user)


def refuse_oversized_upload(declared_bytes: int | None) -> None:
    """Refuse at once an upload whose request declares more than the limit (several files at once count together)."""
    if declared_bytes is not None and declared_bytes > config.settings.max_upload_bytes + UPLOAD_FRAMING_BYTES:
        raise Refused(UPLOAD_TOO_LARGE, megabytes=config.settings.max_upload_bytes // (1024 * 1024))


class IncomingFile:
    """One file arriving in chunks: checked for size, quota, type and viruses as it streams, then saved or dropped whole."""

    def __init__(self, viewer: Viewer, workspace_id: int, filename: str, *, folder_id: int | None = None, document_id: int | None = None):
        self.viewer = viewer
        self.filename = clean_name(filename, "file")
        self.limit = instance.effective().upload_limit_bytes
        with transaction() as session:
            workspaces.authorise(session, viewer, workspace_id, Action.CONTRIBUTE)
            user = session.get(User, viewer.id)
            if not user.upload_terms_accepted_at:
                raise Refused(N_("Confirm first that you hold the rights to the material and are responsible for it."))
            folder_in(session, workspace_id, folder_id)
            if document_id is not None:
                target = session.get(Document, document_id) if workspaces.is_id(document_id) else None
                if target is None or target.workspace_id != workspace_id or target.deleted_at is not None:
                    raise Refused(DOCUMENT_MISSING)
            self.room = config.settings.workspace_quota_bytes - used_bytes(session, workspace_id)
        if self.room <= 0:
            raise Refused(N_("The workspace's storage quota is full."))
        self.workspace_id, self.folder_id, self.document_id = workspace_id, folder_id, document_id
        self.key = f"workspaces/{workspace_id}/{uuid.uuid4().hex}"
        self.size = 0
        self.head = b""
        self.content_type: str | None = None
        self.digest = hashlib.sha256()
        self.spool: tempfile.SpooledTemporaryFile | None = None
        self.scan = scanner.start()
        try:
            self.upload = get_storage().begin(self.key)
        except StorageError as error:
            self._close_scan()
            raise Refused(STORAGE_FAILED) from error

    def add(self, chunk: bytes) -> None:
        """Take the next bytes; refuse (and drop everything) as soon as a limit is crossed."""
        self.size += len(chunk)
        if self.size > self.limit:
            self.abort()
            raise Refused(N_("The file is larger than the limit of {megabytes} MB."), megabytes=self.limit // (1024 * 1024))
        if self.size > self.room:
            self.abort()
            raise Refused(N_("The workspace's storage quota is full."))
        if self.content_type is None:
            self.head += chunk[: filetypes.SNIFF_BYTES]
            if len(self.head) >= filetypes.SNIFF_BYTES:
                self._identify()
        self.digest.update(chunk)
        if self.spool is not None:
            self.spool.write(chunk)
        try:
            if self.scan is not None:
                self.scan.feed(chunk)
            self.upload.write(chunk)
        except StorageError as error:
            self.abort()
            raise Refused(STORAGE_FAILED) from error
        except Refused:
            self.abort()
            raise

    def _identify(self) -> None:
        self.content_type = filetypes.detect(self.filename, self.head[: filetypes.SNIFF_BYTES])
        if self.content_type is None:
            self.abort()
            raise Refused(N_("This type of file is not allowed. Allowed: PDF, images, office documents and plain text."))
        if self.content_type in filetypes.OFFICE_ZIP.values():  # checked whole for a zip bomb before it is kept
            self.spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
            self.spool.write(self.head)

    def finish(self, *, description: str = "", rights_holder: str = "", licence: str = "all-rights-reserved") -> DocumentVersion:
        """Check the whole file, store it, then record it; if recording fails the stored bytes are removed."""
        if self.size == 0:
            self.abort()
            raise Refused(N_("The file is empty."))
        if self.content_type is None:
            self._identify()
        if self.spool is not None:
            self.spool.seek(0)
            bomb = filetypes.is_zip_bomb(self.spool, self.size)
            self.spool.close()
            self.spool = None
            if bomb:
                self.abort()
                raise Refused(N_("This office file is damaged or expands far too much, so it was refused."))
        if self.scan is not None:
            scan, self.scan = self.scan, None
            try:
                infected = scan.infected()
            except Refused:
                self.upload.abort()
                raise
            if infected:
                self.upload.abort()
                raise Refused(N_("The virus scanner found malware in this file. It was not saved."))
        if licence not in LICENCES:
            licence = "all-rights-reserved"
        try:
            self.upload.complete()
        except StorageError as error:
            self.abort()
            raise Refused(STORAGE_FAILED) from error
        try:
            return self._record(description.strip()[:2000], rights_holder.strip()[:200] or self.viewer.name, licence)
        except BaseException:
            self._remove_stored()
            raise

    def _record(self, description: str, rights_holder: str, licence: str) -> DocumentVersion:
        """Save the version with its text's extraction job and the document's search entry (its text follows from the job)."""
        with transaction() as session:
            place = workspaces.authorise(session, self.viewer, self.workspace_id, Action.CONTRIBUTE)
            if used_bytes(session, self.workspace_id) + self.size > config.settings.workspace_quota_bytes:
                raise Refused(N_("The workspace's storage quota is full."))
            document = session.get(Document, self.document_id) if self.document_id else self._same_name(session)
            if document is None:
                held = premoderation.held_on_arrival(session, self.viewer, place.workspace)
                document = Document(
                    workspace_id=self.workspace_id,
                    folder_id=self.folder_id,
                    name=self.filename,
                    description=description,
                    rights_holder=rights_holder,
                    licence=licence,
                    created_by=self.viewer.id,
                    held=Held.PENDING if held else Held.VISIBLE,
                )
                session.add(document)
                session.flush()
                if held:
                    premoderation.hold(session, kind=ItemKind.DOCUMENT, item_id=document.id, workspace_id=self.workspace_id, author_id=self.viewer.id, excerpt=self.filename)
            number = 1 + session.exec(select(func.coalesce(func.max(DocumentVersion.number), 0)).where(DocumentVersion.document_id == document.id)).one()
            version = DocumentVersion(
                document_id=document.id,
                number=number,
                storage_key=self.key,
                size=self.size,
                content_type=self.content_type,
                sha256=self.digest.hexdigest(),
                uploaded_by=self.viewer.id,
            )
            session.add(version)
            document.updated_at = utcnow()
            session.add(document)
            workspaces.touch(session, self.workspace_id)
            session.flush()
            extraction.enqueue(session, version)
            search_index.put_document(session, document)
            return version

    def _same_name(self, session: Session) -> Document | None:
        folder = col(Document.folder_id).is_(None) if self.folder_id is None else Document.folder_id == self.folder_id
        return session.exec(
            select(Document).where(Document.workspace_id == self.workspace_id, folder, Document.name == self.filename, col(Document.deleted_at).is_(None))
        ).first()

    def _remove_stored(self) -> None:
        try:
            get_storage().delete(self.key)
        except StorageError:
            pass  # the purge's reconciliation finds objects without rows

    def _close_scan(self) -> None:
        if self.scan is not None:
            self.scan.close()
            self.scan = None

    def abort(self) -> None:
        """Drop everything of this upload."""
        self._close_scan()
        if self.spool is not None:
            self.spool.close()
        try:
            self.upload.abort()
        except (StorageError, AttributeError):
            pass
