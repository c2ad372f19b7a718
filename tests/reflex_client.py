"""A tab without a browser: a member's websocket to a live instance, speaking the compiled frontend's protocol."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import re
import uuid
from pathlib import Path

import socketio

NAMESPACE = "/_event"


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
        (name,) = [name for name in self.states if name.endswith(suffix)]
        return name


class ThreadTab:
    """A member's tab on a thread page: it opens the thread and sends replies, noting what each answer said."""

    def __init__(self, url: str, protocol: Protocol, session_token: str, thread_id: int) -> None:
        self.url, self.protocol, self.session_token = url, protocol, session_token
        self.path, self.params = f"/threads/{thread_id}", {"thread_id": str(thread_id)}
        self.app_key, self.page_key = protocol.state("____app_state"), protocol.state("____thread_state")
        self.client_token = str(uuid.uuid4())
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._on_event, namespace=NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self.answer: asyncio.Future | None = None
        self.opened: asyncio.Future | None = None
        self.reply_key = ""

    def _router_data(self) -> dict:
        return {"pathname": self.path, "asPath": self.path, "query": self.params}

    async def open(self, timeout: float = 30) -> None:
        """Connect and load the thread, as a browser does when the page opens."""
        boot = {"name": f"{self.protocol.state_name}.hydrate_and_load", "payload": {"hashes": self.protocol.hashes}, "router_data": self._router_data()}
        self.opened = asyncio.get_running_loop().create_future()
        await self.sio.connect(
            f"{self.url}?token={self.client_token}",
            headers={"Origin": self.url, "Cookie": f"partnerskap_session={self.session_token}"},
            auth={"event": boot, "state_schema": self.protocol.schema},
            transports=["websocket"],
            socketio_path=NAMESPACE,
            namespaces=[NAMESPACE],
            wait_timeout=timeout,
        )
        await asyncio.wait_for(self.opened, timeout)

    async def reply(self, body: str, key: str, timeout: float = 30) -> str:
        """Send a reply and wait for the answer: "" when it was taken, else the notice the member sees."""
        self.answer = asyncio.get_running_loop().create_future()
        event = {"name": f"{self.page_key}.post_reply", "payload": {"form": {"key": key, "body": body}}, "router_data": self._router_data()}
        await self.sio.emit("event", event, namespace=NAMESPACE)
        return await asyncio.wait_for(self.answer, timeout)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.sio.disconnect(), 5)

    def _on_disconnect(self, *_args) -> None:
        for future in (self.answer, self.opened):
            if future is not None and not future.done():
                future.set_exception(ConnectionError("disconnected"))

    def _on_event(self, update: dict) -> None:
        delta = update.get("delta") or {}
        thread = delta.get(self.page_key) or {}
        self.reply_key = thread.get("reply_key_rx_state_", self.reply_key)
        if self.opened is not None and not self.opened.done():
            if (delta.get(self.protocol.state_name) or {}).get("is_hydrated_rx_state_") is True:
                self.opened.set_result(None)
            return
        # Answers to the tab's own events carry the app state (the guard clears its messages); deliveries never do.
        if self.answer is not None and not self.answer.done() and (app := delta.get(self.app_key)) is not None:
            self.answer.set_result(app.get("notice_rx_state_", ""))
