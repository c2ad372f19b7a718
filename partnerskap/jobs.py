"""Work the app does in the background while it runs: mail delivery, digests, inactivity prompts."""

import asyncio
import logging

from partnerskap.services import documents, mail, notifications, workspaces

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


LIFESPAN_TASKS = [mail.deliver_forever, hourly_housekeeping]
