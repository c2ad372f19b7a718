"""Workspace libraries: uploads checked while they stream, folders, versions, trash, authorised downloads, export."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import ConversationMember, Document, DocumentVersion, DownloadLog, Folder, Held, ItemKind, Post, PostAttachment, Thread, User
from partnerskap.models.base import utcnow
from partnerskap.services import audit, extraction, filetypes, instance, permissions, premoderation, scanner, search_index, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import Action, require_admin, require_member
from partnerskap.services.sessions import Viewer
from partnerskap.storage import StorageError, get_storage

LICENCES = ("all-rights-reserved", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc-by-nd-4.0", "cc0-1.0")
NAME_MAX = 200
STORAGE_FAILED = N_("The file could not be stored. Nothing was saved; please try again.")
UPLOAD_TOO_LARGE = N_("The upload is larger than the limit of {megabytes} MB. Upload fewer or smaller files at a time.")
# An upload request's multipart headers and boundaries around its files.
UPLOAD_FRAMING_BYTES = 64 * 1024
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


def accept_upload_terms(viewer: Viewer) -> None:
    """The member confirms they hold the rights to what they upload and are responsible for it."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, viewer.id)
        user.upload_terms_accepted_at = user.upload_terms_accepted_at or utcnow()
        session.add(user)


def used_bytes(session: Session, workspace_id: int) -> int:
    """Bytes a workspace's versions take, trash included (it still occupies storage)."""
    return session.exec(
        select(func.coalesce(func.sum(DocumentVersion.size), 0))
        .join(Document, col(Document.id) == col(DocumentVersion.document_id))
        .where(Document.workspace_id == workspace_id)
    ).one()


def _folder_in(session: Session, workspace_id: int, folder_id: int | None) -> Folder | None:
    if folder_id is None:
        return None
    folder = session.get(Folder, folder_id) if workspaces.is_id(folder_id) else None
    if folder is None or folder.workspace_id != workspace_id:
        raise Refused(FOLDER_MISSING)
    return folder


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
            _folder_in(session, workspace_id, folder_id)
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
        if self.content_type in filetypes.OFFICE_ZIP.values() or self.content_type in extraction.TYPES:  # checked, and read for its text
            self.spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
            self.spool.write(self.head)

    def finish(self, *, description: str = "", rights_holder: str = "", licence: str = "all-rights-reserved") -> DocumentVersion:
        """Check the whole file, store it, then record it; if recording fails the stored bytes are removed."""
        if self.size == 0:
            self.abort()
            raise Refused(N_("The file is empty."))
        if self.content_type is None:
            self._identify()
        if self.spool is not None and self.content_type in filetypes.OFFICE_ZIP.values():
            self.spool.seek(0)
            if filetypes.is_zip_bomb(self.spool, self.size):
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
        found = self._extract()
        if licence not in LICENCES:
            licence = "all-rights-reserved"
        try:
            self.upload.complete()
        except StorageError as error:
            self.abort()
            raise Refused(STORAGE_FAILED) from error
        try:
            return self._record(description.strip()[:2000], rights_holder.strip()[:200] or self.viewer.name, licence, found)
        except BaseException:
            self._remove_stored()
            raise

    def _extract(self) -> tuple[extraction.State, str]:
        """The file's text for search (bounded in size and time), read before any transaction begins."""
        if self.spool is None:
            return extraction.State.NONE, ""
        self.spool.seek(0)
        try:
            return extraction.extract(self.spool, self.content_type)
        finally:
            self.spool.close()
            self.spool = None

    def _record(self, description: str, rights_holder: str, licence: str, found: tuple[extraction.State, str]) -> DocumentVersion:
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
            extraction.record(session, version.id, found)
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


@dataclasses.dataclass(frozen=True)
class Entry:
    """A document in a library listing."""

    document: Document
    version: DocumentVersion
    uploader: str
    versions: int


@dataclasses.dataclass(frozen=True)
class Library:
    """One folder of a workspace's library as a member sees it."""

    place: workspaces.Place
    folder: Folder | None
    path: list[Folder]
    folders: list[Folder]
    entries: list[Entry]
    used: int
    folder_paths: list[tuple[int, str]]
    terms_accepted: bool
    trash: list[Entry]


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


