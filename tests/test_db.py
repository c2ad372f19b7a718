"""The database engine: SQLite's log is checkpointed and synced by the app, not in a member's commit."""

import dataclasses
import sqlite3

import pytest
from sqlalchemy import text

from partnerskap import db
from partnerskap import settings as config
from partnerskap.db import transaction
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
