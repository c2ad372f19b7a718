"""The protocol client: one simulated browser tab on a page, speaking Reflex's socket.io protocol as the compiled frontend does."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import random
import re
import secrets
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import socketio

if TYPE_CHECKING:
    from bench.load.scenarios import Bench

WORDS = (
    "kotoutuminen integration kumppanuus samarbete project hanke workshop työpaja language course kielikurssi "
    "volunteers vapaaehtoiset funding rahoitus meeting kokous report raportti municipality kunta reception "
    "vastaanotto mentoring families perheet housing asuminen employment työllisyys schedule aikataulu budget "
    "the a and to of for with we our next week please could you share draft agreed plan update thanks"
).split()
EVENT_TIMEOUT = 10.0
OPEN_TIMEOUT = 30.0
# The frontend connects to <backend>/_event: socket.io takes that path as the engine.io path and as the namespace.
NAMESPACE = "/_event"


def body_text(rng: random.Random) -> str:
    """A plausible markdown post of one to three paragraphs."""
    paragraphs = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        words = rng.choices(WORDS, k=rng.randint(12, 45))
        if rng.random() < 0.3:
            words[0] = f"**{words[0]}**"
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paragraphs)


@dataclasses.dataclass
class Protocol:
    """What the compiled frontend sends at boot, read from its utils/context.jsx."""

    state_name: str
    hashes: list[str]
    schema: str
    states: list[str]

    @classmethod
    def read(cls, web_dir: Path) -> Protocol:
        source = (web_dir / "utils" / "context.jsx").read_text()

        def value(name: str) -> object:
            found = re.search(rf"export const {name} = (.*)$", source, re.MULTILINE)
            if not found:
                raise RuntimeError(f"{name} not found in the compiled context.jsx")
            return json.loads(found.group(1).rstrip(";"))

        return cls(value("state_name"), value("initialStateHashes"), value("stateSchema"), list(value("initialState")))

    def state(self, suffix: str) -> str:
        matches = [name for name in self.states if name.endswith(suffix)]
        if len(matches) != 1:
            raise RuntimeError(f"no single state ends with {suffix}: {matches}")
        return matches[0]


@dataclasses.dataclass
class Member:
    """A simulated tab's person: the cookie it sends and the page it opens."""

    user_id: int
    token: str
    language: str
    path: str
    params: dict[str, str]
    threads: tuple[int, ...] = ()  # the threads of the member's workspace, which the tab may open in turn


@dataclasses.dataclass
class Sample:
    kind: str
    seconds: float
    size: int


