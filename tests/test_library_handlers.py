"""Library handlers: folders are renamed and moved through the page's form; outsiders change nothing."""

import dataclasses

import pytest
from reflex.istate.data import RouterData

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import Folder, User
from partnerskap.services import documents, workspaces
from partnerskap.state.library import LibraryState
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
