"""The database engine: SQLite's write-ahead log is checkpointed by the app, not by a member's commit."""

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
