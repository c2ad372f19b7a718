"""Library handlers: folders are renamed and moved through the page's form; outsiders change nothing."""

import asyncio
import dataclasses

import pytest
from reflex.istate.data import RouterData

from partnerskap import settings as config
from partnerskap import uploads
from partnerskap.db import transaction
from partnerskap.models import Document, Folder, User
from partnerskap.services import documents, workspaces
from partnerskap.state.library import LibraryState
from partnerskap.storage import get_storage
from tests.conftest import viewer
from tests.handlers import Tab


@pytest.fixture(autouse=True)
def storage_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path / "documents"))


def library_tab(user: User, workspace_id: int) -> Tab:
    tab = Tab.of(user, path=f"/workspaces/{workspace_id}/documents")
    tab.root.router_data["query"] = {"workspace_id": str(workspace_id)}
    tab.root.router = RouterData.from_router_data(tab.root.router_data)
    return tab


def folder(folder_id: int) -> Folder:
    with transaction() as session:
        return session.get(Folder, folder_id)


async def test_owner_renames_a_folder_and_moves_it_into_another(member):
    workspace = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Folders", purpose="Filing"))
    reports = documents.create_folder(viewer(member), workspace.id, "Reports")
    archive = documents.create_folder(viewer(member), workspace.id, "Archive")
    tab = library_tab(member, workspace.id)
    await tab.call(LibraryState, "load")
    await tab.call(LibraryState, "edit_folder", reports.id)
    state, _ = await tab.call(LibraryState, "save_folder", {"name": "Reports 2026", "parent_id": str(archive.id)})
    assert state.errors == {} and (folder(reports.id).name, folder(reports.id).parent_id) == ("Reports 2026", archive.id)
    assert [f.name for f in state.all_folders] == ["Archive", "Archive / Reports 2026"]


async def test_bad_folder_name_shows_a_message_and_changes_nothing(member):
    workspace = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Folders", purpose="Filing"))
    reports = documents.create_folder(viewer(member), workspace.id, "Reports")
    tab = library_tab(member, workspace.id)
    await tab.call(LibraryState, "load")
    await tab.call(LibraryState, "edit_folder", reports.id)
    state, _ = await tab.call(LibraryState, "save_folder", {"name": "a/b", "parent_id": "0"})
    assert "edit-folder-name" in state.errors and folder(reports.id).name == "Reports"


async def test_outsider_cannot_rename_a_folder(member, outsider):
    workspace = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Folders", purpose="Filing", access="request"))
    reports = documents.create_folder(viewer(member), workspace.id, "Reports")
    tab = library_tab(outsider, workspace.id)
    await tab.call(LibraryState, "edit_folder", reports.id)
    state, _ = await tab.call(LibraryState, "save_folder", {"name": "Mine now", "parent_id": "0"})
    assert state.notice and folder(reports.id).name == "Reports"


class CountedBody:
    """A multipart upload body of one file, handed over in pieces as a server would, counting what was taken."""

    BOUNDARY = "partnerskap-test-boundary"

    def __init__(self, filename: str, size: int, piece: int = 64 * 1024):
        self.parts = [
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'.encode(),
            *(b"x" * min(piece, size - start) for start in range(0, size, piece)),
            f"\r\n--{self.BOUNDARY}--\r\n".encode(),
        ]
        self.size = sum(len(part) for part in self.parts)
        self.taken = 0

    async def stream(self):
        for part in self.parts:
            self.taken += len(part)
            yield part


async def send_through_reflex(tab: Tab, body: CountedBody, declared: int | None) -> str:
    """Feed the body to Reflex's own streaming upload parser, which starts the library's upload handler; what the endpoint would answer."""
    from reflex_components_core.core._upload import UploadChunkIterator, _UploadChunkMultipartParser
    from starlette.datastructures import Headers

    from partnerskap.services.tokens import digest

    uploads.note(tab.root.router.session.client_token, digest(tab.token), declared)
    chunks = UploadChunkIterator(maxsize=8)

    async def start_handler(_arguments):
        chunks.set_consumer_task(asyncio.ensure_future(tab.call(LibraryState, "receive", chunks)))

    parser = _UploadChunkMultipartParser(
        headers=Headers({"content-type": f"multipart/form-data; boundary={body.BOUNDARY}"}), stream=body.stream(), chunk_iter=chunks, on_args_ready=start_handler
    )
    try:
        await parser.parse()
    except RuntimeError as ended:  # the endpoint answers 400 with this and reads no further
        await chunks._consumer_task
        return str(ended)
    await chunks.finish()
    await chunks._consumer_task
    return "read to the end"


