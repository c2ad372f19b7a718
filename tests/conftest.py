"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL with PARTNERSKAP_TEST_DATABASE=postgres) and people."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_RUN_DIR = Path(tempfile.mkdtemp(prefix="partnerskap-tests-"))
os.environ["PARTNERSKAP_DATA_DIR"] = str(_RUN_DIR / "data")
os.environ.setdefault("PARTNERSKAP_SECRET_KEY", "test-secret-key")
os.environ["DATABASE_URL"] = f"sqlite:///{_RUN_DIR / 'template.db'}"

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from partnerskap import memory  # noqa: E402
from partnerskap import settings as config  # noqa: E402
from partnerskap.migrations import migrate  # noqa: E402
from partnerskap.db import engine, transaction  # noqa: E402
from partnerskap.models import ListEntry, Membership, Role, Status, User, Workspace  # noqa: E402
from partnerskap.models.base import utcnow  # noqa: E402
from partnerskap.services import passwords, people_lists, search_index, workspaces  # noqa: E402
from partnerskap.services.sessions import Viewer  # noqa: E402
from partnerskap.services.workspaces import WorkspaceForm  # noqa: E402

PASSWORD = "correct horse battery staple"
POSTGRES_ADMIN_URL = os.environ.get("PARTNERSKAP_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
POSTGRES_TEST_DB = os.environ.get("PARTNERSKAP_TEST_POSTGRES_DB", "partnerskap_test")  # a parallel run names its own
SCRATCH_DATABASE = f"{POSTGRES_TEST_DB}_scratch"


def use_postgres() -> bool:
    """Whether this run tests against PostgreSQL instead of SQLite."""
    return os.environ.get("PARTNERSKAP_TEST_DATABASE", "sqlite") == "postgres"


def _set_database(url: str) -> None:
    config.settings = dataclasses.replace(config.settings, database_url=url)


def scratch_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database on 127.0.0.1, dropped afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {SCRATCH_DATABASE}"))
    except OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{SCRATCH_DATABASE}"
    try:
        yield url
    finally:
        create_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_database() -> str:
    """A database migrated to head once per run; returns its URL."""
    if use_postgres():
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {POSTGRES_TEST_DB} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {POSTGRES_TEST_DB}"))
        admin.dispose()
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{POSTGRES_TEST_DB}"
    else:
        url = f"sqlite:///{_RUN_DIR / 'template.db'}"
    _set_database(url)
    migrate()
    engine().dispose()  # closing the last SQLite connection folds the WAL into the file we copy
    return url


# Deleting the few rows a test wrote takes about 15 ms; TRUNCATE of all 51 tables took 270 ms a test (new files for
# every table), nine minutes of a PostgreSQL run. Triggers are off meanwhile (the append-only audit record refuses
# deletes, as it should outside tests), and every sequence starts again at 1.
_EMPTY_POSTGRES = "; ".join(
    ["SET LOCAL session_replication_role = replica"]
    + [f'DELETE FROM "{table.name}"' for table in reversed([*SQLModel.metadata.sorted_tables, *search_index.metadata.sorted_tables])]
    + ["SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"]
)


@pytest.fixture(autouse=True)
def database(migrated_database: str, tmp_path: Path):
    """A clean, migrated database for every test, and a process that remembers nothing of the last one."""
    memory.forget_everything()
    if use_postgres():
        _set_database(migrated_database)
        with transaction() as session:
            session.exec(text(_EMPTY_POSTGRES))
            session.connection().execute(ListEntry.__table__.insert(), people_lists.seeded_rows())  # reference data the migration seeds
        yield migrated_database
    else:
        copy = tmp_path / "test.db"
        shutil.copy(_RUN_DIR / "template.db", copy)
        _set_database(f"sqlite:///{copy}")
        yield config.settings.database_url
        _set_database(migrated_database)


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One Argon2id hash of PASSWORD, made once: hashing is slow on purpose."""
    return passwords.hash_password(PASSWORD)


def make_person(password_hash: str, name: str, *, status: str = Status.APPROVED, role: str = Role.MEMBER, language: str = "en") -> User:
    """A person who can log in with PASSWORD."""
    user = User(
        email=f"{name.lower()}@example.org",
        name=name,
        organisation=f"{name}'s organisation",
        password_hash=password_hash,
        status=status,
        role=role,
        language=language,
        email_confirmed_at=utcnow() if status != Status.UNCONFIRMED else None,
        terms_accepted_at=utcnow(),
    )
    with transaction() as session:
        session.add(user)
    return user


def viewer(user: User) -> Viewer:
    """The person as the services see them, read afresh (their status and role as they are now)."""
    with transaction() as session:
        return Viewer.of(session.get(User, user.id))


@pytest.fixture
def admin(password_hash: str) -> User:
    """Alice, an administrator."""
    return make_person(password_hash, "Alice", role=Role.ADMIN)


@pytest.fixture
def member(password_hash: str) -> User:
    """Bob, an approved member."""
    return make_person(password_hash, "Bob")


@pytest.fixture
def outsider(password_hash: str) -> User:
    """Charlie, an approved member who belongs to nothing of the others'."""
    return make_person(password_hash, "Charlie")


@pytest.fixture
def applicant(password_hash: str) -> User:
    """Dana, who confirmed her e-mail and waits for approval."""
    return make_person(password_hash, "Dana", status=Status.PENDING)


@pytest.fixture
def denied(password_hash: str) -> User:
    """Eve, whose application was denied."""
    return make_person(password_hash, "Eve", status=Status.DENIED)


@pytest.fixture
def owner(password_hash: str) -> User:
    """Olivia, who owns the workspace."""
    return make_person(password_hash, "Olivia")


@pytest.fixture
def workspace(owner: User, member: User) -> Workspace:
    """Baltic Bridges, an open workspace of Olivia's that Bob belongs to."""
    created = workspaces.create(viewer(owner), WorkspaceForm(name="Baltic Bridges", purpose="Cultural exchange"))
    with transaction() as session:
        session.add(Membership(workspace_id=created.id, user_id=member.id))
    return created


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (never a downloaded browser); one per run, shared by every browser test."""
    from playwright.sync_api import expect, sync_playwright

    from tests.live_server import CHROMIUM, CHROMIUM_ARGS

    expect.set_options(timeout=15000)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def full_disk(tmp_path: Path):
    """A folder on a 1 MiB tmpfs filled to the last byte (needs root to mount; skipped, saying so, without it)."""
    import errno
    import subprocess

    folder = tmp_path / "full-disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill (needs root): {mounted.stderr.strip()}")
    try:
        with (folder / "filler").open("wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"\0" * 4096)
            except OSError as error:
                assert error.errno == errno.ENOSPC
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)
