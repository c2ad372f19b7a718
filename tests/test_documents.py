"""Document sharing: uploads checked while they stream, versions, trash, authorised downloads and export."""

import dataclasses
import io
import zipfile

import pytest
from sqlmodel import func, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import Document, DocumentVersion, DownloadLog
from partnerskap.services import documents, filetypes, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.storage import get_storage
from tests.conftest import viewer
from tests.refusals import NO_SUCH_DOCUMENT, MEMBERS_ONLY

PDF = b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


@pytest.fixture(autouse=True)
def storage_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path / "documents"))


@pytest.fixture
def workspace(member):
    return workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Library test", purpose="Sharing", access="request"))


@pytest.fixture
def uploader(member, workspace):
    documents.accept_upload_terms(viewer(member))
    return member


def upload(user, workspace_id, name, data, chunk=1024, **kwargs):
    incoming = documents.IncomingFile(viewer(user), workspace_id, name, **kwargs)
    for start in range(0, len(data), chunk):
        incoming.add(data[start : start + chunk])
    return incoming.finish()


def count(model) -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def stored_keys() -> list[str]:
    return list(get_storage().keys("workspaces/"))


def test_member_uploads_a_pdf_and_it_is_stored_whole(uploader, workspace):
    version = upload(uploader, workspace.id, "report.pdf", PDF)
    assert version.content_type == "application/pdf" and version.size == len(PDF)
    assert b"".join(get_storage().open(version.storage_key)) == PDF


def test_upload_needs_the_rights_confirmation_first(member, workspace):
    with pytest.raises(Refused, match="Confirm first that you hold the rights to the material and are responsible for it."):
        documents.IncomingFile(viewer(member), workspace.id, "report.pdf")


def test_outsider_cannot_upload(outsider, workspace):
    documents.accept_upload_terms(viewer(outsider))
    with pytest.raises(Refused, match=MEMBERS_ONLY):
        documents.IncomingFile(viewer(outsider), workspace.id, "report.pdf")


@pytest.mark.parametrize("name, data", [("evil.pdf", b"MZ\x90\x00 not a pdf" * 100), ("photo.png", PDF), ("script.html", b"<html>" * 100), ("notes.txt", b"\x00\x01binary" * 100)])
def test_disallowed_type_is_refused_by_content_and_nothing_is_stored(uploader, workspace, name, data):
    with pytest.raises(Refused, match="This type of file is not allowed. Allowed: PDF, images, office documents and plain text."):
        upload(uploader, workspace.id, name, data, chunk=len(data))
    assert count(Document) == 0 and stored_keys() == []


def test_empty_file_is_refused(uploader, workspace):
    incoming = documents.IncomingFile(viewer(uploader), workspace.id, "empty.txt")
    with pytest.raises(Refused, match="The file is empty."):
        incoming.finish()
    assert count(DocumentVersion) == 0 and stored_keys() == []


def test_file_over_the_limit_is_refused_while_streaming(uploader, workspace, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, max_upload_bytes=4096))
    with pytest.raises(Refused, match="The file is larger than the limit of {megabytes} MB."):
        upload(uploader, workspace.id, "big.pdf", PDF)
    assert count(Document) == 0 and stored_keys() == []


def test_quota_is_enforced(uploader, workspace, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, workspace_quota_bytes=len(PDF) + 100))
    upload(uploader, workspace.id, "one.pdf", PDF)
    with pytest.raises(Refused, match="The workspace's storage quota is full."):
        upload(uploader, workspace.id, "two.pdf", PDF)
    assert count(DocumentVersion) == 1 and len(stored_keys()) == 1


@pytest.mark.parametrize("name", ["../etc/passwd.pdf", "a\\b.pdf", "bad\x07name.pdf", "   "])
def test_names_with_separators_or_control_characters_are_refused(uploader, workspace, name):
    with pytest.raises((Invalid, Refused)):
        upload(uploader, workspace.id, name, PDF)
    assert count(Document) == 0