@pytest.fixture
def small_uploads(monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, max_upload_bytes=1024 * 1024))


async def test_a_file_past_the_limit_ends_the_upload_without_reading_the_rest(member, small_uploads):
    workspace = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Uploads", purpose="Filing"))
    documents.accept_upload_terms(viewer(member))
    tab = library_tab(member, workspace.id)
    state, _ = await tab.call(LibraryState, "load")
    body = CountedBody("notes.txt", 20 * 1024 * 1024)
    assert await send_through_reflex(tab, body, declared=None) == "Upload handler returned before consuming all upload chunks."
    assert state.notice == "The file is larger than the limit of 1 MB."
    assert body.taken < 2 * 1024 * 1024 and list(get_storage().keys("workspaces/")) == []


async def test_an_upload_declaring_more_than_the_limit_is_refused_before_its_files_are_read(member, small_uploads):
    workspace = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Uploads", purpose="Filing"))
    documents.accept_upload_terms(viewer(member))
    tab = library_tab(member, workspace.id)
    state, _ = await tab.call(LibraryState, "load")
    body = CountedBody("notes.txt", 20 * 1024 * 1024)
    assert await send_through_reflex(tab, body, declared=body.size) == "Upload handler returned before consuming all upload chunks."
    assert state.notice == "The upload is larger than the limit of 1 MB. Upload fewer or smaller files at a time."
    assert body.taken < 1024 * 1024


async def test_an_upload_within_the_limit_is_saved(member, small_uploads):
    workspace = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Uploads", purpose="Filing"))
    documents.accept_upload_terms(viewer(member))
    tab = library_tab(member, workspace.id)
    state, _ = await tab.call(LibraryState, "load")
    body = CountedBody("notes.txt", 512 * 1024)
    assert await send_through_reflex(tab, body, declared=body.size) == "read to the end"
    assert state.notice == "Saved: notes.txt" and [d.name for d in state.documents] == ["notes.txt"]


def uploaded_document(member: User, workspace_id: int):
    documents.accept_upload_terms(viewer(member))
    incoming = documents.IncomingFile(viewer(member), workspace_id, "plan.txt")
    incoming.add(b"The plan for spring.\n")
    version = incoming.finish(description="Spring plan", rights_holder="Kotona ry", licence="cc-by-4.0")
    return version.document_id


def document_row(document_id: int):
    with transaction() as session:
        return session.get(Document, document_id)


async def test_document_details_open_filled_in_from_the_document(member):
    workspace = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Details", purpose="Filing"))
    document_id = uploaded_document(member, workspace.id)
    tab = library_tab(member, workspace.id)
    await tab.call(LibraryState, "load")
    state, _ = await tab.call(LibraryState, "open_versions", document_id)
    assert (state.details.name, state.details.description, state.details.rights_holder, state.details.licence) == ("plan.txt", "Spring plan", "Kotona ry", "cc-by-4.0")


async def test_changing_the_licence_keeps_the_rights_holder(member):
    workspace = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Details", purpose="Filing"))
    document_id = uploaded_document(member, workspace.id)
    tab = library_tab(member, workspace.id)
    await tab.call(LibraryState, "load")
    await tab.call(LibraryState, "open_versions", document_id)
    state, _ = await tab.call(LibraryState, "save_document", {"licence": "cc-by-sa-4.0"})
    assert state.errors == {}
    saved = document_row(document_id)
    assert (saved.licence, saved.rights_holder, saved.description, saved.name) == ("cc-by-sa-4.0", "Kotona ry", "Spring plan", "plan.txt")


async def test_only_what_the_member_changed_is_written_over_a_change_made_meanwhile(member, owner):
    workspace = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Details", purpose="Filing"))
    document_id = uploaded_document(member, workspace.id)
    tab = library_tab(member, workspace.id)
    await tab.call(LibraryState, "load")
    await tab.call(LibraryState, "open_versions", document_id)
    documents.update_document(viewer(member), document_id, documents.DetailsChange(rights_holder="Partner ry"))
    form = {"name": "plan.txt", "description": "Spring plan 2027", "rights_holder": "Kotona ry", "licence": "cc-by-4.0", "folder_id": "0"}
    await tab.call(LibraryState, "save_document", form)
    saved = document_row(document_id)
    assert (saved.description, saved.rights_holder) == ("Spring plan 2027", "Partner ry")
