"""Reflex event middleware that ties each client's state to its session cookie."""

from reflex.middleware import Middleware

from partnerskap.state.base import rebind_to_session


class SessionBinding(Middleware):
    """Before any event, clear state that was filled for another session (see `rebind_to_session`)."""

    async def preprocess(self, app, state, event):
        """Rebind, then let the event run as usual."""
        await rebind_to_session(state)
        return None
