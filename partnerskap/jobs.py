"""Work the app does in the background while it runs: mail delivery, digests, inactivity prompts, read marks."""

import asyncio
import contextlib
import logging

from partnerskap import db
from partnerskap.ops import health
from partnerskap.services import activities, discussions, documents, mail, notifications, sessions, workspaces
from partnerskap.state.live import relay_listens

log = logging.getLogger(__name__)
HOURLY = 3600


async def hourly_housekeeping() -> None:
    """Send e-mail digests, prompt owners of inactive workspaces, remind organisers of unconfirmed activities and purge the expired trash, once an hour."""
    while True:
        for job in (notifications.send_digests, workspaces.prompt_inactive, activities.remind_and_hide, documents.purge_trash):
            try:
                await asyncio.to_thread(job)
            except Exception:  # noqa: BLE001  (one failed round must not stop the next)
                log.exception("Background job %s failed", job.__name__)
        await asyncio.sleep(HOURLY)


async def every_second() -> None:
    """Write the noted read marks and session visits once a second (and once more when the server stops); checkpoint SQLite's log."""
    try:
        while True:
            await asyncio.sleep(1)
            for job in (discussions.save_read_marks, sessions.save_visits, db.checkpoint):
                try:
                    await asyncio.to_thread(job)
                except Exception:  # noqa: BLE001  (tried again in a second)
                    log.warning("Background job %s failed; trying again in a second", job.__name__, exc_info=True)
    finally:
        for save in (discussions.save_read_marks, sessions.save_visits):
            with contextlib.suppress(Exception):
                save()


async def keep_relaying_live_updates(app) -> None:
    """Restart Reflex's relay of live updates between backends when it gave up during a Redis outage.

    Reflex stops listening for relayed updates after a few failed reconnects; only a new websocket
    connection to this backend would start it again. Checked twice a second (a check of a running task costs
    nothing), so that updates sent right after Redis is back are not lost for want of a listener. Each check
    also asks Redis whether the relay listens, and `/healthz` reports this worker unhealthy until it does.
    """
    from reflex.utils.token_manager import RedisTokenManager

    while True:
        await asyncio.sleep(0.5)
        namespace = app.event_namespace
        if namespace is not None and isinstance(manager := namespace._token_manager, RedisTokenManager):
            manager.ensure_lost_and_found_task(namespace.emit_update)
            health.note_relay(await relay_listens(manager))


LIFESPAN_TASKS = [mail.deliver_forever, hourly_housekeeping, every_second, keep_relaying_live_updates]
