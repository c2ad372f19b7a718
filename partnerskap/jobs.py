"""Work the app does in the background while it runs (mail and push delivery, documents' text, digests, inactivity prompts, read marks) and how it stops."""

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator

from partnerskap import db, offload
from partnerskap import settings as config
from partnerskap.middleware import StopGate
from partnerskap.ops import health
from partnerskap.services import activities, content, discussions, documents, extraction, mail, moderation, notifications, push, sessions, workspaces
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


# How often a worker with nothing to extract looks for a new upload's job: its text is found well within two seconds.
EXTRACTION_IDLE_SECONDS = 0.5


async def _repeat(job, interval_seconds: float) -> None:
    """Run a job off the event loop every `interval_seconds` while the app runs; a failed round is logged, the next one runs."""
    while True:
        try:
            await offload.write(job)
        except Exception:  # noqa: BLE001  (a database hiccup must not end the work for good)
            log.exception("Background job %s failed; trying again", job.__name__)
        await asyncio.sleep(interval_seconds)


async def deliver_mail() -> None:
    """Send the outbox through SMTP every five seconds (nothing to do without SMTP: the outbox keeps the messages)."""
    if config.settings.smtp_host:
        await _repeat(mail.deliver_pending, 5.0)


async def deliver_pushes() -> None:
    """Send the due pushes every two seconds (nothing to do before `prepare` made the instance's keys)."""
    if push.active():
        await _repeat(push.deliver_pending, 2.0)


async def extract_texts() -> None:
    """Find the text in uploaded documents for search, one job at a time, each claimed by one worker of all (`extraction.run_once`).

    A job holds one writing thread (it claims and writes; the reading between, bounded in bytes, pages and time, holds no
    transaction); a stopping worker claims none, and a job it was reading is claimed again once its lease expires.
    """
    while True:
        try:
            if StopGate.stopping or not await offload.write(extraction.run_once):
                await asyncio.sleep(EXTRACTION_IDLE_SECONDS)
        except Exception:  # noqa: BLE001  (a database hiccup must not end extraction for good)
            log.exception("Text extraction failed; trying again")
            await asyncio.sleep(EXTRACTION_IDLE_SECONDS)


# What `every_second` writes, and a stopping worker once more: the noted read marks and visits, SQLite's checkpoint.
SAVE_EACH_SECOND = (discussions.save_read_marks, sessions.save_visits, db.checkpoint)


async def every_second() -> None:
    """Write the noted read marks and session visits once a second (and once more when the server stops); checkpoint SQLite's log."""
    try:
        while True:
            await asyncio.sleep(1)
            for job in SAVE_EACH_SECOND:
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


async def end_worker(app) -> None:
    """Save what is noted, close Reflex's connections as its own shutdown does, and end this worker process.

    Granian's own stop drops its runtime's remaining tasks on threads that do not hold the interpreter and then
    panics now and then (its issues 799 and 884; two SIGTERM drills in eleven here). Once every event is answered
    and what was noted is saved, nothing is left for that stop to do, so the worker ends without it.
    """
    for save in SAVE_EACH_SECOND:
        try:
            await offload.write(save)
        except Exception:  # noqa: BLE001  (the others are still saved)
            log.exception("Saving with %s failed while stopping", save.__name__)
    with contextlib.suppress(Exception):  # the relay's token pairs, so that tabs reconnect to another worker cleanly
        if (namespace := app.event_namespace) is not None:
            await namespace._token_manager.disconnect_all()
            await namespace._token_manager.close()
    with contextlib.suppress(Exception):
        await app.state_manager.close()
    log.info("Stopped")
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@contextlib.asynccontextmanager
async def stop_gracefully(app) -> AsyncIterator[None]:
    """On SIGTERM (or SIGINT), refuse new events and let those running finish and answer, then end the worker.

    Granian stops a worker's websockets as soon as the signal arrives, so events still running could no longer
    answer: its own handler is replaced while the worker runs under it, and the worker ends once they have
    answered (or the grace period has passed) and what was noted is saved (`end_worker`).
    """
    loop = asyncio.get_running_loop()
    # Granian installs its handlers in each worker's loop; without them (tests, scripts) nothing is replaced.
    under_granian = any(loop._signal_handlers.get(signal_number) for signal_number in (signal.SIGTERM, signal.SIGINT))

    async def stop() -> None:
        grace = config.settings.stop_grace_seconds
        log.info("Stopping: new events are refused; those running have %s s to finish", grace)
        await StopGate.close(grace)
        await asyncio.sleep(ANSWERS_LEAVE_SECONDS)
        await end_worker(app)

    def on_signal() -> None:
        if not StopGate.stopping:
            StopGate.stopping = True
            stopping.add(asyncio.ensure_future(stop()))

    stopping: set[asyncio.Future] = set()  # held, so that the stop is not collected while it waits
    if under_granian:
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, on_signal)
    yield
    StopGate.stopping = True


LIFESPAN_TASKS = [deliver_mail, deliver_pushes, extract_texts, hourly_housekeeping, every_second, keep_relaying_live_updates, stop_gracefully]
