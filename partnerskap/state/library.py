"""A workspace's library: browsing folders, uploading while bytes stream, versions, trash and rights."""

from __future__ import annotations

import reflex as rx

from partnerskap import offload
from partnerskap.i18n import N_, format_datetime, format_number, t
from partnerskap.schemas import DocumentDetails, DocumentPublic, FolderPublic, VersionPublic
from partnerskap.services import documents, filetypes, permissions
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


def human_size(size: int, language: str) -> str:
    """A byte count the way people read it."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= factor:
            return f"{format_number(round(size / factor, 1), language)} {unit}"
    return f"{size} B"


class LibraryState(AppState):
    """One folder of the library, the upload in progress and the document whose versions are open."""

    workspace_id: int = 0
    workspace_name: str = ""
    folder_id: int = 0
    path: list[FolderPublic] = []
    folders: list[FolderPublic] = []
    all_folders: list[FolderPublic] = []
    editing_folder: int = 0
    documents: list[DocumentPublic] = []
    trash: list[DocumentPublic] = []
    used: str = ""
    # Which controls the page shows, each the permission policy's answer for this viewer (the services still refuse).
    can_contribute: bool = False
    can_own: bool = False
    can_change_document: bool = False
    sort: str = "name"
    terms_accepted: bool = False
    uploading: bool = False
    progress: int = 0
    uploaded_names: list[str] = []
    receiving: str = ""
    open_document: int = 0
    details: DocumentDetails = DocumentDetails()
    versions: list[VersionPublic] = []
    found: bool = False

    def _public(self, entry: documents.Entry, viewer: Viewer) -> DocumentPublic:
        return DocumentPublic(
            id=entry.document.id,
            name=entry.document.name,
            description=entry.document.description,
            size=human_size(entry.version.size, self.lang),
            content_type=t(filetypes.kind_name(entry.version.content_type), self.lang),
            uploader=entry.uploader,
            uploaded=format_datetime(entry.version.uploaded_at, self.lang),
            version=entry.version.number,
            versions=entry.versions,
            licence=entry.document.licence,
            rights_holder=entry.document.rights_holder,
            image=entry.version.content_type in filetypes.IMAGE_TYPES,
            inline=entry.version.content_type in filetypes.INLINE_TYPES,
            mine=entry.version.uploaded_by == viewer.id,
            held=entry.document.held,
        )

    async def _load(self, viewer: Viewer, *, entering: bool = False) -> None:
        """Fill the page from one service call (`entering`: the page is being opened, not refreshed)."""
        self.workspace_id = self._route_id("workspace_id")
        folder = self.router.url.query_parameters.get("folder", "")
        self.folder_id = int(folder) if folder.isdigit() else 0
        shelf = await offload.read(documents.library, viewer, self.workspace_id, self.folder_id or None, sort=self.sort, entering=entering)
        place = shelf.place
        self.workspace_name = place.workspace.name
        self.can_contribute, self.can_own = bool(permissions.decide(viewer, Action.CONTRIBUTE, place)), bool(permissions.decide(viewer, Action.OWN, place))
        self.path = [FolderPublic(id=f.id, name=f.name) for f in shelf.path]
        self.folders = [FolderPublic(id=f.id, name=f.name, can_change=bool(permissions.decide(viewer, Action.CHANGE, place, author_id=f.created_by))) for f in shelf.folders]
        self.all_folders = [FolderPublic(id=folder_id, name=path) for folder_id, path in shelf.folder_paths]
        self.documents = [self._public(entry, viewer) for entry in shelf.entries]
        self.used = human_size(shelf.used, self.lang)
        self.terms_accepted = shelf.terms_accepted
        self.trash = [self._public(entry, viewer) for entry in shelf.trash]
        self.found = True

    @guarded(Access.MEMBER, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the library page for the folder in the address."""
        self.found, self.open_document, self.versions, self.uploaded_names = False, 0, [], []
        await self._load(viewer, entering=not self._loading_again)

    @guarded(Access.MEMBER)
    async def sort_by(self, viewer: Viewer, column: str):
        """Sort the documents by name, size, type, date or uploader."""
        self.sort = column if column in ("name", "size", "type", "date", "uploader") else "name"
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def accept_terms(self, viewer: Viewer):
        """Confirm holding the rights to uploaded material and being responsible for it."""
        await offload.write(documents.accept_upload_terms, viewer)
        self.terms_accepted = True

    @guarded(Access.MEMBER, background=True, upload=True)
    async def receive(self, viewer: Viewer, chunks: rx.UploadChunkIterator):
        """Stream uploaded files into storage as they arrive; each file is saved whole or not at all.

        A refusal ends the upload: the rest of the request is never read.
        """
        noted = self._check_upload_session()
        documents.refuse_oversized_upload(noted.declared_bytes)
        async with self:
            self.uploading, self.progress, self.uploaded_names = True, 0, []
            workspace_id, folder_id, target = self.workspace_id, self.folder_id or None, self.open_document or None
        incoming: documents.IncomingFile | None = None
        incoming_name = ""
        saved: list[str] = []
        try:
            async for chunk in chunks:
                if chunk.filename != incoming_name:
                    if incoming is not None:
                        await offload.write(incoming.finish)
                        saved.append(incoming.filename)
                    incoming_name = chunk.filename
                    async with self:
                        self.receiving = incoming_name
                    incoming = await offload.write(documents.IncomingFile, viewer, workspace_id, chunk.filename, folder_id=folder_id, document_id=target)
                await offload.write(incoming.add, chunk.data)
            if incoming is not None:
                await offload.write(incoming.finish)
                saved.append(incoming.filename)
                incoming = None
        except BaseException:
            if incoming is not None:
                await offload.write(incoming.abort)
            raise  # without reading the rest: Reflex's upload endpoint then answers at once and stops reading the body
        finally:
            async with self:
                self.uploading, self.uploaded_names, self.receiving = False, saved, ""
                if saved:
                    self._say(N_("Saved: {names}"), names=", ".join(saved))
                await self._load(viewer)
                if self.open_document:
                    await self._reload_versions(viewer)

    # Quiet: the browser's last progress report can arrive after `receive` said "Saved:", and would clear it.
    @guarded(Access.MEMBER, quiet=True)
    async def upload_progress(self, viewer: Viewer, progress: dict):
        """Show how far the upload is."""
        value = progress.get("progress", 0) if isinstance(progress, dict) else 0
        self.progress = max(0, min(100, round(float(value) * 100)))

    @guarded(Access.MEMBER, form="folder")
    async def create_folder(self, viewer: Viewer, form: dict):
        """Make a folder here."""
        await offload.write(documents.create_folder, viewer, self.workspace_id, str(form.get("name", "")), self.folder_id or None)
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def edit_folder(self, viewer: Viewer, folder_id: int):
        """Open a folder's rename and move form."""
        self.editing_folder = int(folder_id)

    @guarded(Access.MEMBER, form="edit-folder")
    async def save_folder(self, viewer: Viewer, form: dict):
        """Rename a folder and move it under another one (or to the top)."""
        parent = str(form.get("parent_id", ""))
        await offload.write(documents.rename_folder, viewer, self.editing_folder, str(form.get("name", "")))
        await offload.write(documents.move_folder, viewer, self.editing_folder, int(parent) if parent.isdigit() and int(parent) else None)
        self.editing_folder = 0
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def delete_folder(self, viewer: Viewer, folder_id: int):
        """Delete an empty folder."""
        await offload.write(documents.delete_folder, viewer, int(folder_id))
        await self._load(viewer)

    @guarded(Access.MEMBER, form="document")
    async def save_document(self, viewer: Viewer, form: dict):
        """Rename, describe, move or set the rights of the open document: only the details the member changed."""
        opened = self.details
        entered = {name: str(form.get(name, getattr(opened, name))) for name in ("name", "description", "rights_holder", "licence")}
        folder = str(form.get("folder_id", opened.folder_id))
        folder_id = int(folder) if folder.isdigit() else opened.folder_id
        change = documents.DetailsChange(
            **{name: value for name, value in entered.items() if value != getattr(opened, name)},
            folder_id=folder_id if folder_id != opened.folder_id and folder_id else None,
            to_top_level=folder_id != opened.folder_id and not folder_id,
        )
        await offload.write(documents.update_document, viewer, self.open_document, change)
        self._say(N_("The document was saved."))
        await self._load(viewer)
        await self._reload_versions(viewer)

    @guarded(Access.MEMBER)
    async def open_versions(self, viewer: Viewer, document_id: int):
        """Show a document's versions (uploading now adds a new version of it)."""
        await self._reload_versions(viewer, int(document_id))
        self.open_document = int(document_id)

    @guarded(Access.MEMBER)
    async def close_versions(self, viewer: Viewer):
        """Back to uploading new documents."""
        self.open_document, self.versions, self.details = 0, [], DocumentDetails()

    @guarded(Access.MEMBER)
    async def restore_version(self, viewer: Viewer, version_id: int):
        """Make an earlier version the newest again."""
        await offload.write(documents.restore_version, viewer, int(version_id))
        await self._load(viewer)
        await self._reload_versions(viewer)

    @guarded(Access.MEMBER)
    async def delete_version(self, viewer: Viewer, version_id: int):
        """Delete one version."""
        await offload.write(documents.delete_version, viewer, int(version_id))
        await self._load(viewer)
        await self._reload_versions(viewer)

    async def _reload_versions(self, viewer: Viewer, document_id: int | None = None) -> None:
        document, rows, self.can_change_document = await offload.read(documents.versions, viewer, document_id or self.open_document)
        self.details = DocumentDetails(
            name=document.name, description=document.description, rights_holder=document.rights_holder, licence=document.licence, folder_id=document.folder_id or 0
        )
        self.versions = [
            VersionPublic(number=v.number, id=v.id, size=human_size(v.size, self.lang), uploader=name, uploaded=format_datetime(v.uploaded_at, self.lang), can_remove=removable)
            for v, name, removable in rows
        ]

    @guarded(Access.MEMBER)
    async def delete_document(self, viewer: Viewer, document_id: int):
        """Move a document to the trash."""
        await offload.write(documents.delete_document, viewer, int(document_id))
        self.open_document, self.versions, self.details = 0, [], DocumentDetails()
        self._say(N_("The document was moved to the trash."))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def restore_document(self, viewer: Viewer, document_id: int):
        """Bring a document back from the trash."""
        await offload.write(documents.restore_document, viewer, int(document_id))
        await self._load(viewer)
