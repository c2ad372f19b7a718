"""Switching the interface language."""

from __future__ import annotations

import importlib

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
        if viewer is None:
            self.chosen_language = language
            return None
        await offload.write(accounts.set_language, viewer.id, language)
        loaders = _page_loaders(self.router.url.path)
        self._loaders_again = [loader.fn.__qualname__ for loader in loaders]
        return loaders


def _page_loaders(path: str) -> list:
    """The loaders of the page at a path, run again so that what the server wrote (times, news) follows the new language."""
    app = importlib.import_module("partnerskap.partnerskap").app  # the app imports every state: look it up only when asked
    return [loader for loader in app.get_load_events(path) if getattr(loader.fn, "loads_page", False) and loader.fn is not AppState.refresh.fn]
