"""Fault drills on a real instance: members posting over websockets while the server is stopped (SIGTERM) or killed.

Each drill counts what members were told against what the database holds: every reply a member saw taken is saved,
none twice, and a reply the server refused while stopping is not saved; what was never answered is sent again with
its key once the server is back, and saved once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from partnerskap import db
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.middleware import RESTARTING
from partnerskap.models import Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import discussions, sessions, workspaces
from partnerskap.services.sessions import Viewer
from partnerskap.services.workspaces import WorkspaceForm
from tests.conftest import POSTGRES_ADMIN_URL, POSTGRES_TEST_DB, use_postgres
from tests.live_server import ADMIN_EMAIL, ROOT, LiveServer, prepared_instance
from tests.reflex_client import Protocol, ThreadTab

MEMBERS = ("Ada", "Bea", "Cai", "Dan")
OPENING = "Where do we stand?"
LOAD_SECONDS = 1.0  # members post freely at least this long before the fault


@pytest.fixture(scope="module")
def instance() -> Iterator[LiveServer]:
    """An instance for the drills on the run's kind of database, prepared once; each drill starts it and ends with it stopped."""
    if not use_postgres():
        server = prepared_instance()
        try:
            yield server
        finally:
            server.stop()
        return
    name = f"{POSTGRES_TEST_DB}_drills"
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    server = prepared_instance(DATABASE_URL=url)
    try:
        yield server
    finally:
        server.stop()
        if (ours := db._engines.pop(url, None)) is not None:  # the services the drills called kept connections open
            ours.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@contextlib.contextmanager
