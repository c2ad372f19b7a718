"""/healthz proves the database takes a write and storage takes bytes back, watches free space, and answers 503 naming what
failed (database, storage, space, Redis); /metrics speaks Prometheus without personal data."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import socket
import socketserver
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client import REGISTRY
from reflex.state import State
from reflex_base.event import Event
from starlette.applications import Starlette
from starlette.responses import Response
from sqlalchemy import create_engine, delete, text
from starlette.routing import Route

from partnerskap import api
from partnerskap import settings as config
from partnerskap.db import engine, transaction
from partnerskap.models import HealthCheck
from partnerskap.ops import health, metrics
from partnerskap.services import mail
from partnerskap.state.library import LibraryState
from tests.live_server import free_port


@pytest.fixture
def settings(monkeypatch, tmp_path):
    """Change settings for one test: local storage in a fresh folder, no Redis unless asked, no floor under free space."""
    monkeypatch.setattr(
        config,
        "settings",
        dataclasses.replace(
            config.settings, storage_backend="local", storage_dir=tmp_path / "documents", redis_url="", free_space_warn_bytes=0, free_space_fail_bytes=0
        ),
    )

    def change(**values):
        monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, **values))

    return change


def client_of(app) -> httpx.AsyncClient:
    """A client that calls the ASGI app in this process, as the reverse proxy would over HTTP."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://localhost")


@pytest.fixture
async def client(settings):
    async with client_of(api.routes()) as client:
        yield client


def redis_answers() -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


async def test_healthy_instance_answers_ok(client):
    answer = await client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "storage": "ok", "redis": "not used", "space": "ok"}


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
async def test_configured_redis_is_checked(client, settings):
    settings(redis_url="redis://127.0.0.1:6379/0")
    assert (await client.get("/healthz")).json()["redis"] == "ok"


@pytest.mark.parametrize("url", ["postgresql+psycopg://postgres@127.0.0.1:{port}/partnerskap", "sqlite:////nonexistent-folder/{port}/partnerskap.db"])
async def test_unreachable_database_is_503(client, settings, url):
    settings(database_url=url.format(port=free_port()))
    answer = await client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "error", "database": "error", "storage": "ok", "redis": "not used", "space": "ok"}


async def test_the_check_writes_to_the_database(client):
    with transaction() as session:
        session.exec(delete(HealthCheck))
    assert (await client.get("/healthz")).status_code == 200
    with transaction() as session:
        assert session.get(HealthCheck, 1) is not None


@contextlib.contextmanager
def write_lock_held():
    """Another connection holds the database's write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the health row's table)."""
    url = config.settings.database_url
    if url.startswith("sqlite"):
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    holder_engine = create_engine(url)
    try:
        with holder_engine.connect() as holder, holder.begin():
            holder.execute(text("LOCK TABLE health_check IN ACCESS EXCLUSIVE MODE"))
            yield
    finally:
        holder_engine.dispose()


async def test_a_locked_database_is_503_naming_the_database_within_the_time_limit(client):
    with write_lock_held():
        started = time.monotonic()
        answer = await client.get("/healthz")
        waited = time.monotonic() - started
    assert answer.status_code == 503
    assert answer.json() == {"status": "error", "database": "error", "storage": "ok", "redis": "not used", "space": "ok"}
    assert waited < health.CHECK_SECONDS + 1  # the task's promise: a held lock fails the check in time, not after 30 s
    assert (await client.get("/healthz")).status_code == 200


async def test_after_a_check_the_database_connections_wait_for_the_lock_as_long_as_before():
    if not config.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's busy timeout is per connection; PostgreSQL's lock timeout is per transaction (SET LOCAL)")
    for _ in range(3):
        await health.check()
    with engine().connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


async def test_full_storage_is_503_naming_storage(client, settings, full_disk):
    settings(storage_dir=full_disk / "documents")
    answer = await client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "error", "database": "ok", "storage": "error", "redis": "not used", "space": "ok"}


async def test_free_space_under_the_warning_floor_says_warn_and_still_serves(client, settings):
    settings(free_space_warn_bytes=1 << 62)
    answer = await client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "warn", "database": "ok", "storage": "ok", "redis": "not used", "space": "warn"}


async def test_free_space_under_the_failing_floor_is_503_naming_space(client, settings):
    settings(free_space_warn_bytes=1 << 62, free_space_fail_bytes=1 << 61)
    answer = await client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "error", "database": "ok", "storage": "ok", "redis": "not used", "space": "error"}


