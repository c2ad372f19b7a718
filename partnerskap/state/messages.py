"""Direct messages and open areas: the viewer's conversations, writing to members, the areas and an area's page."""

from __future__ import annotations

import reflex as rx

from partnerskap import offload
from partnerskap.i18n import format_datetime
from partnerskap.schemas import ConversationSummary, MemberRow, PlaceLink, ThreadSummary
from partnerskap.services import areas, conversations, discussions
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded
from partnerskap.state.discussions import mentionable, mentions_chosen


def _text(form: dict, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


class MessagesState(AppState):
    """The viewer's conversations and the form that writes to someone."""

    conversations: list[ConversationSummary] = []
    to_id: int = 0
    to_name: str = ""
    message_key: str = ""

    @guarded(Access.MEMBER, loads_page=True)
    async def load(self, viewer: Viewer):
        """The viewer's conversations, the most recent first."""
        rows = await offload.read(conversations.mine, viewer)
        self.conversations = [ConversationSummary(thread_id=row.thread_id, title=row.title, with_names=row.with_names, last_post=format_datetime(row.last_post_at, self.lang)) for row in rows]

    @guarded(Access.MEMBER, loads_page=True)
    async def load_new(self, viewer: Viewer):
        """The form that writes to the member named in the address."""
        self.to_id = self._route_id("to")
        self.to_name = await offload.read(conversations.recipient_name, viewer, self.to_id)
        self.message_key = discussions.new_key()

    @guarded(Access.MEMBER, form="message")
    async def send(self, viewer: Viewer, form: dict):
        """Start the conversation and open it."""
        thread = await offload.write(conversations.start, viewer, [self.to_id], _text(form, "title"), _text(form, "body"), _text(form, "key"))
        self.message_key = discussions.new_key()
        return rx.redirect(f"/threads/{thread.id}")


class AreasState(AppState):
    """The open areas, one area's page, and the administrators' form that opens one."""

    areas: list[PlaceLink] = []
    area_id: int = 0
    name: str = ""
    description: str = ""
    threads: list[ThreadSummary] = []
    thread_key: str = ""
    mentionable: list[MemberRow] = []  # the members a new thread's `@` offers, looked up as one types
    found: bool = False

    @guarded(Access.MEMBER, loads_page=True)
    async def load_list(self, viewer: Viewer):
        """Every open area."""
        self.areas = [PlaceLink(id=area.id, name=area.name) for area in await offload.read(areas.listing, viewer)]

    @guarded(Access.ADMIN, form="area")
    async def create(self, viewer: Viewer, form: dict):
        """Open a new area (administrators)."""
        area = await offload.write(areas.create, viewer, _text(form, "name"), _text(form, "description"))
        return rx.redirect(f"/areas/{area.id}")

    @guarded(Access.MEMBER, loads_page=True)
    async def load(self, viewer: Viewer):
        """An area's page with its discussions."""
        self.found = False
        page = await offload.read(areas.page, viewer, self._route_id("area_id"))
        self.area_id, self.name, self.description = page.place.area.id, page.place.area.name, page.place.area.description
        self.threads = [ThreadSummary.of(row, self.lang) for row in page.threads]
        self.thread_key = self.thread_key or discussions.new_key()
        self.found = True

    @guarded(Access.MEMBER, form="thread")
    async def start_thread(self, viewer: Viewer, form: dict):
        """Start a discussion in the area and open it."""
        sent = (self._route_id("area_id"), _text(form, "title"), _text(form, "body"), _text(form, "key"))
        thread = await offload.write(discussions.start_thread, viewer, *sent, kind="area", mentions=mentions_chosen(form))
        self.thread_key = discussions.new_key()
        return rx.redirect(f"/threads/{thread.id}")

    @guarded(Access.MEMBER)
    async def find_mentions(self, viewer: Viewer, typed: str):
        """Offer the first few members whose names start with what the member typed after @ (every member reads an area)."""
        self.mentionable = mentionable(await offload.read(discussions.mention_candidates, viewer, self._route_id("area_id"), str(typed)[:60], kind="area"))
