"""Work the app does in the background while it runs (mail delivery, digests, inactivity prompts, read marks) and how it stops."""

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from partnerskap import db, offload
from partnerskap import settings as config
from partnerskap.middleware import StopGate
from partnerskap.ops import health
from partnerskap.services import activities, content, discussions, documents, mail, moderation, notifications, sessions, workspaces
from partnerskap.state.live import relay_listens

log = logging.getLogger(__name__)
HOURLY = 3600


async def hourly_housekeeping() -> None:
    """Announce scheduled news, send e-mail digests, prompt owners of inactive workspaces, remind organisers of unconfirmed activities, purge the expired trash and lift ended suspensions, once an hour."""
    while True:
        for job in (content.announce_due, notifications.send_digests, workspaces.prompt_inactive, activities.remind_and_hide, documents.purge_trash, moderation.lift_suspensions):
            try:
                await offload.write(job)
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
                    await offload.write(job)
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


# After the last events are answered, a moment for their answers to leave through the websockets before they close.
ANSWERS_LEAVE_SECONDS = 0.2


@contextlib.asynccontextmanager
async def stop_gracefully() -> AsyncIterator[None]:
    """On SIGTERM (or SIGINT), refuse new events and let those running finish and answer, then let the server stop.

    Granian stops a worker's websockets as soon as the signal arrives, so events still running could no longer
    answer: the worker's handler for it runs only once they have (or the grace period has passed). The background
    jobs stop after that, and `every_second` saves what is noted once more.
    """
    loop = asyncio.get_running_loop()
    # The server's own handler, which Granian installs in each worker's loop: it runs once we are done.
    server_stops = [handle for signal_number in (signal.SIGTERM, signal.SIGINT) if (handle := loop._signal_handlers.get(signal_number))]

    async def stop() -> None:
        grace = config.settings.stop_grace_seconds
        log.info("Stopping: new events are refused; those running have %s s to finish", grace)
        await StopGate.close(grace)
        await asyncio.sleep(ANSWERS_LEAVE_SECONDS)
        server_stops[0]._run()

    def on_signal() -> None:
        if not StopGate.stopping:
            StopGate.stopping = True
            stopping.add(asyncio.ensure_future(stop()))

    stopping: set[asyncio.Future] = set()  # held, so that the stop is not collected while it waits
    if server_stops:
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, on_signal)
    yield
    StopGate.stopping = True


LIFESPAN_TASKS = [mail.deliver_forever, hourly_housekeeping, every_second, keep_relaying_live_updates, stop_gracefully]