def _entries(session: Session, documents: list[Document]) -> list[Entry]:
    latest = _latest_versions(session, [d.id for d in documents])
    counts = dict(
        session.exec(
            select(DocumentVersion.document_id, func.count()).where(col(DocumentVersion.document_id).in_([d.id for d in documents] or [0])).group_by(DocumentVersion.document_id)
        ).all()
    )
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_({v.uploaded_by for v in latest.values()} or {0}))).all())
    return [Entry(d, latest[d.id], names.get(latest[d.id].uploaded_by, ""), counts.get(d.id, 0)) for d in documents if d.id in latest]


def library(viewer: Viewer, workspace_id: int, folder_id: int | None = None, *, sort: str = "name", entering: bool = False) -> Library:
    """A folder's subfolders and documents, every folder's path, the trash (for those who restore from it) and
    whether the viewer has confirmed the upload terms: the library page in one call.

    `entering` is the page being opened: an administrator's entry is audited then.
    """
    with transaction() as session:
        place = workspaces.authorise(session, viewer, workspace_id, Action.READ)
        if entering:
            workspaces.enter(session, viewer, place)
        folder = _folder_in(session, workspace_id, folder_id)
        parent = col(Folder.parent_id).is_(None) if folder is None else Folder.parent_id == folder.id
        folders = list(session.exec(select(Folder).where(Folder.workspace_id == workspace_id, parent).order_by(Folder.name)).all())
        in_folder = col(Document.folder_id).is_(None) if folder is None else Document.folder_id == folder.id
        documents = list(
            session.exec(select(Document).where(Document.workspace_id == workspace_id, in_folder, col(Document.deleted_at).is_(None))).all()
        )
        entries = _entries(session, _shown(session, viewer, place, documents))
        keys = {
            "name": lambda e: e.document.name.casefold(),
            "size": lambda e: -e.version.size,
            "type": lambda e: e.version.content_type,
            "date": lambda e: -e.version.uploaded_at.timestamp(),
            "uploader": lambda e: e.uploader.casefold(),
        }
        entries.sort(key=keys.get(sort, keys["name"]))
        path = []
        cursor = folder
        while cursor is not None and len(path) < 50:
            path.insert(0, cursor)
            cursor = session.get(Folder, cursor.parent_id) if cursor.parent_id else None
        user = session.get(User, viewer.id)
        trashed = _trash(session, workspace_id) if permissions.decide(viewer, Action.TRASH, place) else []
        return Library(place, folder, path, folders, entries, used_bytes(session, workspace_id), _folder_paths(session, workspace_id), bool(user and user.upload_terms_accepted_at), trashed)


def recent(viewer: Viewer, workspace_id: int, *, limit: int = 5) -> list[Document]:
    """The workspace's most recently changed documents, for its front page."""
    with transaction() as session:
        workspaces.authorise(session, viewer, workspace_id, Action.READ)
        return recent_in(session, workspace_id, limit=limit)


def recent_in(session: Session, workspace_id: int, *, limit: int = 5) -> list[Document]:
    """The workspace's most recently changed documents, for a caller that has authorised reading them."""
    return list(
        session.exec(
            select(Document).where(Document.workspace_id == workspace_id, col(Document.deleted_at).is_(None), Document.held == Held.VISIBLE).order_by(col(Document.updated_at).desc()).limit(limit)
        ).all()
    )


def _folder_paths(session: Session, workspace_id: int) -> list[tuple[int, str]]:
    """Every folder of a workspace as (id, "Parent / Child"), for choosing where to move things."""
    folders = {f.id: f for f in session.exec(select(Folder).where(Folder.workspace_id == workspace_id)).all()}

    def path(folder: Folder) -> str:
        names, cursor = [], folder
        while cursor is not None and len(names) < 50:
            names.insert(0, cursor.name)
            cursor = folders.get(cursor.parent_id) if cursor.parent_id else None
        return " / ".join(names)

    return sorted(((folder_id, path(folder)) for folder_id, folder in folders.items()), key=lambda item: item[1].casefold())


def create_folder(viewer: Viewer, workspace_id: int, name: str, parent_id: int | None = None) -> Folder:
    """Members make folders."""
    name = clean_name(name)
    with transaction() as session:
        workspaces.authorise(session, viewer, workspace_id, Action.CONTRIBUTE)
        _folder_in(session, workspace_id, parent_id)
        folder = Folder(workspace_id=workspace_id, parent_id=parent_id, name=name, created_by=viewer.id)
        session.add(folder)
        session.flush()
        return folder


