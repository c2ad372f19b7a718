"""The database engine and transactional sessions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from partnerskap import settings as config

_engines: dict[str, Engine] = {}
COMMIT_CHECKPOINTS_AFTER_PAGES = 10_000  # about 40 MB of log; SQLite's own default is 1000 pages
# Transactions one process runs at once, each in a thread of its own (partnerskap.offload) with its own connection.
# Reads and writes have separate threads: writers may wait up to SQLite's busy timeout for the database's lock
# (its holder waiting for the disk, an operator's script), and when they shared the threads with readers, a few such
# writers kept every reader waiting too. Readers never wait for SQLite's lock, so their threads stay free. Each
# thread in use, with its connection, costs about half a MiB (32 threads made the memory per open tab 10 KiB larger
# in bench/load.py, 16 about 5).
READING_TRANSACTIONS = 16
WRITING_TRANSACTIONS = 8


def engine() -> Engine:
    """The engine for the configured database, made once per URL."""
    url = config.settings.database_url
    if url not in _engines:
        _engines[url] = _make_engine(url)
    return _engines[url]


def checkpoint() -> None:
    """Copy SQLite's write-ahead log into the database file without waiting for anyone (nothing to do elsewhere)."""
    if engine().dialect.name == "sqlite":
        with engine().connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        made = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=READING_TRANSACTIONS + WRITING_TRANSACTIONS, max_overflow=8)

        @event.listens_for(made, "connect")
        def _sqlite_pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # A commit that waits for the disk holds the write lock meanwhile, and fsync here took up to 1.3 s now
            # and then: by default the app syncs at its checkpoint each second instead (settings.SQLITE_SYNCHRONOUS).
            cursor.execute(f"PRAGMA synchronous={config.settings.sqlite_synchronous.upper()}")
            cursor.execute("PRAGMA busy_timeout=30000")
            # The app checkpoints the write-ahead log in the background (`checkpoint`); a commit does it only
            # when that falls far behind, since the commit that does it answers late.
            cursor.execute(f"PRAGMA wal_autocheckpoint={COMMIT_CHECKPOINTS_AFTER_PAGES}")
            cursor.close()

        return made
    return create_engine(url, pool_pre_ping=True, pool_size=READING_TRANSACTIONS + WRITING_TRANSACTIONS, max_overflow=8)


@contextlib.contextmanager
def transaction() -> Iterator[Session]:
    """A session whose work is committed together, or not at all."""
    with Session(engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
