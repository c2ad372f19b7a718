"""A workspace's library: one folder's page, recent documents, and making, renaming, moving and deleting folders."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, col, select

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import Document, Folder, Held, User
from partnerskap.services import permissions, workspaces
from partnerskap.services.documents._common import FOLDER_MISSING, Entry, clean_name, entries_for, folder_in, shown, used_bytes
from partnerskap.services.errors import Refused
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer


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


def library(viewer: Viewer, workspace_id: int, folder_id: int | None = None, *, sort: str = "name", entering: bool = False) -> Library:
    """A folder's subfolders and documents, every folder's path, the trash (for those who restore from it) and
    whether the viewer has confirmed the upload terms: the library page in one call.

    `entering` is the page being opened: an administrator's entry is audited then.
    """
    with transaction() as session:
        place = workspaces.authorise(session, viewer, workspace_id, Action.READ)
        if entering:
            workspaces.enter(session, viewer, place)
        folder = folder_in(session, workspace_id, folder_id)
        parent = col(Folder.parent_id).is_(None) if folder is None else Folder.parent_id == folder.id
        folders = list(session.exec(select(Folder).where(Folder.workspace_id == workspace_id, parent).order_by(Folder.name)).all())
        in_folder = col(Document.folder_id).is_(None) if folder is None else Document.folder_id == folder.id
        documents = list(
            session.exec(select(Document).where(Document.workspace_id == workspace_id, in_folder, col(Document.deleted_at).is_(None))).all()
        )
        entries = entries_for(session, shown(session, viewer, place, documents))
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


def _trash(session: Session, workspace_id: int) -> list[Entry]:
    """Deleted documents still restorable (for those the policy lets restore them)."""
    documents = list(session.exec(select(Document).where(Document.workspace_id == workspace_id, col(Document.deleted_at).is_not(None))).all())
    return entries_for(session, documents)


def create_folder(viewer: Viewer, workspace_id: int, name: str, parent_id: int | None = None) -> Folder:
    """Members make folders."""
    name = clean_name(name)
    with transaction() as session:
        workspaces.authorise(session, viewer, workspace_id, Action.CONTRIBUTE)
        folder_in(session, workspace_id, parent_id)
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
        cursor = folder_in(session, folder.workspace_id, parent_id)
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
