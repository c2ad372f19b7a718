"""Reflex event middleware that ties each client's state to its session cookie."""

import logging

from reflex.middleware import Middleware
from reflex.state import StateUpdate
from reflex_base.event import get_event, get_hydrate_event

from partnerskap.state.base import forget_page_load, rebind_to_session

log = logging.getLogger(__name__)


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
