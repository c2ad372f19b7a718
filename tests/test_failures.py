"""Failures are counted by outcome, logged once without personal data, and told to members in their language:
a full disk says so and tells the administrators once, a locked database says the service is busy."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg.errors
import pytest
from prometheus_client import REGISTRY
from reflex.istate.data import RouterData
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from partnerskap import api
from partnerskap import uploads as upload_ledger
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import DocumentVersion, Notification, OutboxMessage, User
from partnerskap.models.base import utcnow
from partnerskap.ops import failures
from partnerskap.services import documents, notifications, sessions, workspaces
from partnerskap.services.sessions import Viewer
from partnerskap.services.tokens import digest
from partnerskap.state.base import AppState
from partnerskap.state.library import LibraryState
from tests.conftest import make_person
from tests.handlers import Tab

PDF = b"%PDF-1.4\n% the minutes\n" + b"0" * 8000 + b"\n%%EOF\n"


@dataclasses.dataclass(frozen=True)
class Chunk:
    """A piece of an uploaded file, as Reflex hands it to the upload handler."""

    filename: str
    data: bytes


@pytest.fixture(autouse=True)
def storage_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path / "documents", clamd_address=""))


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def viewer(user: User) -> Viewer:
    with transaction() as session:
        return Viewer.of(session.get(User, user.id))


async def library_tab(user: User, workspace_id: int) -> Tab:
    """A tab of the person's with the workspace's library open (or its refusal shown)."""
    tab = Tab.of(user, path=f"/workspaces/{workspace_id}/documents")
    tab.root.router_data["query"] = {"workspace_id": str(workspace_id)}
    tab.root.router = RouterData.from_router_data(tab.root.router_data)
    await tab.call(LibraryState, "load")
    return tab


async def create_folder(user: User, workspace_id: int, name: str) -> LibraryState:
    """The person makes a folder in the library they have open; the state shows what they then see."""
    state, _ = await (await library_tab(user, workspace_id)).call(LibraryState, "create_folder", {"name": name})
    return state


def closed_workspace(owner: User) -> int:
    return workspaces.create(viewer(owner), workspaces.WorkspaceForm(name="Board", purpose="Minutes", access="request")).id


def database_locked(tmp_path: Path) -> OperationalError:
    """The error SQLite gives a writer while another connection holds the write lock (a real one, made at once)."""
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE minutes (body TEXT)")
    holder.execute("BEGIN IMMEDIATE")
    impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with pytest.raises(OperationalError, match="database is locked") as raised, impatient.begin() as connection:
            connection.exec_driver_sql("INSERT INTO minutes VALUES ('Bob wrote this')")
    finally:
        impatient.dispose()
        holder.close()
    return raised.value


def database_full(full_disk: Path) -> OperationalError:
    """The error SQLite gives when its disk is full (a real one, on a full tmpfs)."""
    engine = create_engine(f"sqlite:///{full_disk / 'full.db'}")
    try:
        with pytest.raises(OperationalError, match="database or disk is full") as raised, engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE minutes (body TEXT)")
    finally:
        engine.dispose()
    return raised.value


def raising(error: BaseException):
    def fail(*_args, **_kwargs):
        raise error

    return fail


def test_a_locked_database_is_unavailable_and_its_cause_names_the_code(tmp_path):
    failure = failures.classify(database_locked(tmp_path))
    assert (failure.outcome, failure.message, failure.full) == ("unavailable", failures.BUSY, False)
    assert failure.cause == "OperationalError[SQLITE_BUSY] <- OperationalError[SQLITE_BUSY]"
    assert "Bob" not in failure.cause


def test_a_full_sqlite_database_is_read_as_a_full_disk(full_disk):
    failure = failures.classify(database_full(full_disk))
    assert (failure.outcome, failure.message, failure.full) == ("unavailable", failures.STORAGE_FULL, True)


def test_a_full_postgresql_disk_is_read_as_a_full_disk():
    error = OperationalError("INSERT INTO post ...", {"body": "Bob's words"}, psycopg.errors.DiskFull("could not extend file"))
    failure = failures.classify(error)
    assert (failure.outcome, failure.message, failure.full) == ("unavailable", failures.STORAGE_FULL, True)
    assert failure.cause == "OperationalError[53100]" and "Bob" not in failure.cause


async def test_each_outcome_is_counted_by_handler_and_reaches_metrics(member, outsider, tmp_path, monkeypatch, caplog):
    workspace_id = closed_workspace(member)
    handler = "LibraryState.create_folder"
    before = {outcome: sample("partnerskap_events_total", handler=handler, outcome=outcome) for outcome in failures.OUTCOMES}
    event_failures = sample("partnerskap_errors_total", source="event")
    caplog.set_level(logging.INFO, logger="partnerskap.ops.failures")

    await create_folder(member, workspace_id, "Minutes")
    refused = await create_folder(outsider, workspace_id, "Mine now")
    invalid = await create_folder(member, workspace_id, "a/b")
    monkeypatch.setattr(documents, "create_folder", raising(database_locked(tmp_path)))
    unavailable = await create_folder(member, workspace_id, "Later")
    monkeypatch.setattr(documents, "create_folder", raising(RuntimeError("Bob <bob@example.org> typed: the secret minutes")))
    error = await create_folder(member, workspace_id, "Broken")

    assert refused.notice == t("Only the workspace's members can do this.", "en")
    assert invalid.errors == {"folder-name": t("A name cannot contain slashes or control characters.", "en")}
    assert unavailable.notice == t(failures.BUSY, "en")
    assert error.notice == t(failures.FAILED, "en")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.routes()), base_url="http://localhost") as client:
        exposed = (await client.get("/metrics")).text
    for outcome in failures.OUTCOMES:
        assert f'partnerskap_events_total{{handler="{handler}",outcome="{outcome}"}}' in exposed
        assert sample("partnerskap_events_total", handler=handler, outcome=outcome) == before[outcome] + 1, outcome
    assert sample("partnerskap_errors_total", source="event") == event_failures + 2
    logged = [record for record in caplog.records if record.name == "partnerskap.ops.failures" and record.getMessage().startswith(handler)]
    assert [record.getMessage().split(":")[0] for record in logged] == [
        f"{handler} refused",
        f"{handler} invalid",
        f"{handler} unavailable",
        f"{handler} failed",
    ]
    assert "RuntimeError" in logged[-1].getMessage() and "test_failures.py" in logged[-1].getMessage()
    text = "\n".join(record.getMessage() for record in logged)
    assert "bob@example.org" not in text and "secret" not in text and "Bob" not in text and "Mine now" not in text


async def test_an_anonymous_call_is_counted_as_refused():
    handled = sample("partnerskap_events_total", handler="LibraryState.create_folder", outcome="refused")
    visitor = Tab(accept_language="en")
    await visitor.call(AppState, "refresh")
    state, _ = await visitor.call(LibraryState, "create_folder", {"name": "Minutes"})
    assert state.notice == t("Log in to continue.", "en")
    assert sample("partnerskap_events_total", handler="LibraryState.create_folder", outcome="refused") == handled + 1


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_a_locked_database_tells_the_member_the_service_is_busy_in_their_language(password_hash, tmp_path, monkeypatch, language):
    member = make_person(password_hash, "Bob", language=language)
    workspace_id = closed_workspace(member)
    monkeypatch.setattr(documents, "create_folder", raising(database_locked(tmp_path)))
    state = await create_folder(member, workspace_id, "Minutes")
    assert state.notice == t(failures.BUSY, language)
    assert language == "en" or state.notice != failures.BUSY


async def test_a_full_database_says_the_storage_is_full_and_tells_the_admins(admin, password_hash, full_disk, monkeypatch):
    member = make_person(password_hash, "Bob", language="sv")
    workspace_id = closed_workspace(member)
    monkeypatch.setattr(documents, "create_folder", raising(database_full(full_disk)))
    state = await create_folder(member, workspace_id, "Minutes")
    assert state.notice == t(failures.STORAGE_FULL, "sv") != failures.STORAGE_FULL
    with transaction() as session:
        assert [(n.user_id, n.kind) for n in session.exec(select(Notification)).all()] == [(admin.id, "storage_full")]


def test_a_full_disk_tells_each_admin_once_an_hour_in_the_app_and_by_email(admin, member, password_hash):
    second_admin = make_person(password_hash, "Frida", role="admin", language="fi")
    assert notifications.tell_admins_storage_full()
    assert not notifications.tell_admins_storage_full()
    with transaction() as session:
        told = session.exec(select(Notification).where(Notification.kind == "storage_full")).all()
        mails = session.exec(select(OutboxMessage)).all()
        assert sorted(n.user_id for n in told) == sorted([admin.id, second_admin.id])
        assert sorted(m.recipient for m in mails) == sorted([admin.email, second_admin.email])
        assert all(n.emailed_at is not None for n in told)
        for notification in told:  # as if told an hour and a minute ago
            notification.created_at = utcnow() - notifications.STORAGE_FULL_REPEAT - timedelta(minutes=1)
            session.add(notification)
    assert notifications.tell_admins_storage_full()
    with transaction() as session:
        assert len(session.exec(select(Notification).where(Notification.kind == "storage_full")).all()) == 4


async def test_an_upload_to_a_full_disk_tells_the_member_logs_once_counts_it_and_tells_the_admins(admin, password_hash, full_disk, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_dir=full_disk / "documents"))
    member = make_person(password_hash, "Bob", language="fi")
    workspace_id = workspaces.create(viewer(member), workspaces.WorkspaceForm(name="Board", purpose="Minutes")).id
    documents.accept_upload_terms(viewer(member))
    uploads_before = sample("partnerskap_uploads_total", outcome="unavailable")
    received = sample("partnerskap_events_total", handler="LibraryState.receive", outcome="unavailable")
    caplog.set_level(logging.INFO)

    async def upload(tab: Tab) -> LibraryState:
        upload_ledger.note("", digest(tab.token))

        async def chunks():
            for start in range(0, len(PDF), 4096):
                yield Chunk("Pöytäkirja Bob.pdf", PDF[start : start + 4096])

        state, _ = await tab.call(LibraryState, "receive", chunks())
        return state

    tab = await library_tab(member, workspace_id)
    first = await upload(tab)
    second = await upload(tab)

    assert first.notice == second.notice == t(failures.STORAGE_FULL, "fi") != failures.STORAGE_FULL
    assert first.documents == []
    with transaction() as session:
        assert session.exec(select(DocumentVersion)).all() == []
        assert [n.user_id for n in session.exec(select(Notification).where(Notification.kind == "storage_full")).all()] == [admin.id]
        assert [m.recipient for m in session.exec(select(OutboxMessage)).all()] == [admin.email]
    assert list((full_disk / "documents" / ".incoming").iterdir()) == []
    assert sample("partnerskap_uploads_total", outcome="unavailable") == uploads_before + 2
    assert sample("partnerskap_events_total", handler="LibraryState.receive", outcome="unavailable") == received + 2
    logged = [record.getMessage() for record in caplog.records if record.name == "partnerskap.ops.failures"]
    assert logged == ["LibraryState.receive unavailable (storage full): Refused <- StorageFull <- OSError[ENOSPC]"] * 2
    everything = "\n".join(record.getMessage() for record in caplog.records)
    assert "Pöytäkirja" not in everything and "Bob" not in everything and "example.org" not in everything


async def test_a_route_on_a_locked_database_answers_busy_in_the_readers_language(member, tmp_path, monkeypatch):
    monkeypatch.setattr(sessions, "resolve", raising(database_locked(tmp_path)))
    unavailable = sample("partnerskap_http_requests_total", method="GET", route="/documents/{document_id:int}/download", status="503", outcome="unavailable")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.routes()), base_url="http://localhost") as client:
        answer = await client.get("/documents/1/download", headers={"accept-language": "sv"})
    assert answer.status_code == 503 and answer.text == t(failures.BUSY, "sv")
    assert answer.headers["retry-after"] == "5"
    assert sample("partnerskap_http_requests_total", method="GET", route="/documents/{document_id:int}/download", status="503", outcome="unavailable") == unavailable + 1


async def test_a_cancelled_event_counts_as_cancelled_not_ok(member, monkeypatch):
    workspace_id = closed_workspace(member)
    tab = await library_tab(member, workspace_id)
    started, release = threading.Event(), threading.Event()

    def slow_create_folder(*_args):
        started.set()
        release.wait(10)

    monkeypatch.setattr(documents, "create_folder", slow_create_folder)
    handler = "LibraryState.create_folder"
    ok, cancelled = sample("partnerskap_events_total", handler=handler, outcome="ok"), sample("partnerskap_events_total", handler=handler, outcome="cancelled")
    call = asyncio.ensure_future(tab.call(LibraryState, "create_folder", {"name": "Minutes"}))
    await asyncio.to_thread(started.wait, 10)
    call.cancel()  # the tab went away while the service call ran
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert sample("partnerskap_events_total", handler=handler, outcome="cancelled") == cancelled + 1
    assert sample("partnerskap_events_total", handler=handler, outcome="ok") == ok


async def test_the_upload_door_on_a_locked_database_answers_busy_and_logs_it(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(sessions, "resolve", raising(database_locked(tmp_path)))
    reached = []

    async def reflex_upload(scope, receive, send):
        reached.append(scope["path"])

    door = api.UploadSession(reflex_upload)
    unavailable = sample("partnerskap_uploads_total", outcome="unavailable")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=door), base_url="http://localhost") as client:
        answer = await client.post("/_upload", content=PDF, headers={"accept-language": "fi", "cookie": f"{sessions.COOKIE_NAME}=a-session"})
    assert answer.status_code == 503 and answer.text == t(failures.BUSY, "fi")
    assert reached == []
    assert sample("partnerskap_uploads_total", outcome="unavailable") == unavailable + 1
    assert [record.getMessage() for record in caplog.records if record.name == "partnerskap.ops.failures"] == [
        "route admit_upload unavailable: OperationalError[SQLITE_BUSY] <- OperationalError[SQLITE_BUSY]"
    ]


async def test_a_refused_download_is_logged_once_without_what_was_asked(caplog):
    caplog.set_level(logging.INFO, logger="partnerskap.ops.failures")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.routes()), base_url="http://localhost") as client:
        assert (await client.get("/documents/434343/download", headers={"accept-language": "en"})).status_code == 403
    logged = [record.getMessage() for record in caplog.records if record.name == "partnerskap.ops.failures"]
    assert logged == ["route download_document refused: Log in to continue. (status 403)"]


def test_telling_the_admins_never_fails_the_member_when_the_database_is_full(admin, full_disk, monkeypatch):
    monkeypatch.setattr(notifications, "transaction", raising(database_full(full_disk)))
    assert notifications.tell_admins_storage_full() is False


async def test_an_unexpected_error_in_a_route_answers_500_in_words_and_is_logged_with_where(monkeypatch, caplog):
    monkeypatch.setattr(sessions, "resolve", raising(RuntimeError("session of bob@example.org")))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.routes()), base_url="http://localhost") as client:
        answer = await client.get("/workspaces/1/calendar.ics", headers={"accept-language": "en"})
    assert answer.status_code == 500 and answer.text == t(failures.FAILED, "en")
    logged = [record.getMessage() for record in caplog.records if record.name == "partnerskap.ops.failures"]
    assert len(logged) == 1 and logged[0].startswith("route workspace_calendar failed: RuntimeError\n") and "api.py" in logged[0]
    assert "bob@example.org" not in logged[0]