def _editable_folder(session: Session, viewer: Viewer, folder_id: int) -> Folder:
    folder, _place = workspaces.authorised(session, viewer, Folder, folder_id, Action.CHANGE, missing=FOLDER_MISSING)
    return folder


def rename_folder(viewer: Viewer, folder_id: int, name: str) -> Folder:
    """Rename a folder."""
    name = clean_name(name)
    with transaction() as session:
        folder = _editable_folder(session, viewer, folder_id)
        folder.name = name
        session.add(folder)
        return folder


def move_folder(viewer: Viewer, folder_id: int, parent_id: int | None) -> Folder:
    """Move a folder under another one (never under itself)."""
    with transaction() as session:
        folder = _editable_folder(session, viewer, folder_id)
        cursor = _folder_in(session, folder.workspace_id, parent_id)
        while cursor is not None:
            if cursor.id == folder.id:
                raise Refused(N_("A folder cannot be moved inside itself."))
            cursor = session.get(Folder, cursor.parent_id) if cursor.parent_id else None
        folder.parent_id = parent_id
        session.add(folder)
        return folder


def delete_folder(viewer: Viewer, folder_id: int) -> None:
    """Delete an empty folder."""
    with transaction() as session:
        folder = _editable_folder(session, viewer, folder_id)
        has_folders = session.exec(select(Folder.id).where(Folder.parent_id == folder.id)).first()
        has_documents = session.exec(select(Document.id).where(Document.folder_id == folder.id, col(Document.deleted_at).is_(None))).first()
        if has_folders or has_documents:
            raise Refused(N_("Only an empty folder can be deleted."))
        for trashed in session.exec(select(Document).where(Document.folder_id == folder.id)).all():
            trashed.folder_id = None
            session.add(trashed)
        session.delete(folder)


def _shown(session: Session, viewer: Viewer, place: workspaces.Place, documents: list[Document]) -> list[Document]:
    """The documents the viewer sees: hidden and waiting ones only to moderators, and waiting ones to their authors."""
    if not any(document.held for document in documents) or permissions.decide(viewer, Action.REVIEW, place):
        return documents
    return [document for document in documents if not document.held or (document.held == Held.PENDING and document.created_by == viewer.id)]


def _document(session: Session, viewer: Viewer, document_id: int, action: Action = Action.READ) -> tuple[Document, workspaces.Place]:
    """A live document, if the policy allows the action on it; anyone who uploaded a version counts as its author."""
    document, place = workspaces.authorised(session, viewer, Document, document_id, Action.READ, missing=DOCUMENT_MISSING)
    if document.deleted_at is not None or not _shown(session, viewer, place, [document]):
        raise Refused(DOCUMENT_MISSING)
    if action != Action.READ:
        permissions.require(viewer, action, place, author_id=_author_for(session, viewer, document))
    return document, place


def _author_for(session: Session, viewer: Viewer, document: Document) -> int:
    """The viewer, if they created the document or uploaded a version of it; otherwise its creator."""
    uploaded = session.exec(select(DocumentVersion.id).where(DocumentVersion.document_id == document.id, DocumentVersion.uploaded_by == viewer.id)).first()
    return viewer.id if uploaded is not None else document.created_by


@dataclasses.dataclass(frozen=True)
class DetailsChange:
    """The details a member changed on a document; None for each they left as it was."""

    name: str | None = None
    description: str | None = None
    rights_holder: str | None = None
    licence: str | None = None
    folder_id: int | None = None
    to_top_level: bool = False


def update_document(viewer: Viewer, document_id: int, change: DetailsChange) -> Document:
    """The uploader or a moderator renames, describes, moves or sets the rights of a document; only what changed is written."""
    name = clean_name(change.name) if change.name is not None else None
    if change.licence is not None and change.licence not in LICENCES:
        raise Invalid({"licence": N_("Choose one of the options.")})
    with transaction() as session:
        document, _place = _document(session, viewer, document_id, Action.CHANGE)
        if change.folder_id is not None or change.to_top_level:
            _folder_in(session, document.workspace_id, change.folder_id)
            document.folder_id = change.folder_id
        if name is not None:
            document.name = name
        if change.description is not None:
            document.description = change.description.strip()[:2000]
        if change.rights_holder is not None:
            document.rights_holder = change.rights_holder.strip()[:200]
        if change.licence is not None:
            document.licence = change.licence
        document.updated_at = utcnow()
        session.add(document)
        search_index.put_document(session, document)
        return document


