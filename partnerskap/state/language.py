"""Switching the interface language."""

from __future__ import annotations

from partnerskap import offload
from partnerskap.i18n import LANGUAGES
from partnerskap.services import accounts
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


class LanguageState(AppState):
    """The language switcher."""

    @guarded(Access.PUBLIC)
    async def switch_language(self, viewer: Viewer | None, language: str):
        """Show the interface in another language, remembered in members' accounts and in visitors' browsers."""
        if language not in LANGUAGES:
            return
        self.lang = language
        if viewer is not None:
            await offload.write(accounts.set_language, viewer.id, language)
        else:
            self.chosen_language = language