def test_same_name_makes_a_new_version_and_old_ones_stay(uploader, workspace):
    first = upload(uploader, workspace.id, "plan.txt", b"first draft\n")
    second = upload(uploader, workspace.id, "plan.txt", b"second draft\n")
    assert (first.document_id, second.number) == (second.document_id, 2)
    download = documents.authorise_download(viewer(uploader), first.document_id, 1)
    assert b"".join(get_storage().open(download.key)) == b"first draft\n"


def test_restoring_a_version_makes_it_newest(uploader, workspace):
    first = upload(uploader, workspace.id, "plan.txt", b"first draft\n")
    upload(uploader, workspace.id, "plan.txt", b"second draft\n")
    restored = documents.restore_version(viewer(uploader), first.id)
    assert restored.number == 3
    assert b"".join(get_storage().open(documents.authorise_download(viewer(uploader), first.document_id).key)) == b"first draft\n"


def test_office_zip_bomb_is_refused(uploader, workspace):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(Refused, match="This office file is damaged or expands far too much, so it was refused."):
        upload(uploader, workspace.id, "bomb.docx", buffer.getvalue(), chunk=65536)
    assert count(Document) == 0 and stored_keys() == []



def lying_about_its_size(archive: bytes, declared: int) -> bytes:
    """The archive with its one entry's uncompressed size rewritten, in the local header and the central directory."""
    patched = bytearray(archive)
    patched[22:26] = declared.to_bytes(4, "little")
    directory = patched.index(b"PK\x01\x02")
    patched[directory + 24 : directory + 28] = declared.to_bytes(4, "little")
    return bytes(patched)


def test_office_zip_bomb_that_declares_a_small_size_is_refused(uploader, workspace):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"0" * (50 * 1024 * 1024))
    bomb = lying_about_its_size(buffer.getvalue(), 1000)
    assert zipfile.ZipFile(io.BytesIO(bomb)).infolist()[0].file_size == 1000
    with pytest.raises(Refused, match="expands far too much"):
        upload(uploader, workspace.id, "bomb.docx", bomb, chunk=65536)
    assert count(Document) == 0 and stored_keys() == []

def test_a_real_office_document_is_accepted(uploader, workspace):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" * 100)
    version = upload(uploader, workspace.id, "minutes.docx", buffer.getvalue())
    assert version.content_type.endswith("wordprocessingml.document")


def test_database_failure_after_storing_removes_the_bytes(uploader, workspace, monkeypatch):
    def fail(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(documents.IncomingFile, "_record", fail)
    with pytest.raises(RuntimeError):
        upload(uploader, workspace.id, "report.pdf", PDF)
    assert stored_keys() == [] and count(DocumentVersion) == 0


def test_storage_failure_mid_upload_leaves_no_row_and_no_object(uploader, workspace, monkeypatch):
    incoming = documents.IncomingFile(viewer(uploader), workspace.id, "report.pdf")
    incoming.add(PDF[:2048])

    def broken(_chunk):
        from partnerskap.storage import StorageError

        raise StorageError("disk full")

    monkeypatch.setattr(incoming.upload, "write", broken)
    with pytest.raises(Refused, match="The file could not be stored. Nothing was saved; please try again."):
        incoming.add(PDF[2048:])
    assert count(DocumentVersion) == 0 and stored_keys() == []
    assert documents.reconcile() == {"rows_without_objects": [], "objects_without_rows": [], "stale_uploads": []}


def test_scanner_configured_but_down_fails_closed(uploader, workspace, monkeypatch):
    from tests.live_server import free_port

    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, clamd_address=f"127.0.0.1:{free_port()}"))
    with pytest.raises(Refused, match="The virus scanner is not available, so uploads are paused. Try again later."):
        upload(uploader, workspace.id, "report.pdf", PDF)
    assert count(Document) == 0 and stored_keys() == []


def test_outsider_cannot_download_and_member_downloads_are_logged(uploader, workspace, outsider):
    version = upload(uploader, workspace.id, "report.pdf", PDF)
    with pytest.raises(Refused, match=NO_SUCH_DOCUMENT):
        documents.authorise_download(viewer(outsider), version.document_id)
    found = documents.authorise_download(viewer(uploader), version.document_id, inline=True)
    assert found.inline and found.filename == "report.pdf"
    assert count(DownloadLog) == 1


