"""Work the app does in the background while it runs: mail delivery, digests, inactivity prompts, read marks."""

import asyncio
import contextlib
import logging

from partnerskap.services import discussions, documents, mail, notifications, workspaces

log = logging.getLogger(__name__)
HOURLY = 3600


async def hourly_housekeeping() -> None:
    """Send e-mail digests, prompt owners of inactive workspaces and purge the expired trash, once an hour."""
    while True:
        for job in (notifications.send_digests, workspaces.prompt_inactive, documents.purge_trash):
            try:
                await asyncio.to_thread(job)
            except Exception:  # noqa: BLE001  (one failed round must not stop the next)
                log.exception("Background job %s failed", job.__name__)
        await asyncio.sleep(HOURLY)


async def save_read_marks_every_second() -> None:
    """Write the read marks of live deliveries once a second (and once more when the server stops)."""
    try:
        while True:
            await asyncio.sleep(1)
            try:
                await asyncio.to_thread(discussions.save_read_marks)
            except Exception:  # noqa: BLE001  (kept for the next round)
                log.warning("Read marks could not be saved; trying again in a second", exc_info=True)
    finally:
        with contextlib.suppress(Exception):
            discussions.save_read_marks()


async def keep_relaying_live_updates(app) -> None:
    """Restart Reflex's relay of live updates between backends when it gave up during a Redis outage.

    Reflex stops listening for relayed updates after a few failed reconnects; only a new websocket
    connection to this backend would start it again. Checked twice a second (a check of a running task costs
    nothing), so that updates sent right after Redis is back are not lost for want of a listener.
    """
    from reflex.utils.token_manager import RedisTokenManager

    while True:
        await asyncio.sleep(0.5)
        namespace = app.event_namespace
        if namespace is not None and isinstance(namespace._token_manager, RedisTokenManager):
            namespace._token_manager.ensure_lost_and_found_task(namespace.emit_update)


LIFESPAN_TASKS = [mail.deliver_forever, hourly_housekeeping, save_read_marks_every_second, keep_relaying_live_updates]
