"""Backups: one file restores every row and every document's bytes into an empty instance, on SQLite or PostgreSQL."""

from __future__ import annotations

import dataclasses
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

from partnerskap import cli
from partnerskap import settings as config
from partnerskap.db import engine, transaction
from partnerskap.migrations import migrate
from partnerskap.models import DocumentVersion, Role, Status, User
from partnerskap.ops import backup
from partnerskap.services import discussions, documents, membership, search, search_index, workspaces
from partnerskap.services.search import Query
from partnerskap.services.sessions import Viewer
from partnerskap.storage import get_storage
from tests import s3_server
from tests.conftest import make_person, scratch_postgres, use_postgres, viewer

PDF = b"%PDF-1.4\n" + b"first version " * 400 + b"\n%%EOF\n"
PDF_AGAIN = b"%PDF-1.4\n" + "toinen versio, åäö ".encode() * 300 + b"\n%%EOF\n"


def use(monkeypatch, *, database_url: str, storage_dir: Path) -> None:
    """Point this process at one instance: its database and its document folder."""
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, database_url=database_url, storage_backend="local", storage_dir=storage_dir))


def seed(password_hash: str) -> None:
    """An instance with people, a workspace, a discussion, a document in two versions, a download and audit entries."""
    alice = make_person(password_hash, "Alice", role=Role.ADMIN)
    bob = make_person(password_hash, "Bob")
    charlie = make_person(password_hash, "Charlie")
    dana = make_person(password_hash, "Dana", status=Status.PENDING)
    owner = viewer(bob)
    place = workspaces.create(owner, workspaces.WorkspaceForm(name="Vastaanotto 2026", purpose="Kotoutuminen", access="request", starts_on="2026-01-05"))
    thread = discussions.start_thread(owner, place.id, "Plans", "The **first** post", discussions.new_key())
    first = discussions.posts(owner, thread.id)[0].post
    discussions.reply(owner, thread.id, "Quoting the first — ja vastaus", discussions.new_key(), quote_of=first.id)
    discussions.pin(owner, thread.id, True)
    documents.accept_upload_terms(owner)
    older = documents.create_folder(owner, place.id, "Older")
    newer = documents.create_folder(owner, place.id, "Newer")
    documents.move_folder(owner, older.id, newer.id)  # a row pointing at a later row of its own table
    version = upload(owner, place.id, "report.pdf", PDF, folder_id=older.id)
    upload(owner, place.id, "report.pdf", PDF_AGAIN, document_id=version.document_id)
    documents.authorise_download(owner, version.document_id, 1, inline=True)
    admin = viewer(alice)
    membership.approve(admin, dana.id)
    membership.suspend(admin, charlie.id, "Posted spam, twice")


def upload(owner: Viewer, workspace_id: int, name: str, data: bytes, **kwargs) -> DocumentVersion:
    incoming = documents.IncomingFile(owner, workspace_id, name, **kwargs)
    for start in range(0, len(data), 1000):
        incoming.add(data[start : start + 1000])
    return incoming.finish()


def every_row() -> dict[str, list[dict]]:
    with engine().connect() as connection:
        return {
            table.name: [dict(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns)).mappings()]
            for table in SQLModel.metadata.sorted_tables
        }


def every_object() -> dict[str, bytes]:
    storage = get_storage()
    return {key: b"".join(storage.open(key)) for key in storage.keys()}


@pytest.fixture
def source(monkeypatch, tmp_path, database, password_hash) -> dict:
    """This run's test database (SQLite, or PostgreSQL), seeded; returns its rows and objects."""
    use(monkeypatch, database_url=database, storage_dir=tmp_path / "documents")
    seed(password_hash)
    return {"rows": every_row(), "objects": every_object()}


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """A database that does not exist yet, of the kind this run tests."""
    if use_postgres():
        yield from scratch_postgres()
    else:
        yield f"sqlite:///{tmp_path / 'restored.db'}"


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    yield from scratch_postgres()


def test_restore_gives_back_every_row_and_every_object(source, monkeypatch, tmp_path, empty_database, password_hash):
    archive = tmp_path / "backup.zip"
    made = backup.create(archive)
    assert made.objects == 2 and made.missing_objects == []
    assert made.rows == sum(len(rows) for rows in source["rows"].values())

    use(monkeypatch, database_url=empty_database, storage_dir=tmp_path / "restored-documents")
    restored = backup.restore(archive)

    assert restored.rows == made.rows and restored.revision == made.revision
    assert every_row() == source["rows"]
    assert every_object() == source["objects"]
    assert sorted(source["objects"].values()) == sorted([PDF, PDF_AGAIN])
    assert make_person(password_hash, "Frank").id > max(row["id"] for row in source["rows"]["user"])  # sequences moved on


