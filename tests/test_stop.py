"""The graceful stop: once the server stops, new events are answered with a message; those running are waited for."""

import asyncio

import pytest
from reflex_base.event import Event

import partnerskap.partnerskap  # noqa: F401  (registers every page and state)
from partnerskap.i18n import t
from partnerskap.middleware import RESTARTING, StopGate
from partnerskap.state.accounts import AccountState
from partnerskap.state.base import AppState
from tests.handlers import Tab


@pytest.fixture(autouse=True)
def running_server(monkeypatch):
    """A server not stopping, with no events running."""
    monkeypatch.setattr(StopGate, "stopping", False)
    monkeypatch.setattr(StopGate, "running", set())


def saving_profile() -> Event:
    return Event(name=f"{AccountState.get_full_name()}.save_profile", payload={"form": {"name": "Changed"}})


async def test_member_sending_while_the_server_stops_is_told_it_was_not_taken(member):
    tab = Tab.of(member)
    assert await StopGate().preprocess(None, tab.root, saving_profile()) is None

    StopGate.stopping = True
    refused = await StopGate().preprocess(None, tab.root, saving_profile())

    assert refused is not None
    assert refused.delta[AppState.get_full_name()]["notice_rx_state_"] == t(RESTARTING, "en")


async def test_the_stop_waits_for_the_events_already_running(member):
    tab = Tab.of(member)
    lock_released = asyncio.Event()
    answered = []

    async def reply_waiting_for_the_lock() -> None:
        await StopGate().preprocess(None, tab.root, saving_profile())
        await lock_released.wait()
        answered.append("taken")

    running = asyncio.ensure_future(reply_waiting_for_the_lock())
    await asyncio.sleep(0)
    stopping = asyncio.ensure_future(StopGate.close(grace_seconds=30))
    await asyncio.sleep(0)
    assert StopGate.stopping and not stopping.done()

    lock_released.set()
    await asyncio.wait_for(stopping, timeout=5)
    assert answered == ["taken"] and running.done()


async def test_the_stop_waits_no_longer_than_the_grace_period(member):
    tab = Tab.of(member)

    async def stuck() -> None:
        await StopGate().preprocess(None, tab.root, saving_profile())
        await asyncio.Event().wait()

    running = asyncio.ensure_future(stuck())
    await asyncio.sleep(0)
    await asyncio.wait_for(StopGate.close(grace_seconds=0.1), timeout=5)
    assert not running.done()
    running.cancel()
