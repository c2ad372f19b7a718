"""A member's home: their workspaces, news since their last visit, invitations, requests and upcoming events."""

from __future__ import annotations

import reflex as rx

from partnerskap import offload
from partnerskap.i18n import N_
from partnerskap.schemas import HomePublic
from partnerskap.services import home, workspaces
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


class HomeState(AppState):
    """What the member's home shows."""

    shown: HomePublic = HomePublic(since="", workspaces=[], activity=[], invitations=[], requests=[], upcoming=[], requests_to_decide=0, applicants_waiting=0)

    async def _load(self, viewer: Viewer) -> None:
        self.shown = HomePublic.of(await offload.read(home.home, viewer), self.lang)

    @guarded(Access.SIGNED_IN, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the home; someone whose membership is not approved is shown where it stands instead."""
        if not viewer.is_member:
            return rx.redirect("/status")
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def answer_invitation(self, viewer: Viewer, invitation_id: int, accept: bool):
        """Accept an invitation (and open the workspace) or decline it."""
        workspace_id = await offload.write(workspaces.answer_invitation, viewer, int(invitation_id), bool(accept))
        if accept:
            self._say_on_arrival(N_("Welcome to the workspace!"))
            return rx.redirect(f"/workspaces/{workspace_id}")
        self._say(N_("The invitation was declined."))
        await self._load(viewer)
