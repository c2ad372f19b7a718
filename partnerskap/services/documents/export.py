"""Zip archives streamed as they are built: a workspace's library, or any files a caller names."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from sqlmodel import col, select

from partnerskap.db import transaction
from partnerskap.models import Document, Folder
from partnerskap.services import audit, workspaces
from partnerskap.services.documents._common import entries_for
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer
from partnerskap.storage import get_storage


def export_zip(viewer: Viewer, workspace_id: int, *, only_mine: bool) -> tuple[Iterator[bytes], str]:
    """A zip of the documents the member uploaded (or, for owners, the whole library), streamed as it is built."""
    with transaction() as session:
        place = workspaces.authorise(session, viewer, workspace_id, Action.READ if only_mine else Action.OWN)
        documents = list(session.exec(select(Document).where(Document.workspace_id == workspace_id, col(Document.deleted_at).is_(None))).all())
        entries = entries_for(session, documents)
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
