"""The database engine: SQLite's log is checkpointed and synced by the app, not in a member's commit."""

import dataclasses
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from partnerskap import db
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.storage import get_storage
from tests.conftest import use_postgres

pytestmark = pytest.mark.skipif(use_postgres(), reason="SQLite's log only")


def _name_in_the_database_file(user_id: int) -> str:
    """The name as the database file holds it, without what is still only in the log."""
    path = config.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as connection:
        return connection.execute('SELECT name FROM "user" WHERE id = ?', (user_id,)).fetchone()[0]


def test_the_apps_checkpoint_copies_the_log_that_commits_leave(member):
    db.checkpoint()
    with transaction() as session:
        assert session.exec(text("PRAGMA wal_autocheckpoint")).scalar() == db.COMMIT_CHECKPOINTS_AFTER_PAGES
        session.exec(text('UPDATE "user" SET name = \'Robert\' WHERE id = :id'), params={"id": member.id})
    assert _name_in_the_database_file(member.id) == "Bob"

    db.checkpoint()

    assert _name_in_the_database_file(member.id) == "Robert"


def test_sqlite_syncs_at_the_apps_checkpoints_unless_told_to_at_every_commit(monkeypatch):
    with transaction() as session:
        assert session.exec(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, sqlite_synchronous="full"))
    strict = db._make_engine(config.settings.database_url)
    try:
        with strict.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        strict.dispose()


def test_an_unknown_sqlite_synchronous_setting_is_refused(monkeypatch):
    monkeypatch.setenv("PARTNERSKAP_SQLITE_SYNCHRONOUS", "off")
    with pytest.raises(ValueError, match="PARTNERSKAP_SQLITE_SYNCHRONOUS"):
        config.load()


@pytest.fixture
def shared_umask():
    """A process umask that lets every local user read new files, as a default login shell's does."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_instance_keeps_its_files_for_itself(tmp_path, monkeypatch, shared_umask):
    data_dir = tmp_path / "instance"
    monkeypatch.setenv("PARTNERSKAP_DATA_DIR", str(data_dir))
    monkeypatch.delenv("PARTNERSKAP_SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PARTNERSKAP_STORAGE_DIR", raising=False)
    monkeypatch.setattr(config, "settings", config.load())
    with transaction() as session:
        session.exec(text("CREATE TABLE scratch (x TEXT)"))
        session.exec(text("INSERT INTO scratch VALUES ('written')"))
    upload = get_storage().begin("workspaces/1/minutes")
    upload.write(b"minutes of the board")
    upload.complete()
    created = {path.relative_to(data_dir).as_posix(): stat.S_IMODE(path.stat().st_mode) for path in data_dir.rglob("*") if path.is_file()}
    assert {"secret_key", "partnerskap.db", "partnerskap.db-wal", "partnerskap.db-shm", "documents/workspaces/1/minutes"} <= set(created)
    assert {name: mode for name, mode in created.items() if mode != 0o600} == {}
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    db.engine().dispose()


def test_a_database_made_readable_to_others_is_closed_to_them(tmp_path, monkeypatch, shared_umask):
    path = tmp_path / "older.db"
    with sqlite3.connect(path) as older:
        older.execute("PRAGMA journal_mode=WAL")
        older.execute("CREATE TABLE scratch (x TEXT)")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, database_url=f"sqlite:///{path}"))
    with transaction() as session:
        session.exec(text("INSERT INTO scratch VALUES ('written')"))
    assert {name: stat.S_IMODE((tmp_path / name).stat().st_mode) for name in ("older.db", "older.db-wal", "older.db-shm")} == dict.fromkeys(
        ("older.db", "older.db-wal", "older.db-shm"), 0o600
    )
    db.engine().dispose()


def test_the_log_shrinks_after_heavy_writes_once_checkpointed():
    log = Path(config.settings.database_url.removeprefix("sqlite:///") + "-wal")
    with transaction() as session:
        session.exec(text("CREATE TABLE scratch (x BLOB)"))
    for _round in range(40):
        with transaction() as session:
            session.exec(text("INSERT INTO scratch VALUES (randomblob(4096))"), params=[{}] * 200)  # 40 × 800 kB
    assert log.stat().st_size > 3 * db.WAL_KEPT_BYTES
    db.checkpoint()
    with transaction() as session:
        session.exec(text("INSERT INTO scratch VALUES (randomblob(16))"))
    assert log.stat().st_size <= db.WAL_KEPT_BYTES
