"""The accessibility statement's feedback form."""

from __future__ import annotations

from partnerskap import offload
from partnerskap.services import accessibility
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


def _form_text(form: dict, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


class AccessibilityState(AppState):
    """Whether this tab's feedback reached the administrators."""

    feedback_sent: bool = False

    @guarded(Access.PUBLIC, form="feedback")
    async def send_feedback(self, viewer: Viewer | None, form: dict):
        """Pass the barrier described in the form to the administrators, who answer within 14 days."""
        self.feedback_sent = False
        await offload.write(accessibility.send_feedback, viewer, _form_text(form, "text"), _form_text(form, "contact"), self._client_address())
        self.feedback_sent = True
