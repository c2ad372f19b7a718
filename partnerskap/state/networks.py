"""Networks: the list, creating one, a network's page with its members, discussion and linked workspaces; merging and closing."""

from __future__ import annotations

import reflex as rx

from partnerskap import offload
from partnerskap.i18n import N_
from partnerskap.schemas import MemberRow, NetworkCard, NetworkMemberRow, PlaceLink, ThreadSummary
from partnerskap.services import discussions, networks, permissions
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded
from partnerskap.state.discussions import mentionable, mentions_chosen


def _text(form: dict, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


class NetworksState(AppState):
    """The list of networks and the form that creates one."""

    cards: list[NetworkCard] = []
    query: str = ""

    async def _load(self, viewer: Viewer) -> None:
        rows = await offload.read(networks.listing, viewer, query=self.query)
        self.cards = [
            NetworkCard(
                id=row.network.id,
                name=row.network.name,
                purpose=row.network.purpose,
                kind=row.network.kind,
                access=row.network.access,
                member_count=row.member_count,
                role=row.role or "",
                pending=row.pending,
                closed=row.network.closed_at is not None,
            )
            for row in rows
        ]

    @guarded(Access.MEMBER, loads_page=True)
    async def load_list(self, viewer: Viewer):
        """Fill the network list."""
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def search(self, viewer: Viewer, form: dict):
        """Search the networks by name."""
        self.query = _text(form, "query")[:100]
        await self._load(viewer)

    @guarded(Access.MEMBER, form="network")
    async def create(self, viewer: Viewer, form: dict):
        """Create a network and open its page."""
        sent = networks.NetworkForm(name=_text(form, "name"), purpose=_text(form, "purpose"), kind=_text(form, "kind") or "theme", access=_text(form, "access") or "open")
        network = await offload.write(networks.create, viewer, sent)
        return rx.redirect(f"/networks/{network.id}")


class NetworkState(AppState):
    """One network's page."""

    network_id: int = 0
    name: str = ""
    purpose: str = ""
    kind: str = ""
    access: str = ""
    closed: bool = False
    member_count: int = 0
    members: list[NetworkMemberRow] = []
    requests: list[NetworkMemberRow] = []
    linked: list[PlaceLink] = []
    linkable: list[PlaceLink] = []
    threads: list[ThreadSummary] = []
    is_member: bool = False
    pending: bool = False
    can_read: bool = False
    can_join: bool = False
    can_leave: bool = False
    can_contribute: bool = False
    can_moderate: bool = False
    thread_key: str = ""
    mentionable: list[MemberRow] = []  # the members a new thread's `@` offers, looked up as one types
    found: bool = False

    async def _load(self, viewer: Viewer) -> None:
        self.found = False
        page = await offload.read(networks.page, viewer, self._route_id("network_id"))
        network, place = page.place.network, page.place
        self.network_id, self.name, self.purpose, self.kind, self.access = network.id, network.name, network.purpose, network.kind, network.access
        self.closed, self.is_member, self.pending = place.archived, place.is_member, place.pending
        self.can_read, self.can_join, self.can_leave, self.can_contribute, self.can_moderate = (
            bool(permissions.decide(viewer, action, place)) for action in (Action.READ, Action.JOIN, Action.LEAVE, Action.CONTRIBUTE, Action.MODERATE)
        )
        self.member_count = page.member_count
        self.members = [NetworkMemberRow(id=user_id, name=name, organisation=organisation, role=role) for user_id, name, organisation, role in page.members]
        self.requests = [NetworkMemberRow(id=user_id, name=name, organisation=organisation, role="") for user_id, name, organisation in page.requests]
        self.linked = [PlaceLink(id=workspace_id, name=name) for workspace_id, name in page.workspaces]
        self.linkable = [PlaceLink(id=workspace_id, name=name) for workspace_id, name in page.linkable]
        self.threads = [ThreadSummary.of(row, self.lang) for row in page.threads]
        self.thread_key = self.thread_key or discussions.new_key()
        self.found = True

    @guarded(Access.MEMBER, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the network's page."""
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def join(self, viewer: Viewer):
        """Join the network, or ask to."""
        joined = await offload.write(networks.join, viewer, self._route_id("network_id"))
        self._say(N_("You joined the network.") if joined else N_("Your request was sent to the network's owners."))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def leave(self, viewer: Viewer):
        """Leave the network."""
        await offload.write(networks.leave, viewer, self._route_id("network_id"))
        self._say(N_("You left the network."))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def decide_request(self, viewer: Viewer, user_id: int, accept: bool):
        """Accept or decline a request to join."""
        await offload.write(networks.decide_request, viewer, self._route_id("network_id"), int(user_id), bool(accept))
        await self._load(viewer)

    @guarded(Access.MEMBER, form="link")
    async def link_workspace(self, viewer: Viewer, form: dict):
        """Link one of the member's workspaces to the network."""
        chosen = _text(form, "workspace_id")
        await offload.write(networks.link_workspace, viewer, self._route_id("network_id"), int(chosen) if chosen.isdigit() else 0)
        self._say(N_("The workspace is linked to the network."))
        await self._load(viewer)

    @guarded(Access.MEMBER, form="thread")
    async def start_thread(self, viewer: Viewer, form: dict):
        """Start a discussion in the network and open it."""
        sent = (self._route_id("network_id"), _text(form, "title"), _text(form, "body"), _text(form, "key"))
        thread = await offload.write(discussions.start_thread, viewer, *sent, kind="network", mentions=mentions_chosen(form))
        self.thread_key = discussions.new_key()
        return rx.redirect(f"/threads/{thread.id}")

    @guarded(Access.MEMBER)
    async def find_mentions(self, viewer: Viewer, typed: str):
        """Offer the first few members of the network whose names start with what the member typed after @."""
        self.mentionable = mentionable(await offload.read(discussions.mention_candidates, viewer, self._route_id("network_id"), str(typed)[:60], kind="network"))

    @guarded(Access.ADMIN, form="merge")
    async def merge_into(self, viewer: Viewer, form: dict):
        """Merge this network into another one (administrators)."""
        target = _text(form, "target")
        await offload.write(networks.merge, viewer, self._route_id("network_id"), int(target) if target.isdigit() else 0)
        return rx.redirect(f"/networks/{target}")

    @guarded(Access.ADMIN)
    async def close(self, viewer: Viewer):
        """Close the network (administrators)."""
        await offload.write(networks.close, viewer, self._route_id("network_id"))
        self._say(N_("The network was closed."))
        await self._load(viewer)