def replies_held(server: LiveServer) -> Iterator[None]:
    """Hold back every new reply from another connection, as an operator's script or a stalled disk does; reading goes on."""
    if server.database_url.startswith("sqlite"):
        holder = sqlite3.connect(server.database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # SQLite's one write lock
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as holder:
            holder.execute(text("LOCK TABLE post IN EXCLUSIVE MODE"))  # PostgreSQL: only reads of posts go on
            try:
                yield
            finally:
                holder.rollback()
    finally:
        engine.dispose()


@contextlib.contextmanager
def instance_database(server: LiveServer) -> Iterator[None]:
    """Point the services at the instance's database for the block."""
    previous = config.settings
    config.settings = dataclasses.replace(previous, database_url=server.database_url)
    try:
        yield
    finally:
        config.settings = previous


def members_in_a_thread(server: LiveServer, title: str) -> tuple[int, list[str]]:
    """An open workspace's thread and a session token for each of MEMBERS, all members of it."""
    with instance_database(server):
        with transaction() as session:
            admin = session.exec(select(User).where(User.email == ADMIN_EMAIL)).one()
            people = [
                User(email=f"{name.lower()}.{title.lower()}@example.org", name=name, organisation="Drill ry", password_hash="-", status=Status.APPROVED, language="en", email_confirmed_at=utcnow(), terms_accepted_at=utcnow())
                for name in MEMBERS
            ]
            session.add_all(people)
            session.flush()
            tickets = [sessions.issue_ticket(person.id, session=session) for person in people]
            viewers = [Viewer.of(person) for person in (admin, *people)]
        workspace = workspaces.create(viewers[0], WorkspaceForm(name=f"{title} drill", purpose="Fault drills.", access="open", language="en"))
        for member in viewers[1:]:
            workspaces.join(member, workspace.id)
        thread = discussions.start_thread(viewers[0], workspace.id, title, OPENING, discussions.new_key())
        return thread.id, [sessions.exchange_ticket(ticket) for ticket in tickets]


@dataclasses.dataclass
class Tally:
    """What members were told of their replies, by idempotency key."""

    bodies: dict[str, str] = dataclasses.field(default_factory=dict)
    senders: dict[str, int] = dataclasses.field(default_factory=dict)  # which tab sent it
    taken: set[str] = dataclasses.field(default_factory=set)
    refused: dict[str, str] = dataclasses.field(default_factory=dict)
    unanswered: set[str] = dataclasses.field(default_factory=set)


_numbers = itertools.count()


async def keep_posting(tabs: list[ThreadTab], number: int, tally: Tally) -> None:
    """Send replies from one tab one after another, as a busy member does, until the server refuses one or the connection ends."""
    tab = tabs[number]
    while True:
        key = discussions.new_key()
        tally.bodies[key], tally.senders[key] = f"Drill reply {next(_numbers)}", number
        try:
            notice = await tab.reply(tally.bodies[key], key, timeout=30)
        except (ConnectionError, TimeoutError):
            tally.unanswered.add(key)
            return
        if notice:
            tally.refused[key] = notice
            return
        tally.taken.add(key)


def saved(server: LiveServer, thread_id: int) -> list[str]:
    """The idempotency keys of the thread's replies, one per reply."""
    return [row[0] for row in server.query("SELECT idempotency_key FROM post WHERE thread_id = :id AND body != :opening", id=thread_id, opening=OPENING)]


_compiled: list[Protocol] = []  # the app's, the same for every instance: read where its pages were compiled


async def open_tabs(server: LiveServer, thread_id: int, tokens: list[str]) -> list[ThreadTab]:
    if not _compiled:
        _compiled.append(Protocol.read(Path(server.env["REFLEX_WEB_WORKDIR"])))
    tabs = [ThreadTab(server.url, _compiled[0], token, thread_id) for token in tokens]
    await asyncio.gather(*(tab.open() for tab in tabs))
    return tabs


async def under_load(tally: Tally) -> None:
    """Let members post a while: each has had replies taken."""
    await asyncio.sleep(LOAD_SECONDS)
    deadline = time.monotonic() + 30
    while len(tally.taken) < 2 * len(MEMBERS):
        assert time.monotonic() < deadline, "the members' replies were not taken"
        await asyncio.sleep(0.1)


async def members_posting(server: LiveServer, title: str) -> tuple[int, list[str], list[ThreadTab], Tally, list[asyncio.Future]]:
    """Start the instance with MEMBERS in a new thread, each posting one reply after another, until each has had replies taken."""
    thread_id, tokens = members_in_a_thread(server, title)
    server.start()
    server.wait_until_up()
    tabs = await open_tabs(server, thread_id, tokens)
    # The drills only talk to the server: once the pages are compiled (for the protocol above), later starts skip them.
    server.backend_only = True
    tally = Tally()
    tasks = [asyncio.ensure_future(keep_posting(tabs, number, tally)) for number in range(len(tabs))]
    await under_load(tally)
    return thread_id, tokens, tabs, tally, tasks


def signal_server(server: LiveServer, signal_number: int) -> None:
    """Send a signal to the server and its workers, as systemd does to the service's processes."""
    os.killpg(server.process.pid, signal_number)


def wait_for_exit(server: LiveServer, timeout: float = 30) -> float:
    """Seconds until the server ended by itself."""
    started = time.monotonic()
    server.process.wait(timeout=timeout)
    return time.monotonic() - started


async def test_replies_running_at_sigterm_are_answered_and_later_ones_refused_with_a_message(instance: LiveServer):
    thread_id, tokens, tabs, tally, posting = await members_posting(instance, "Stop")

    # Hold replies back, so that each member's next reply is still running when the server is told to stop.
    logged_before = instance.log_path.stat().st_size
    with replies_held(instance):
        await asyncio.sleep(0.5)
        running = {key for key in tally.bodies if key not in tally.taken}
        signal_server(instance, signal.SIGTERM)
        await asyncio.sleep(1)
    await asyncio.wait_for(asyncio.gather(*posting), timeout=30)
    stopped_after = await asyncio.to_thread(wait_for_exit, instance)
    for tab in tabs:
        await tab.close()
    instance.stop()

    keys = saved(instance, thread_id)
    assert len(running) == len(MEMBERS) and running <= tally.taken
    assert set(tally.refused.values()) == {t(RESTARTING, "en")}
    assert len(tally.refused) == len(MEMBERS)
    assert tally.unanswered == set()
    assert tally.taken <= set(keys)
    assert not set(tally.refused) & set(keys)
    assert len(keys) == len(set(keys)) == len(tally.taken)
    assert stopped_after < config.settings.stop_grace_seconds
    with instance.log_path.open() as log:
        log.seek(logged_before)
        assert "panicked" not in log.read()  # the server's workers end without Granian's panic at exit


async def test_replies_survive_kill_9_under_load_and_unanswered_ones_are_saved_once_when_sent_again(instance: LiveServer):
    thread_id, tokens, tabs, tally, posting = await members_posting(instance, "Crash")

    signal_server(instance, signal.SIGKILL)
    await asyncio.wait_for(asyncio.gather(*posting), timeout=30)
    for tab in tabs:
        await tab.close()
    instance.stop(signal.SIGKILL)
    keys = saved(instance, thread_id)
    assert tally.taken and tally.unanswered and not tally.refused
    assert tally.taken <= set(keys)
    assert len(keys) == len(set(keys))

    # Back up, each tab sends what was not answered again with the same key, as the browser does after reconnecting.
    instance.start()
    instance.wait_until_up()
    tabs = await open_tabs(instance, thread_id, tokens)
    try:
        for key in sorted(tally.unanswered):
            assert await tabs[tally.senders[key]].reply(tally.bodies[key], key) == ""
    finally:
        for tab in tabs:
            await tab.close()
        instance.stop()
    keys = saved(instance, thread_id)
    assert set(keys) == tally.taken | tally.unanswered
    assert len(keys) == len(set(keys))


@contextlib.contextmanager
def empty_instance() -> Iterator[LiveServer]:
    """A fresh instance with an empty database and data folder on the run's kind of database, for a restore."""
    if not use_postgres():
        server = prepared_instance(prepare=False, backend_only=True)
        try:
            yield server
        finally:
            server.stop()
        return
    name = f"{POSTGRES_TEST_DB}_restored"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    server = prepared_instance(prepare=False, backend_only=True, DATABASE_URL=POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield server
    finally:
        server.stop()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def operator_command(server: LiveServer, *arguments: str) -> None:
    """Run `python -m partnerskap.cli ...` in the instance's environment, as its operator does."""
    done = subprocess.run([sys.executable, "-m", "partnerskap.cli", *arguments], cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


async def test_a_backup_taken_while_members_post_restores_into_a_fresh_instance_with_every_reply_taken_before_it(instance: LiveServer, tmp_path: Path):
    thread_id, tokens, tabs, tally, posting = await members_posting(instance, "Restore")

    # The operator backs up while members go on posting, then the instance stops as for a move.
    taken_before = set(tally.taken)
    archive = tmp_path / "backup.zip"
    await asyncio.to_thread(operator_command, instance, "backup", str(archive))
    signal_server(instance, signal.SIGTERM)
    await asyncio.wait_for(asyncio.gather(*posting), timeout=30)
    for tab in tabs:
        await tab.close()
    instance.stop()
    kept = saved(instance, thread_id)

    with empty_instance() as fresh:
        operator_command(fresh, "restore", str(archive))
        restored = saved(fresh, thread_id)
        assert taken_before <= set(restored), "a reply taken before the backup began is missing after the restore"
        assert set(restored) <= set(kept) and len(restored) == len(set(restored))

        # The restored instance serves the same members: their sessions hold, and a new reply is saved once.
        fresh.start()
        fresh.wait_until_up()
        [tab] = await open_tabs(fresh, thread_id, tokens[:1])
        try:
            key = discussions.new_key()
            assert await tab.reply("After the move", key) == ""
            assert await tab.reply("After the move", key) == ""  # sent again, as a reconnected tab does
        finally:
            await tab.close()
        fresh.stop()
        assert saved(fresh, thread_id).count(key) == 1