def test_sqlite_instance_moves_to_postgresql(monkeypatch, tmp_path, password_hash, empty_postgres):
    use(monkeypatch, database_url=f"sqlite:///{tmp_path / 'small.db'}", storage_dir=tmp_path / "documents")
    migrate()
    seed(password_hash)
    rows, objects = every_row(), every_object()
    archive = tmp_path / "backup.zip"
    backup.create(archive)

    use(monkeypatch, database_url=empty_postgres, storage_dir=tmp_path / "documents")  # same folder: objects kept after a checksum check
    backup.restore(archive)

    assert engine().dialect.name == "postgresql"
    assert every_row() == rows and every_object() == objects
    with engine().connect() as connection:
        pinned = connection.execute(text("SELECT pinned FROM thread")).scalar_one()
        starts_on = connection.execute(text("SELECT starts_on FROM workspace")).scalar_one()
    assert pinned is True and starts_on.isoformat() == "2026-01-05"
    make_person(password_hash, "Frank")


def test_documents_move_to_s3_storage_and_back_up_from_there(source, monkeypatch, tmp_path, empty_database):
    archive, again = tmp_path / "backup.zip", tmp_path / "from-s3.zip"
    backup.create(archive)
    with s3_server.moto() as server:
        s3 = {"storage_backend": "s3", "s3_endpoint_url": server.url, "s3_bucket": "restored", "s3_access_key": s3_server.ACCESS_KEY, "s3_secret_key": s3_server.SECRET_KEY}
        monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, database_url=empty_database, **s3))
        backup.restore(archive)
        assert every_object() == source["objects"] and every_row() == source["rows"]
        backup.create(again)
    with zipfile.ZipFile(archive) as first, zipfile.ZipFile(again) as second:
        assert backup._manifest(first)["objects"] == backup._manifest(second)["objects"]


def test_restore_refuses_an_instance_that_has_data(source, tmp_path):
    archive = tmp_path / "backup.zip"
    backup.create(archive)
    with pytest.raises(backup.BackupError, match="already holds data"):
        backup.restore(archive)
    assert every_row() == source["rows"]


def test_damaged_object_is_refused_and_nothing_is_left_behind(source, monkeypatch, tmp_path, empty_database):
    archive, damaged = tmp_path / "backup.zip", tmp_path / "damaged.zip"
    backup.create(archive)
    with zipfile.ZipFile(archive) as original, zipfile.ZipFile(damaged, "w") as copy:
        for member in original.infolist():
            data = original.read(member)
            copy.writestr(member, data.replace(b"toinen", b"TOINEN") if member.filename.startswith("objects/") else data)

    use(monkeypatch, database_url=empty_database, storage_dir=tmp_path / "restored-documents")
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore(damaged)
    assert every_object() == {}
    assert all(rows == [] for name, rows in every_row().items() if name not in backup.SEEDED_BY_MIGRATIONS)  # only what migrating seeded


def test_backup_holds_a_manifest_with_checksums_and_is_private(source, tmp_path):
    archive = tmp_path / "backup.zip"
    backup.create(archive)
    assert archive.stat().st_mode & 0o077 == 0
    with zipfile.ZipFile(archive) as opened:
        manifest = backup._manifest(opened)
        names = set(opened.namelist())
    assert manifest["alembic_revision"] and [table["name"] for table in manifest["tables"]] == [t.name for t in SQLModel.metadata.sorted_tables]
    assert {entry["key"] for entry in manifest["objects"]} == set(source["objects"])
    assert all(len(entry["sha256"]) == 64 and entry["file"] in names for entry in manifest["objects"] + manifest["tables"])


def test_cli_backs_up_and_restores(source, monkeypatch, tmp_path, empty_database, capsys):
    archive = tmp_path / "nightly.zip"
    monkeypatch.setattr(sys, "argv", ["partnerskap", "backup", str(archive)])
    cli.main()
    assert "2 document object(s)" in capsys.readouterr().out

    use(monkeypatch, database_url=empty_database, storage_dir=tmp_path / "restored-documents")
    monkeypatch.setattr(sys, "argv", ["partnerskap", "restore", str(archive)])
    cli.main()
    assert every_row() == source["rows"]
    assert "indexed" in capsys.readouterr().out  # backups leave the search index out; the restore rebuilds it
    with zipfile.ZipFile(archive) as backed_up:
        assert not [name for name in backed_up.namelist() if search_index.PREFIX in name]
    with transaction() as session:
        bob = Viewer.of(session.exec(select(User).where(User.name == "Bob")).one()[0])
    assert [hit.kind for hit in search.search(bob, Query(text="vastaus")).hits] == ["post"]


def test_cli_restore_refusal_is_a_message_not_a_traceback(source, monkeypatch, tmp_path):
    archive = tmp_path / "nightly.zip"
    backup.create(archive)
    monkeypatch.setattr(sys, "argv", ["partnerskap", "restore", str(archive)])
    with pytest.raises(SystemExit, match="restore only into an empty instance"):
        cli.main()