def test_deleted_document_goes_to_trash_owner_restores_and_purge_removes_bytes(uploader, workspace, member):
    version = upload(uploader, workspace.id, "report.pdf", PDF)
    documents.delete_document(viewer(uploader), version.document_id)
    with pytest.raises(Refused, match="This document does not exist."):
        documents.authorise_download(viewer(uploader), version.document_id)
    documents.restore_document(viewer(member), version.document_id)
    documents.delete_document(viewer(uploader), version.document_id)
    assert documents.purge_trash(days=0) == 1
    assert stored_keys() == [] and count(Document) == 0


def test_folders_nest_and_cannot_move_into_themselves(uploader, workspace):
    outer = documents.create_folder(viewer(uploader), workspace.id, "Reports")
    inner = documents.create_folder(viewer(uploader), workspace.id, "2026", outer.id)
    with pytest.raises(Refused, match="A folder cannot be moved inside itself."):
        documents.move_folder(viewer(uploader), outer.id, inner.id)
    upload(uploader, workspace.id, "q1.txt", b"numbers\n", folder_id=inner.id)
    shelf = documents.library(viewer(uploader), workspace.id, inner.id)
    assert [f.name for f in shelf.path] == ["Reports", "2026"] and [e.document.name for e in shelf.entries] == ["q1.txt"]
    with pytest.raises(Refused, match="Only an empty folder can be deleted."):
        documents.delete_folder(viewer(uploader), inner.id)


def test_export_zip_holds_my_documents_in_their_folders(uploader, workspace):
    folder = documents.create_folder(viewer(uploader), workspace.id, "Reports")
    upload(uploader, workspace.id, "q1.txt", b"numbers\n", folder_id=folder.id)
    upload(uploader, workspace.id, "report.pdf", PDF)
    chunks, filename = documents.export_zip(viewer(uploader), workspace.id, only_mine=True)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert sorted(archive.namelist()) == ["Reports/q1.txt", "report.pdf"] and archive.read("report.pdf") == PDF
    assert filename == "Library test.zip"



@pytest.mark.parametrize("access", ["open", "invitation"])
def test_outsider_hears_the_same_for_a_hidden_document_as_for_one_that_does_not_exist(uploader, outsider, access):
    hidden = workspaces.create(viewer(uploader), workspaces.WorkspaceForm(name="Board papers", purpose="Board only", access=access))
    version = upload(uploader, hidden.id, "minutes.pdf", PDF)
    missing = version.document_id + 1000
    for attempt in (
        lambda document_id: documents.authorise_download(viewer(outsider), document_id),
        lambda document_id: documents.versions(viewer(outsider), document_id),
        lambda document_id: documents.delete_document(viewer(outsider), document_id),
    ):
        for document_id in (version.document_id, missing):
            with pytest.raises(Refused, match="^This document does not exist.$"):
                attempt(document_id)
    for version_id in (version.id, version.id + 1000):
        with pytest.raises(Refused, match="^This version does not exist.$"):
            documents.restore_version(viewer(outsider), version_id)


@pytest.mark.parametrize("access", ["open", "invitation"])
def test_outsider_restoring_from_the_trash_hears_the_same_as_for_a_missing_document(uploader, outsider, access):
    hidden = workspaces.create(viewer(uploader), workspaces.WorkspaceForm(name="Board papers", purpose="Board only", access=access))
    version = upload(uploader, hidden.id, "minutes.pdf", PDF)
    documents.delete_document(viewer(uploader), version.document_id)
    for document_id in (version.document_id, version.document_id + 1000):
        with pytest.raises(Refused, match="^This document is not in the trash.$"):
            documents.restore_document(viewer(outsider), document_id)
    with transaction() as session:
        assert session.get(Document, version.document_id).deleted_at is not None

