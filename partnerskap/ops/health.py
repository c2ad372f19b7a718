"""Whether the instance can serve: its database takes a write, its document storage takes bytes and gives them back,
its folders have room, (when configured) Redis answers, and this worker hears the live updates other workers relay to
it through Redis. Also the measurements operators alert on, taken when Prometheus asks (see ops.metrics)."""

from __future__ import annotations

import asyncio
import functools
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import redis
from sqlalchemy import bindparam, make_url, text

from partnerskap import offload
from partnerskap import settings as config
from partnerskap.db import engine, transaction
from partnerskap.models.base import utcnow
from partnerskap.models.health import HealthCheck
from partnerskap.ops import metrics
from partnerskap.services import mail, scanner
from partnerskap.storage import get_storage, probe

log = logging.getLogger(__name__)

CHECK_SECONDS = 3.0
# A check waits this long for the database's write lock; a held lock then fails the check in time.
LOCK_WAIT_SECONDS = 2.0
REDIS_TIMEOUT_SECONDS = 1.0
NOT_USED = "not used"
OK, WARN, FAIL = "ok", "warn", "error"
_relay = {"listening": None}  # what the last check of this worker's relay found (None: no check yet, or no Redis)
# One row for every worker: rewriting it needs the write lock and a commit, as a member's reply does.
_UPSERT = text("INSERT INTO health_check (id, checked_at) VALUES (1, :now) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at").bindparams(
    bindparam("now", type_=HealthCheck.__table__.c.checked_at.type)
)


def note_relay(listening: bool) -> None:
    """Record whether this worker hears updates relayed to it through Redis (see jobs.keep_relaying_live_updates)."""
    _relay["listening"] = listening


def _database() -> None:
    """Write and commit, waiting for the write lock no longer than LOCK_WAIT_SECONDS."""
    with engine().connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        milliseconds = int(LOCK_WAIT_SECONDS * 1000)
        try:
            with connection.begin():
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={milliseconds}")
                else:
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
                    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")
                connection.execute(_UPSERT, {"now": utcnow()})
        finally:
            if sqlite:
                connection.invalidate()  # the pool's connections keep their own patience (db.py); this one goes


def _storage() -> None:
    probe(get_storage())


def _redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()
    if _relay["listening"] is False:
        raise RuntimeError("this worker does not hear the live updates relayed to it yet")


def folders() -> dict[str, Path]:
    """The folders the instance writes to, by the name metrics and logs give them."""
    settings = config.settings
    found = {"data": settings.data_dir}
    if settings.storage_backend == "local":
        found["documents"] = settings.storage_dir
    database = make_url(settings.database_url)
    if database.get_backend_name() == "sqlite" and database.database and not Path(database.database).resolve().is_relative_to(settings.data_dir):
        found["database"] = Path(database.database).resolve().parent  # SQLite kept outside the data folder
    return found


def free_bytes(folder: Path) -> int:
    """Free space for the app in a folder (or in the nearest one that exists)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def space() -> str:
    """"ok", "warn" when a folder has less room than the warning floor, "error" under the failing floor."""
    settings = config.settings
    verdict = OK
    for name, folder in folders().items():
        free = free_bytes(folder)
        metrics.FREE_BYTES.labels(name).set(free)
        if free < settings.free_space_fail_bytes:
            log.warning("health: the %s folder has %d MB free, under the floor of %d MB", name, free >> 20, settings.free_space_fail_bytes >> 20)
            return FAIL
        if free < settings.free_space_warn_bytes:
            log.warning("health: the %s folder has %d MB free, under the warning of %d MB", name, free >> 20, settings.free_space_warn_bytes >> 20)
            verdict = WARN
    return verdict


async def _outcome(name: str, check: Callable[[], None]) -> str:
    """"ok", or what went wrong in a word; the details go to the log, never to the public answer."""
    off_the_loop = offload.write if check is _database else offload.read  # the database check writes: a writer's thread
    try:
        await asyncio.wait_for(off_the_loop(check), CHECK_SECONDS)
    except TimeoutError:
        log.warning("health: %s did not answer within %s s", name, CHECK_SECONDS)
        return "timeout"
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy)
        log.warning("health: %s failed: %s", name, error)
        return "error"
    return "ok"


async def _space() -> str:
    try:
        return await asyncio.wait_for(offload.read(space), CHECK_SECONDS)
    except TimeoutError:
        log.warning("health: measuring free space did not end within %s s", CHECK_SECONDS)
        return "timeout"
    except OSError as error:
        log.warning("health: could not measure free space: %s", error)
        return FAIL


async def check() -> tuple[bool, dict[str, str]]:
    """Check everything the instance depends on at once; whether it can serve, and each one's outcome.

    Free space under the warning floor says "warn" and still serves; under the failing floor it cannot.
    """
    checks: dict[str, Callable[[], None]] = {"database": _database, "storage": _storage}
    if url := config.settings.redis_url:
        checks["redis"] = functools.partial(_redis, url)
    *answers, room = await asyncio.gather(*(_outcome(name, run) for name, run in checks.items()), _space())
    outcomes = dict(zip(checks, answers, strict=True))
    outcomes.setdefault("redis", NOT_USED)
    outcomes["space"] = room
    healthy = all(outcome in (OK, NOT_USED, WARN) for outcome in outcomes.values())
    status = (WARN if room == WARN else OK) if healthy else FAIL
    return healthy, {"status": status, **outcomes}


def measure() -> None:
    """Take what Prometheus alerts on and only a request can learn: free space, the outbox's backlog, the scanner."""
    for name, folder in folders().items():
        try:
            metrics.FREE_BYTES.labels(name).set(free_bytes(folder))
        except OSError as error:
            log.warning("metrics: could not measure free space in the %s folder: %s", name, error)
    settings = config.settings
    if settings.smtp_host:
        try:
            with transaction() as session:
                waiting, oldest = mail.backlog(session=session)
        except Exception as error:  # noqa: BLE001  (the database's own trouble shows in /healthz and the failures)
            log.warning("metrics: could not count the outbox: %s", type(error).__name__)
        else:
            metrics.OUTBOX_BACKLOG.set(waiting)
            metrics.OUTBOX_OLDEST_SECONDS.set((utcnow() - oldest).total_seconds() if oldest else 0)
    if settings.clamd_address:
        metrics.CLAMD_UP.labels(settings.clamd_address).set(1 if scanner.answers(settings.clamd_address) else 0)