def delete_document(viewer: Viewer, document_id: int) -> None:
    """Move a document to the trash (the uploader or a moderator); owners and admins can restore it for a while."""
    with transaction() as session:
        document, _place = _document(session, viewer, document_id, Action.CHANGE)
        document.deleted_at, document.deleted_by = utcnow(), viewer.id
        session.add(document)


def _trash(session: Session, workspace_id: int) -> list[Entry]:
    """Deleted documents still restorable (for those the policy lets restore them)."""
    documents = list(session.exec(select(Document).where(Document.workspace_id == workspace_id, col(Document.deleted_at).is_not(None))).all())
    return _entries(session, documents)


def restore_document(viewer: Viewer, document_id: int) -> None:
    """Owners and admins bring a document back from the trash."""
    with transaction() as session:
        document, _place = workspaces.authorised(session, viewer, Document, document_id, Action.TRASH, missing=N_("This document is not in the trash."))
        if document.deleted_at is None:
            raise Refused(N_("This document is not in the trash."))
        document.deleted_at, document.deleted_by = None, None
        session.add(document)


def versions(viewer: Viewer, document_id: int) -> tuple[Document, list[tuple[DocumentVersion, str, bool]], bool]:
    """A document's versions, newest first, with uploaders and whether the viewer may remove each; and whether they may change the document."""
    with transaction() as session:
        document, place = _document(session, viewer, document_id)
        rows = session.exec(
            select(DocumentVersion, User.name)
            .join(User, col(User.id) == col(DocumentVersion.uploaded_by))
            .where(DocumentVersion.document_id == document.id)
            .order_by(col(DocumentVersion.number).desc())
        ).all()
        removable = [(version, name, bool(permissions.decide(viewer, Action.CHANGE, place, author_id=version.uploaded_by))) for version, name in rows]
        return document, removable, bool(permissions.decide(viewer, Action.CHANGE, place, author_id=_author_for(session, viewer, document)))


def restore_version(viewer: Viewer, version_id: int) -> DocumentVersion:
    """Make an earlier version the newest again (as a copy; nothing is overwritten)."""
    with transaction() as session:
        old = _version(session, viewer, version_id)
        document, _place = _document(session, viewer, old.document_id, Action.CHANGE)
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
            extraction.copy(session, version_id, version.id)
            search_index.put_document(session, document)
            return version
    except BaseException:
        storage.delete(key)
        raise


def delete_version(viewer: Viewer, version_id: int) -> None:
    """The version's uploader or a moderator deletes one version (never the only one: delete the document instead)."""
    with transaction() as session:
        version = _version(session, viewer, version_id)
        document, place = _document(session, viewer, version.document_id)
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
        _document(session, viewer, version.document_id)
    except Refused:
        raise Refused(VERSION_MISSING) from None
    return version


@dataclasses.dataclass(frozen=True)
class Download:
    """An authorised download: what to stream and how to name it."""

    key: str
    filename: str
    content_type: str
    size: int
    inline: bool
    licence: str
    rights_holder: str


# A document attached to a visible post of a private conversation the viewer takes part in.
_SHARED_IN_CONVERSATION = (
    select(Document)
    .join(PostAttachment, col(PostAttachment.document_id) == col(Document.id))
    .join(Post, col(Post.id) == col(PostAttachment.post_id))
    .join(Thread, col(Thread.id) == col(Post.thread_id))
    .join(ConversationMember, (col(ConversationMember.conversation_id) == col(Thread.conversation_id)) & (col(ConversationMember.user_id) == bindparam("user_id")))
    .where(col(Document.id) == bindparam("document_id"), col(Document.deleted_at).is_(None), col(Document.held) == Held.VISIBLE, col(Post.deleted_at).is_(None), col(Post.held) == Held.VISIBLE)
    .limit(1)
)


def _readable_or_shared_with(session: Session, viewer: Viewer, document_id: int) -> Document:
    """A document the viewer may read in its workspace, or one a member shared with them in a private conversation."""
    try:
        document, _place = _document(session, viewer, document_id)
        return document
    except Refused:
        shared = session.exec(_SHARED_IN_CONVERSATION, params={"user_id": viewer.id, "document_id": document_id}).first() if workspaces.is_id(document_id) else None
        if shared is None:
            raise
        return shared


