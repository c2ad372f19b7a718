"""Virus scanning of uploads against a real clamd: malware refused while nothing is stored, clean files through, fails closed when down."""

import dataclasses

import pytest

from partnerskap import settings as config
from partnerskap.models import Document, DocumentVersion
from partnerskap.services import documents, scanner, workspaces
from partnerskap.services.errors import Refused
from partnerskap.storage import get_storage
from tests.clamd_server import EICAR, SIGNATURE, Clamd, clamd
from tests.conftest import viewer
from tests.test_documents import count, stored_keys, upload

MALWARE = "The virus scanner found malware in this file. It was not saved."
MINUTES = b"".join(b"Line %d of the partnership meeting minutes.\n" % number for number in range(70_000))  # about 3 MB


@pytest.fixture(scope="module")
def daemon():
    """One clamd for the module; starting it with a one-signature database takes well under a second."""
    with clamd(stream_max_mb=64) as server:
        yield server


@pytest.fixture(autouse=True)
def storage_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path / "documents"))


@pytest.fixture
def uploader(member):
    """Bob, who has confirmed the upload terms."""
    documents.accept_upload_terms(viewer(member))
    return member


@pytest.fixture
def workspace(uploader):
    return workspaces.create(viewer(uploader), workspaces.WorkspaceForm(name="Scanned library", purpose="Sharing", access="request"))


def scan_with(monkeypatch, server: Clamd) -> None:
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, clamd_address=server.address))


def nothing_stored() -> bool:
    return count(Document) == 0 and count(DocumentVersion) == 0 and stored_keys() == [] and not any(documents.reconcile().values())


def test_eicar_upload_is_refused_as_malware_and_nothing_is_stored(uploader, workspace, daemon, monkeypatch):
    scan_with(monkeypatch, daemon)
    with pytest.raises(Refused) as refused:
        upload(uploader, workspace.id, "notes.txt", EICAR)
    assert refused.value.message == MALWARE
    assert daemon.verdicts()[-1] == f"{SIGNATURE}.UNOFFICIAL FOUND"
    assert nothing_stored()


def test_clean_file_passes_through_the_scanner_and_is_stored(uploader, workspace, daemon, monkeypatch):
    scan_with(monkeypatch, daemon)
    version = upload(uploader, workspace.id, "notes.txt", b"Agenda: spring plan, budget, next meeting.\n")
    assert daemon.verdicts()[-1] == "OK"
    assert b"".join(get_storage().open(version.storage_key)) == b"Agenda: spring plan, budget, next meeting.\n"


def test_clean_file_bigger_than_one_clamd_chunk_is_stored_whole(uploader, workspace, daemon, monkeypatch):
    scan_with(monkeypatch, daemon)
    version = upload(uploader, workspace.id, "minutes.txt", MINUTES, chunk=3 * 1024 * 1024)
    assert daemon.verdicts()[-1] == "OK"
    assert version.size == len(MINUTES) > 2 * (1 << 20)
    assert b"".join(get_storage().open(version.storage_key)) == MINUTES


def test_eicar_split_across_upload_chunks_is_still_found(uploader, workspace, daemon, monkeypatch):
    scan_with(monkeypatch, daemon)
    middle = 1 << 20
    data = MINUTES[: middle - 30] + EICAR + MINUTES[middle - 30 :]
    with pytest.raises(Refused) as refused:
        upload(uploader, workspace.id, "minutes.txt", data, chunk=64 * 1024)
    assert refused.value.message == MALWARE
    assert nothing_stored()


def test_scanner_configured_but_stopped_fails_closed(uploader, workspace, monkeypatch):
    with clamd() as stopped:
        stopped.stop()
        scan_with(monkeypatch, stopped)
        with pytest.raises(Refused) as refused:
            upload(uploader, workspace.id, "notes.txt", b"Agenda\n")
    assert refused.value.message == scanner.SCANNER_DOWN
    assert nothing_stored()


def test_scanner_dying_mid_upload_fails_closed(uploader, workspace, monkeypatch):
    with clamd() as dying:
        scan_with(monkeypatch, dying)
        incoming = documents.IncomingFile(viewer(uploader), workspace.id, "minutes.txt")
        incoming.add(MINUTES[: 1 << 20])
        dying.stop()
        with pytest.raises(Refused) as refused:
            for start in range(1 << 20, len(MINUTES), 64 * 1024):
                incoming.add(MINUTES[start : start + 64 * 1024])
            incoming.finish()
    assert refused.value.message == scanner.SCANNER_DOWN
    assert nothing_stored()


def test_file_over_the_scanners_stream_limit_is_refused_not_stored_unscanned(uploader, workspace, monkeypatch):
    with clamd(stream_max_mb=1) as small:
        scan_with(monkeypatch, small)
        with pytest.raises(Refused) as refused:
            upload(uploader, workspace.id, "minutes.txt", MINUTES, chunk=64 * 1024)
    assert refused.value.message == scanner.SCANNER_DOWN
    assert nothing_stored()