class Tab:
    """One browser tab on the page: its socket, what it knows of its state, the event it waits for."""

    def __init__(self, bench: Bench, member: Member) -> None:
        self.bench = bench
        self.member = member
        self.client_token = str(uuid.uuid4())
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._on_event, namespace=NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self.waiting: asyncio.Future | None = None
        self.opened: asyncio.Future | None = None
        self.open_bytes = 0
        self.open_seconds = 0.0
        self.reply_key = ""
        self.has_earlier = False
        self.busy = False
        self.gone = False
        self.posts_sent = 0
        self.found = False
        self.path, self.params = member.path, dict(member.params)  # the page the tab shows

    def router_data(self) -> dict:
        return {"pathname": self.path, "asPath": self.path, "query": dict(self.params)} if self.params else {"pathname": self.path, "asPath": self.path}

    async def open(self) -> None:
        bench, protocol = self.bench, self.bench.protocol
        # The members' browsers keep nothing for the app (only a visitor who picks a language before logging in
        # has it kept), so the boot event carries no stored values and a page change sends only on_load_internal.
        payload: dict = {"hashes": protocol.hashes}
        boot = {"name": f"{protocol.state_name}.hydrate_and_load", "payload": payload, "router_data": self.router_data()}
        headers = {"Origin": bench.instance.url}
        if self.member.token:
            headers["Cookie"] = f"partnerskap_session={self.member.token}"
        self.opened = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        await self.sio.connect(
            f"{bench.instance.url}?token={self.client_token}",
            headers=headers,
            auth={"event": boot, "state_schema": protocol.schema},
            transports=["websocket"],
            socketio_path=NAMESPACE,
            namespaces=[NAMESPACE],
            wait_timeout=OPEN_TIMEOUT,
        )
        await asyncio.wait_for(self.opened, OPEN_TIMEOUT)
        self.open_seconds = time.perf_counter() - started

    def _on_disconnect(self, *_args) -> None:
        if not self.gone:
            self.bench.error("disconnected")
        self.gone = True
        for future in (self.waiting, self.opened):
            if future is not None and not future.done():
                future.set_exception(ConnectionError("disconnected"))

    def _on_event(self, update: dict) -> None:
        bench = self.bench
        delta = update.get("delta") or {}
        size = len(json.dumps(update, separators=(",", ":")))
        bench.bytes_received += size
        for event in update.get("events") or []:
            if isinstance(event, dict) and event.get("name") == "_redirect":
                bench.error(f"redirect to {event.get('payload', {}).get('path')}")
        if (app := delta.get(bench.app_key)) and app.get("notice_rx_state_"):
            bench.error(f"notice: {app['notice_rx_state_'][:60]}")
        if (thread := delta.get(bench.page_key)) is not None:
            self.reply_key = thread.get("reply_key_rx_state_", self.reply_key)
            self.has_earlier = thread.get("has_earlier_rx_state_", self.has_earlier)
        if bench.app_key and bench.app_key not in delta and "fresh_rx_state_" in (delta.get(bench.page_key) or {}):
            # A delivery: the server queued `deliver_new` for this tab after someone replied in its thread. Answers
            # to the tab's own events always carry the app state (the guard clears its messages); deliveries never.
            if (sent := bench.replies_sent.get(self.path)) is not None:
                bench.deliveries.append(time.perf_counter() - sent)
            return
        if self.opened is not None and not self.opened.done():
            self.open_bytes += size
            page = delta.get(bench.page_key) or {}
            if page.get("found_rx_state_") and str(page.get("thread_id_rx_state_")) == self.params.get("thread_id"):
                self.found = True
            if (delta.get(bench.protocol.state_name) or {}).get("is_hydrated_rx_state_") is True:
                if bench.instance.kind == "app" and not self.found:
                    self.opened.set_exception(RuntimeError("the thread was not found"))
                else:
                    self.opened.set_result(None)
            return
        if self.waiting is not None and not self.waiting.done() and any(key in delta for key in bench.own_keys):
            self.waiting.set_result(size)

    async def send(self, kind: str) -> None:
        if kind == "open_thread":
            await self.open_another_thread()
            return
        bench = self.bench
        if kind == "post_reply":
            key = self.reply_key or secrets.token_hex(16)
            payload = {"form": {"key": key, "body": body_text(bench.rng)}}
            name = f"{bench.page_key}.post_reply"
        elif kind == "bare_load":
            payload, name = {}, f"{bench.page_key}.load"
        else:
            payload, name = {}, f"{bench.page_key}.{kind}"
        self.waiting = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        if kind == "post_reply":
            bench.replies_sent[self.path] = started
        try:
            await self.sio.emit("event", {"name": name, "payload": payload, "router_data": self.router_data()}, namespace=NAMESPACE)
            size = await asyncio.wait_for(self.waiting, EVENT_TIMEOUT)
            bench.samples.append(Sample(kind, time.perf_counter() - started, size))
            if kind == "post_reply":
                self.posts_sent += 1
        except TimeoutError:
            bench.error(f"{kind}: no answer in {EVENT_TIMEOUT:.0f} s")
        except (ConnectionError, socketio.exceptions.SocketIOError) as problem:
            bench.error(f"{kind}: {type(problem).__name__}")
        finally:
            self.waiting = None

    async def open_another_thread(self) -> None:
        """Follow a link to another thread of the workspace, as the browser does: it sends `on_load_internal` with the
        new address, and the thread is open when the state arrives hydrated with the new thread found."""
        bench = self.bench
        thread_id = bench.rng.choice([other for other in self.member.threads if str(other) != self.params.get("thread_id")])
        self.path, self.params = f"/threads/{thread_id}", {"thread_id": str(thread_id)}
        self.found, self.has_earlier, self.open_bytes = False, False, 0
        self.opened = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        try:
            name = f"{bench.protocol.state_name}.reflex___state____on_load_internal_state.on_load_internal"
            await self.sio.emit("event", {"name": name, "payload": {}, "router_data": self.router_data()}, namespace=NAMESPACE)
            await asyncio.wait_for(self.opened, EVENT_TIMEOUT)
            bench.samples.append(Sample("open_thread", time.perf_counter() - started, self.open_bytes))
        except TimeoutError:
            bench.error(f"open_thread: no answer in {EVENT_TIMEOUT:.0f} s")
        except (ConnectionError, RuntimeError, socketio.exceptions.SocketIOError) as problem:
            bench.error(f"open_thread: {type(problem).__name__}")
        finally:
            self.opened = None

    async def close(self) -> None:
        self.gone = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.sio.disconnect(), 5)