async def test_a_full_documents_folder_fails_the_floor_and_its_free_space_is_a_metric(client, settings, full_disk):
    settings(storage_dir=full_disk / "documents", free_space_fail_bytes=1)
    assert (await client.get("/healthz")).json()["space"] == "error"
    await client.get("/metrics")
    assert sample("partnerskap_free_bytes", folder="documents") == 0
    assert sample("partnerskap_free_bytes", folder="data") > 0


def test_a_sqlite_database_outside_the_data_folder_has_its_free_space_watched(settings, tmp_path):
    settings(database_url=f"sqlite:///{tmp_path / 'elsewhere' / 'partnerskap.db'}")
    assert health.folders()["database"] == tmp_path / "elsewhere"
    settings(database_url=f"sqlite:///{config.settings.data_dir / 'partnerskap.db'}")
    assert "database" not in health.folders()


async def test_unwritable_storage_is_503(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the storage folder should be")
    settings(storage_dir=blocker)
    answer = await client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["storage"] == "error" and answer.json()["database"] == "ok"


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
async def test_a_worker_that_does_not_hear_relayed_live_updates_is_503_until_it_does(client, settings, monkeypatch):
    settings(redis_url="redis://127.0.0.1:6379/0")
    monkeypatch.setitem(health._relay, "listening", False)
    answer = await client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["redis"] == "error"
    health.note_relay(True)
    assert (await client.get("/healthz")).status_code == 200


async def test_unreachable_redis_is_503(client, settings):
    settings(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    answer = await client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["redis"] == "error" and answer.json()["database"] == "ok"


async def test_a_hanging_dependency_times_out_without_blocking_the_loop(settings, monkeypatch):
    monkeypatch.setattr(health, "CHECK_SECONDS", 0.2)
    monkeypatch.setattr(health, "_storage", lambda: time.sleep(3))
    started = time.monotonic()
    healthy, report = await health.check()
    assert not healthy and report["storage"] == "timeout" and report["database"] == "ok"
    assert time.monotonic() - started < 2


async def test_failure_details_stay_out_of_the_answer(client, settings):
    port = free_port()
    settings(database_url=f"postgresql+psycopg://postgres:hunter2@127.0.0.1:{port}/partnerskap")
    answer = await client.get("/healthz")
    assert str(port) not in answer.text and "hunter2" not in answer.text


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_metrics_count_requests_by_route_template(client):
    before = sample("partnerskap_http_requests_total", method="GET", route="/workspaces/{workspace_id:int}/calendar.ics", status="403", outcome="refused")
    await client.get("/healthz")
    await client.get("/workspaces/424242/calendar.ics")
    await client.get("/documents/434343/download?version=1")
    body = (await client.get("/metrics")).text
    for name in (
        "partnerskap_http_requests_total",
        "partnerskap_http_request_duration_seconds",
        "partnerskap_events_total",
        "partnerskap_event_duration_seconds",
        "partnerskap_websocket_clients",
        "partnerskap_uploads_total",
        "partnerskap_upload_bytes_total",
        "partnerskap_upload_refusals_total",
        "partnerskap_errors_total",
        "partnerskap_free_bytes",
        "partnerskap_outbox_backlog",
        "partnerskap_outbox_oldest_seconds",
        "partnerskap_clamd_up",
    ):
        assert f"# TYPE {name} " in body
    assert 'route="/healthz"' in body
    assert sample("partnerskap_http_requests_total", method="GET", route="/workspaces/{workspace_id:int}/calendar.ics", status="403", outcome="refused") == before + 1
    # Only names and labels can leak an id or an address; values and timestamps are digits by nature.
    series = "\n".join(line.rsplit(" ", 1)[0] for line in body.splitlines() if not line.startswith("#"))
    assert "424242" not in series and "434343" not in series and "@" not in series


async def test_uploads_their_bytes_and_those_refused_at_the_door_are_counted():
    async def receive_upload(request):
        return Response(status_code=202 if await request.body() else 400)

    uploads, received, refused = sample("partnerskap_uploads_total", outcome="invalid"), sample("partnerskap_upload_bytes_total"), sample("partnerskap_upload_refusals_total")
    async with client_of(metrics.RequestMetrics(Starlette(routes=[Route("/_upload", receive_upload, methods=["POST"])]))) as client:
        assert (await client.post("/_upload", content=b"x" * 1000)).status_code == 202
        assert (await client.post("/_upload", content=b"")).status_code == 400
    assert sample("partnerskap_uploads_total", outcome="invalid") == uploads + 1  # the accepted one counts when its handler ends
    assert sample("partnerskap_upload_bytes_total") == received + 1000
    assert sample("partnerskap_upload_refusals_total") == refused + 1


async def test_unhandled_errors_are_counted_as_500():
    def broken(_request):
        raise RuntimeError("boom")

    errors = sample("partnerskap_errors_total", source="http")
    failed = sample("partnerskap_http_requests_total", method="GET", route="/broken", status="500", outcome="error")
    async with client_of(metrics.RequestMetrics(Starlette(routes=[Route("/broken", broken)]))) as client:
        assert (await client.get("/broken")).status_code == 500
    assert sample("partnerskap_errors_total", source="http") == errors + 1
    assert sample("partnerskap_http_requests_total", method="GET", route="/broken", status="500", outcome="error") == failed + 1


async def test_websocket_clients_are_counted_while_connected():
    seen = []

    async def socket(_scope, _receive, _send):
        seen.append(sample("partnerskap_websocket_clients"))

    before = sample("partnerskap_websocket_clients")
    await metrics.RequestMetrics(socket)({"type": "websocket", "path": "/_event"}, None, None)
    assert seen == [before + 1]
    assert sample("partnerskap_websocket_clients") == before


async def test_events_are_counted_and_timed_by_handler_name():
    event = Event(name=f"{LibraryState.get_full_name()}.accept_terms")
    handled = sample("partnerskap_events_total", handler="LibraryState.accept_terms", outcome="ok")
    failed = sample("partnerskap_events_total", handler="LibraryState.accept_terms", outcome="error")
    timed = sample("partnerskap_event_duration_seconds_count", handler="LibraryState.accept_terms")

    async def handle(fails: bool):
        await metrics.EventMetrics().preprocess(None, State(_reflex_internal_init=True), event)
        if fails:
            raise RuntimeError("handler failed")

    await asyncio.gather(asyncio.create_task(handle(False)), asyncio.create_task(handle(True)), return_exceptions=True)
    await asyncio.sleep(0)  # done callbacks run on the loop's next turn
    assert sample("partnerskap_events_total", handler="LibraryState.accept_terms", outcome="ok") == handled + 1
    assert sample("partnerskap_events_total", handler="LibraryState.accept_terms", outcome="error") == failed + 1
    assert sample("partnerskap_event_duration_seconds_count", handler="LibraryState.accept_terms") == timed + 2


@contextlib.contextmanager
def pong_server():
    """A stand-in for clamd that answers PING with PONG, on a free port; yields its address."""

    class Pong(socketserver.BaseRequestHandler):
        def handle(self):
            if self.request.recv(16) == b"zPING\0":
                self.request.sendall(b"PONG\0")

    with socketserver.TCPServer(("127.0.0.1", 0), Pong) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


async def test_metrics_measure_the_outbox_backlog_and_whether_clamd_answers(client, settings):
    with transaction() as session:
        for recipient in ("alice@example.org", "bob@example.org"):
            mail.queue(recipient=recipient, subject="Welcome", body="Hello", session=session)
    down = f"127.0.0.1:{free_port()}"
    with pong_server() as up:
        settings(smtp_host="127.0.0.1", clamd_address=up)
        body = (await client.get("/metrics")).text
        settings(clamd_address=down)
        await client.get("/metrics")
    assert sample("partnerskap_outbox_backlog") == 2
    assert sample("partnerskap_outbox_oldest_seconds") >= 0
    assert sample("partnerskap_clamd_up", address=up) == 1
    assert sample("partnerskap_clamd_up", address=down) == 0
    assert "alice" not in body and "Welcome" not in body


async def test_every_metric_the_alerting_rules_use_is_exposed(client, settings):
    with pong_server() as clamd:
        settings(smtp_host="127.0.0.1", clamd_address=clamd)
        exposed = (await client.get("/metrics")).text
    rules = yaml.safe_load((Path(__file__).parent.parent / "docs" / "prometheus-rules.yml").read_text())
    used = {name for group in rules["groups"] for rule in group["rules"] for name in re.findall(r"\bpartnerskap_[a-z_]+", rule["expr"])}
    declared = {line.split()[2] for line in exposed.splitlines() if line.startswith("# TYPE ")}
    sampled = {re.split(r"[{ ]", line)[0] for line in exposed.splitlines() if line and not line.startswith("#")}
    assert used and {name.removesuffix("_bucket") for name in used} <= declared
    assert {"partnerskap_free_bytes", "partnerskap_outbox_backlog", "partnerskap_outbox_oldest_seconds", "partnerskap_clamd_up"} <= sampled
