"""Whether the instance can serve: its database, its document storage and (when configured) Redis answer, and this
worker hears the live updates other workers relay to it through Redis."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

import redis
from sqlalchemy import text

from partnerskap import offload
from partnerskap import settings as config
from partnerskap.db import engine
from partnerskap.storage import get_storage

log = logging.getLogger(__name__)

CHECK_SECONDS = 3.0
REDIS_TIMEOUT_SECONDS = 1.0
NOT_USED = "not used"
_relay = {"listening": None}  # what the last check of this worker's relay found (None: no check yet, or no Redis)


def note_relay(listening: bool) -> None:
    """Record whether this worker hears updates relayed to it through Redis (see jobs.keep_relaying_live_updates)."""
    _relay["listening"] = listening


def _database() -> None:
    with engine().connect() as connection:
        connection.execute(text("SELECT 1"))


def _storage() -> None:
    get_storage().check()


def _redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()
    if _relay["listening"] is False:
        raise RuntimeError("this worker does not hear the live updates relayed to it yet")


async def _outcome(name: str, check: Callable[[], None]) -> str:
    """"ok", or what went wrong in a word; the details go to the log, never to the public answer."""
    try:
        await asyncio.wait_for(offload.read(check), CHECK_SECONDS)
    except TimeoutError:
        log.warning("health: %s did not answer within %s s", name, CHECK_SECONDS)
        return "timeout"
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy)
        log.warning("health: %s failed: %s", name, error)
        return "error"
    return "ok"


async def check() -> tuple[bool, dict[str, str]]:
    """Check everything the instance depends on at once; whether all answered, and each one's outcome."""
    checks: dict[str, Callable[[], None]] = {"database": _database, "storage": _storage}
    if url := config.settings.redis_url:
        checks["redis"] = functools.partial(_redis, url)
    outcomes = dict(zip(checks, await asyncio.gather(*(_outcome(name, run) for name, run in checks.items())), strict=True))
    outcomes.setdefault("redis", NOT_USED)
    healthy = all(outcome in ("ok", NOT_USED) for outcome in outcomes.values())
    return healthy, {"status": "ok" if healthy else "error", **outcomes}
