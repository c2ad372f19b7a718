"""The database engine and transactional sessions."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from partnerskap import memory
from partnerskap import settings as config

_engines: dict[str, Engine] = {}
COMMIT_CHECKPOINTS_AFTER_PAGES = 10_000  # about 40 MB of log; SQLite's own default is 1000 pages
# After a checkpoint has copied the whole log, the next commit starts it over and cuts the file back to this
# size: a burst of writes leaves no log of tens of MB behind.
WAL_KEPT_BYTES = 8 * 1024 * 1024
# The database and its -wal and -shm files (which SQLite creates with the database file's mode) are for the instance only.
PRIVATE_FILE = 0o600
# Transactions one process runs at once, each in a thread of its own (partnerskap.offload) with its own connection.
# Reads and writes have separate threads: writers may wait up to SQLite's busy timeout for the database's lock
# (its holder waiting for the disk, an operator's script), and when they shared the threads with readers, a few such
# writers kept every reader waiting too. Readers never wait for SQLite's lock, so their threads stay free. Each
# thread in use, with its connection, costs about half a MiB (32 threads made the memory per open tab 10 KiB larger
# in bench/load, 16 about 5).
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


def _keep_private(url: str) -> None:
    """Create the SQLite database file readable by the instance's user only, and close existing ones to others."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    with contextlib.suppress(OSError):  # a missing folder or a file of someone else's: SQLite says so when it opens it
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            file.chmod(PRIVATE_FILE)


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _keep_private(url)
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
            cursor.execute(f"PRAGMA journal_size_limit={WAL_KEPT_BYTES}")
            cursor.close()

        return made
    # PostgreSQL compiles a query whose estimated cost is high (a search of a common word) before running it:
    # that took 1.0 of a 1.35 s search, for queries that run in milliseconds. Short queries never gain from it.
    return create_engine(url, pool_pre_ping=True, pool_size=READING_TRANSACTIONS + WRITING_TRANSACTIONS, max_overflow=8, connect_args={"options": "-c jit=off"})


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


memory.register(
    "database engines",
    holds="one engine and its pool of connections per database URL",
    lasts="the process",
    others_learn="nothing to learn: each process has its own connections",
)
memory.register(
    "prebuilt statements",
    holds="the SQL statements every event or page asks, built once at import (`_SESSION_AND_PERSON`, `_UNREAD_COUNT`, …)",
    lasts="the process",
    others_learn="nothing to learn: they hold no data, only the question",
)