def test_only_owners_export_the_whole_library(uploader, workspace, outsider):
    with pytest.raises(Refused, match=MEMBERS_ONLY):
        documents.export_zip(viewer(outsider), workspace.id, only_mine=True)


def test_reply_can_attach_a_document_of_the_same_workspace_only(uploader, workspace, outsider):
    from partnerskap.services import discussions

    version = upload(uploader, workspace.id, "report.pdf", PDF)
    thread = discussions.start_thread(viewer(uploader), workspace.id, "Reports", "See below", "k" * 16)
    discussions.reply(viewer(uploader), thread.id, "Here it is", "r" * 16, attach=version.document_id)
    assert discussions.posts(viewer(uploader), thread.id)[-1].attachments == [(version.document_id, "report.pdf")]
    other = workspaces.create(viewer(outsider), workspaces.WorkspaceForm(name="Elsewhere", purpose="Other"))
    documents.accept_upload_terms(viewer(outsider))
    foreign = upload(outsider, other.id, "secret.pdf", PDF)
    with pytest.raises(Refused, match="Only documents of the same workspace can be attached."):
        discussions.reply(viewer(uploader), thread.id, "Sneaky", "s" * 16, attach=foreign.document_id)
    assert len(discussions.posts(viewer(uploader), thread.id)) == 2


def test_a_document_in_the_trash_is_no_longer_shown_attached(uploader, workspace):
    from partnerskap.services import discussions

    kept, binned = upload(uploader, workspace.id, "agenda.pdf", PDF), upload(uploader, workspace.id, "draft.pdf", PDF)
    thread = discussions.start_thread(viewer(uploader), workspace.id, "Papers", "Two papers", "k" * 16)
    discussions.reply(viewer(uploader), thread.id, "The agenda", "a" * 16, attach=kept.document_id)
    discussions.reply(viewer(uploader), thread.id, "The draft", "d" * 16, attach=binned.document_id)
    documents.delete_document(viewer(uploader), binned.document_id)
    shown = discussions.posts(viewer(uploader), thread.id)
    assert [view.attachments for view in shown] == [[], [(kept.document_id, "agenda.pdf")], []]


def test_a_download_of_a_purged_document_stays_on_the_disclosure_log_by_its_name(uploader, workspace, admin):
    version = upload(uploader, workspace.id, "minutes.pdf", PDF)
    documents.authorise_download(viewer(uploader), version.document_id)
    documents.delete_document(viewer(uploader), version.document_id)
    assert documents.purge_trash(days=0) == 1
    assert count(Document) == 0
    [(logged, who, document_name)] = documents.download_log(viewer(admin))
    assert (who, document_name, logged.document_id, logged.version_id) == ("Bob", "minutes.pdf", None, None)


def test_previews_of_an_image_are_noted_once_a_day_and_downloads_every_time(uploader, workspace):
    version = upload(uploader, workspace.id, "logo.png", PNG)
    for _ in range(3):
        assert documents.authorise_download(viewer(uploader), version.document_id, inline=True).inline
    documents.authorise_download(viewer(uploader), version.document_id)
    documents.authorise_download(viewer(uploader), version.document_id)
    with transaction() as session:
        assert sorted(session.exec(select(DownloadLog.inline)).all()) == [False, False, True]


def test_an_owners_export_of_everyones_documents_is_on_the_record(uploader, workspace):
    from partnerskap.models import AuditEntry

    upload(uploader, workspace.id, "report.pdf", PDF)
    documents.export_zip(viewer(uploader), workspace.id, only_mine=True)
    documents.export_zip(viewer(uploader), workspace.id, only_mine=False)
    with transaction() as session:
        assert [(e.action, e.workspace_id, e.reason) for e in session.exec(select(AuditEntry)).all()] == [("workspace.export", workspace.id, "1 documents")]


def test_file_kinds_are_named_as_people_know_them():
    assert [t(filetypes.kind_name(kind), "fi") for kind in ("application/pdf", filetypes.OFFICE_ZIP[".docx"], "application/x-unknown")] == ["PDF-asiakirja", "Word-asiakirja", "Tiedosto"]