def authorise_download(viewer: Viewer, document_id: int, version_number: int | None = None, *, inline: bool = False) -> Download:
    """Check membership for this request, log the download, and say what to stream."""
    with transaction() as session:
        document = _readable_or_shared_with(session, viewer, document_id)
        query = select(DocumentVersion).where(DocumentVersion.document_id == document.id)
        query = query.where(DocumentVersion.number == version_number) if version_number else query.order_by(col(DocumentVersion.number).desc())
        version = session.exec(query).first()
        if version is None:
            raise Refused(VERSION_MISSING)
        show_inline = inline and version.content_type in filetypes.INLINE_TYPES
        if not show_inline or not _viewed_today(session, viewer.id, document.id):
            session.add(DownloadLog(user_id=viewer.id, document_id=document.id, version_id=version.id, document_name=document.name, inline=show_inline))
        return Download(version.storage_key, document.name, version.content_type, version.size, show_inline, document.licence, document.rights_holder)


def _viewed_today(session: Session, user_id: int, document_id: int) -> bool:
    """Whether the member already viewed the document in the browser today (UTC): previews and thumbnails are noted once a day."""
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return session.exec(
        select(DownloadLog.id).where(DownloadLog.user_id == user_id, DownloadLog.document_id == document_id, col(DownloadLog.inline).is_(True), col(DownloadLog.at) >= midnight).limit(1)
    ).first() is not None


def download_log(viewer: Viewer, *, limit: int = 500) -> list[tuple[DownloadLog, str, str]]:
    """Who downloaded what, newest first, purged documents too (by the name they had; instance administrators only)."""
    require_admin(viewer)
    with transaction() as session:
        rows = session.exec(
            select(DownloadLog, User.name).join(User, col(User.id) == col(DownloadLog.user_id)).order_by(col(DownloadLog.id).desc()).limit(limit)
        ).all()
        return [(logged, who, logged.document_name) for logged, who in rows]


def export_zip(viewer: Viewer, workspace_id: int, *, only_mine: bool) -> tuple[Iterator[bytes], str]:
    """A zip of the documents the member uploaded (or, for owners, the whole library), streamed as it is built."""
    with transaction() as session:
        place = workspaces.authorise(session, viewer, workspace_id, Action.READ if only_mine else Action.OWN)
        documents = list(session.exec(select(Document).where(Document.workspace_id == workspace_id, col(Document.deleted_at).is_(None))).all())
        entries = _entries(session, documents)
        if only_mine:
            entries = [e for e in entries if e.document.created_by == viewer.id or e.version.uploaded_by == viewer.id]
        folders = {f.id: f for f in session.exec(select(Folder).where(Folder.workspace_id == workspace_id)).all()}
        files = [(_archive_path(e.document, folders), e.version.storage_key) for e in entries]
        name = place.workspace.name
        if not only_mine:  # everyone's documents leave the instance: on the record
            audit.record(actor_id=viewer.id, action="workspace.export", workspace_id=workspace_id, reason=f"{len(files)} documents", session=session)
    return zip_stream(files), f"{name}.zip"


def _archive_path(document: Document, folders: dict[int, Folder]) -> str:
    parts = [document.name]
    folder = folders.get(document.folder_id) if document.folder_id else None
    while folder is not None and len(parts) < 50:
        parts.insert(0, folder.name)
        folder = folders.get(folder.parent_id) if folder.parent_id else None
    return "/".join(parts)


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are collected and handed out as they come."""

    def __init__(self):
        self.pending = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.pending += data
        return len(data)

    def take(self) -> bytes:
        data, self.pending = bytes(self.pending), bytearray()
        return data


def zip_stream(files: list[tuple[str, str]], texts: tuple[tuple[str, bytes], ...] = ()) -> Iterator[bytes]:
    """A zip of stored objects (path, key), after some small files made here (path, bytes), streamed as it is built."""
    storage = get_storage()
    pipe = _Pipe()
    seen: set[str] = {path for path, _data in texts}
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in texts:
            archive.writestr(path, data)
        yield pipe.take()
        for path, key in files:
            unique = path
            counter = 1
            while unique in seen:
                counter += 1
                unique = f"{path} ({counter})"
            seen.add(unique)
            with archive.open(unique, "w", force_zip64=True) as member:
                for chunk in storage.open(key):
                    member.write(chunk)
                    if len(pipe.pending) >= 1 << 20:
                        yield pipe.take()
            yield pipe.take()
    yield pipe.take()


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

