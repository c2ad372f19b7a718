"""Live delivery: which browser tabs have which place open, and an event for each of them when something arrives.

A tab that opens a thread is noted under it, in this process or, when several backend workers share Reflex's
state, in Redis. After a reply the server queues an event for every other tab of the thread, as if that tab had
sent it: it runs through the same guard with the tab's own session cookie, so a tab receives only what its
member may read at that moment, and nothing it must not see rides along with anyone else's update.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import pickle

import redis.asyncio as redis
from reflex.state import StateUpdate
from reflex.utils.token_manager import LostAndFoundRecord, RedisTokenManager
from reflex_base.event import Event
from reflex_base.registry import RegistrationContext

from partnerskap import memory
from partnerskap import settings as config

log = logging.getLogger(__name__)
KEEP_SECONDS = 24 * 3600  # a tab that never comes back is forgotten after a day at the latest
# Deliveries wait this long, so that the sender's own answer, emitted right after its handler returns, goes first.
AFTER_THE_SENDERS_ANSWER = 0.001


class OpenTabs:
    """Client tokens by place ('thread-12'): in this process, or in Redis when it holds Reflex's state."""

    def __init__(self) -> None:
        self._here: dict[str, set[str]] = {}
        self._clients: dict[str, redis.Redis] = {}

    def _redis(self) -> redis.Redis | None:
        url = config.settings.redis_url
        if not url:
            return None
        if url not in self._clients:
            self._clients[url] = redis.Redis.from_url(url)
        return self._clients[url]

    async def note(self, place: str, token: str, *, leaving: str = "") -> None:
        """The tab has the place open (and no longer the one it is leaving)."""
        if leaving and leaving != place:
            await self.forget(leaving, token)
        if (client := self._redis()) is None:
            self._here.setdefault(place, set()).add(token)
            return
        try:
            async with client.pipeline(transaction=False) as pipe:
                await pipe.sadd(_key(place), token).expire(_key(place), KEEP_SECONDS).execute()
        except redis.RedisError:
            log.warning("Could not note an open tab of %s: live updates may not reach it", place, exc_info=True)

    async def forget(self, place: str, token: str) -> None:
        """The tab is gone or shows something else."""
        if (client := self._redis()) is None:
            self._here.get(place, set()).discard(token)
            if not self._here.get(place, True):
                del self._here[place]
            return
        try:
            await client.srem(_key(place), token)
        except redis.RedisError:
            log.warning("Could not forget an open tab of %s", place, exc_info=True)

    async def tabs(self, place: str) -> set[str]:
        """The tabs that have the place open."""
        if (client := self._redis()) is None:
            return set(self._here.get(place, ()))
        try:
            return {member.decode() for member in await client.smembers(_key(place))}
        except redis.RedisError:
            log.warning("Could not read the open tabs of %s: live updates skipped", place, exc_info=True)
            return set()


def _key(place: str) -> str:
    return f"partnerskap:open:{place}"


open_tabs = OpenTabs()
memory.register(
    "open tabs",
    holds="which tabs have which thread open (place -> client tokens), when Redis does not hold them",
    lasts="until the tab leaves or disconnects (a day at most in Redis)",
    others_learn="through Redis when several workers share it; one worker alone needs nothing",
    forget=open_tabs._here.clear,
)


_sending: set[asyncio.Task] = set()


def deliver(place: str, handler: str, *, sender: str) -> None:
    """Queue the event handler (full name) for every connected tab of the place except the sender's.

    The queuing runs in the background, a moment later, so the sender's answer does not wait for it. It starts from an empty
    context: inside the sender's event context the queued events would inherit the sender's routing data, and
    with it the sender's cookie.
    """
    app = RegistrationContext.get().app
    task = asyncio.get_running_loop().create_task(_deliver(app, place, handler, sender), context=contextvars.Context())
    _sending.add(task)
    task.add_done_callback(_delivered)


async def _deliver(app, place: str, handler: str, sender: str) -> None:
    await asyncio.sleep(AFTER_THE_SENDERS_ANSWER)
    token_manager = getattr(app.event_namespace, "_token_manager", None)
    for token in await open_tabs.tabs(place) - {sender}:
        if token_manager is not None and not await token_manager.is_token_connected(token):
            await open_tabs.forget(place, token)
            continue
        await app.event_processor.enqueue(token, Event(name=handler, payload={}))


def _delivered(task: asyncio.Task) -> None:
    _sending.discard(task)
    if not task.cancelled() and (problem := task.exception()) is not None:
        log.error("Live updates could not be queued", exc_info=problem)


async def relay_listens(manager: RedisTokenManager) -> bool:
    """Whether this worker hears the updates other workers relay to it through Redis.

    A probe for no tab goes to this worker's relay channel; Redis answers how many listeners got it. The relay
    passes it on to a tab that does not exist, which drops it.
    """
    probe = LostAndFoundRecord(token="partnerskap-relay-probe", update=StateUpdate())
    try:
        return await manager.redis.publish(f"channel:{manager._get_lost_and_found_key(manager.instance_id)}", pickle.dumps(probe)) > 0
    except redis.RedisError:
        return False
