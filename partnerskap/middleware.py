"""Reflex event middleware: each client's state tied to its session cookie; no new events once the server stops."""

import asyncio
import logging

from reflex.middleware import Middleware
from reflex.state import StateUpdate
from reflex_base.event import get_event, get_hydrate_event

from partnerskap.i18n import best_language, t
from partnerskap.i18n import N_
from partnerskap.state.base import AppState, forget_page_load, rebind_to_session

log = logging.getLogger(__name__)
RESTARTING = N_("The service is restarting and did not take this. Please try again in a moment.")


def _unguarded(state, event_name: str) -> bool:
    """Whether an event names one of the app's own handlers that skips the guard (a bug: refuse it, never run it)."""
    state_name, _, handler_name = event_name.rpartition(".")
    try:
        handler = type(state).get_root_state().get_class_substate(state_name).event_handlers.get(handler_name)
    except ValueError:
        return False
    return handler is not None and handler.fn.__module__.startswith("partnerskap.") and not hasattr(handler.fn, "access")


class SessionBinding(Middleware):
    """Before any event, clear state that was filled for another session (see `rebind_to_session`)."""

    async def preprocess(self, app, state, event):
        """Rebind; on a page's first event, clear the last full page load; then let the event run as usual."""
        if _unguarded(state, event.name):
            log.warning("Refused the unguarded event %s", event.name)
            return StateUpdate()
        await rebind_to_session(state)
        if event.name in (get_hydrate_event(state), get_event(state, "hydrate_and_load")):  # a page's first event (the latter since Reflex 0.10)
            await forget_page_load(state)
        return None


class StopGate(Middleware):
    """Keeps count of the events running; once the server stops, answers each new event with a message instead of running it."""

    stopping = False
    running: set[asyncio.Task] = set()

    async def preprocess(self, app, state, event):
        """Let the event run (and note it), or tell the member it was not taken."""
        if not StopGate.stopping:
            if (task := asyncio.current_task()) is not None:
                StopGate.running.add(task)
                task.add_done_callback(StopGate.running.discard)
            return None
        app_state = await state.get_state(AppState)
        # A tab whose state is new (its first event since a restart) has no language yet: its browser's.
        app_state.notice = t(RESTARTING, app_state.lang or best_language(app_state.router.headers.accept_language))
        # The refused event's answer: the changed message, as Reflex sends it after a handler (see HydrateMiddleware).
        update = StateUpdate(delta=await state._get_resolved_delta())
        state._clean()
        return update

    @classmethod
    async def close(cls, grace_seconds: float) -> None:
        """Refuse new events from now on and wait up to the grace period for the running ones to finish and answer."""
        cls.stopping = True
        if cls.running:
            await asyncio.wait(list(cls.running), timeout=grace_seconds)
