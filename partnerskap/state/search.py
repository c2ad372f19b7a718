"""Search: the results page at /search and the header's search box, each search an address that can be shared."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from partnerskap import offload
from partnerskap.schemas import SearchHitPublic
from partnerskap.services import search
from partnerskap.services.search import Query
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


_DEFAULTS = {"q": "", "kind": "", "sort": "relevance", "page": 1, "in": 0}


def address(query: Query, **changed: object) -> str:
    """The results page's address for a query, with some of its parts changed (empty and default parts left out)."""
    parts = {"q": query.text, "kind": query.kind, "sort": query.sort, "page": query.page, "in": query.workspace_id, **changed}
    kept = {name: str(value) for name, value in parts.items() if value != _DEFAULTS[name]}
    return "/search?" + urlencode(kept) if kept else "/search"


def _number(value: object) -> int:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else 0


def _count(found: int, at_least: bool) -> str:
    """How many of a kind were found, as a filter shows it: "(12)", "(1000+)" when more matched, nothing when unknown."""
    if at_least:
        return f"({found}+)" if found else ""
    return f"({found})"


class SearchState(AppState):
    """What the viewer searched for and the page of results they may see."""

    q: str = ""
    kind: str = ""
    sort: str = "relevance"
    page_number: int = 1
    pages: int = 0
    total: int = 0
    searched: bool = False
    scope_id: int = 0
    scope_name: str = ""
    hits: list[SearchHitPublic] = []
    counts: dict[str, str] = {}
    kind_links: dict[str, str] = {}
    relevance_link: str = "/search"
    date_link: str = "/search"
    previous_link: str = ""
    next_link: str = ""
    everywhere_link: str = "/search"
    left_scope: int = 0  # the workspace whose scope the viewer removed from the header's search box, until they search


    @guarded(Access.PUBLIC, loads_page=True)
    async def load(self, viewer: Viewer | None):
        """Search for what the page's address asks (visitors find public pages, news, events and activities)."""
        params = {name: value for name, value in self.router._page.params.items() if isinstance(value, str)}
        asked = Query(text=params.get("q", ""), kind=params.get("kind", ""), sort=params.get("sort", ""), page=_number(params.get("page", "")) or 1, workspace_id=_number(params.get("in", "")))
        found = await offload.read(search.search, viewer, asked, language=self.lang)
        query = found.query
        self.q, self.kind, self.sort, self.page_number = query.text, query.kind, query.sort, query.page
        self.scope_id, self.scope_name = (query.workspace_id, found.scope_name) if found.scope_name else (0, "")
        self.searched = bool(search.alternatives(query.text))
        self.hits = [SearchHitPublic.of(hit, self.lang) for hit in found.hits]
        self.counts = {kind: _count(found.counts.get(kind, 0), kind in found.at_least) for kind in search.KINDS} | {"": _count(sum(found.counts.values()), "" in found.at_least)}
        self.total, self.pages = found.total, found.pages
        self.kind_links = {kind: address(query, kind=kind, page=1) for kind in ("", *search.KINDS)}
        self.relevance_link, self.date_link = address(query, sort="relevance", page=1), address(query, sort="date", page=1)
        self.previous_link = address(query, page=query.page - 1) if query.page > 1 else ""
        self.next_link = address(query, page=query.page + 1) if query.page < found.pages else ""
        self.everywhere_link = address(query, page=1, **{"in": 0})

    @guarded(Access.PUBLIC)
    async def go(self, viewer: Viewer | None, form: dict):
        """Search from a search box: go to the results' address (in the workspace its scope names, if any)."""
        text = " ".join(str(form.get("q", "") or "").split())[: search.QUERY_MAX]
        scope = _number(str(form.get("in", "") or ""))
        self.left_scope = 0
        return rx.redirect(address(Query(text=text, workspace_id=scope)))

    @guarded(Access.MEMBER)
    async def leave_scope(self, viewer: Viewer, workspace_id: int):
        """Remove the workspace's scope chip from the header's search box: the next search there searches everywhere."""
        self.left_scope = workspace_id if isinstance(workspace_id, int) and workspace_id > 0 else 0
