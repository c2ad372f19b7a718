"""Workspaces: the list, creating one, its front page, members, requests, invitations and settings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import reflex as rx

from partnerskap import offload
from partnerskap.i18n import format_date, format_datetime
from partnerskap.schemas import DocumentLink, EventPublic, InvitationRow, MemberRow, MyInvitation, RequestRow, ThreadSummary, WorkspaceCard, WorkspaceIntro
from partnerskap.services import calendar, discussions, documents, markdown, workspaces
from partnerskap.services.errors import N_
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


def _text(form: dict, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def workspace_form(form: dict) -> workspaces.WorkspaceForm:
    """The workspace form's fields, as plain strings."""
    return workspaces.WorkspaceForm(
        name=_text(form, "name"),
        purpose=_text(form, "purpose"),
        description=_text(form, "description"),
        kind=_text(form, "kind") or "project",
        starts_on=_text(form, "starts_on"),
        ends_on=_text(form, "ends_on"),
        language=_text(form, "language") or "fi",
        colour=_text(form, "colour") or "teal",
        access=_text(form, "access") or "open",
        lifecycle=_text(form, "lifecycle") or "active",
    )


def event_public(event, language: str) -> EventPublic:
    """An event shown in its own time zone."""
    zone = ZoneInfo(event.time_zone)
    starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    return EventPublic(
        id=event.id,
        title=event.title,
        when=f"{format_datetime(starts, language)} – {format_datetime(ends, language)} ({event.time_zone})",
        place=event.place,
        online_url=event.online_url,
        description=event.description,
    )


class WorkspacesState(AppState):
    """The list of workspaces and the form that creates one."""

    cards: list[WorkspaceCard] = []
    my_invitations: list[MyInvitation] = []
    query: str = ""
    show: str = "all"
    kind: str = ""

    async def _load(self, viewer: Viewer) -> None:
        rows = await offload.read(workspaces.listing, viewer, query=self.query, mine=self.show == "mine", kind=self.kind)
        self.cards = [
            WorkspaceCard(
                id=row.workspace.id,
                name=row.workspace.name,
                purpose=row.workspace.purpose,
                kind=row.workspace.kind,
                access=row.workspace.access,
                lifecycle=row.workspace.lifecycle,
                colour=row.workspace.colour,
                role=row.role or "",
                member_count=row.member_count,
                request_pending=row.request_pending,
            )
            for row in rows
        ]
        self.my_invitations = [
            MyInvitation(id=invitation.id, workspace_id=workspace.id, workspace=workspace.name)
            for invitation, workspace in await offload.read(workspaces.my_invitations, viewer)
        ]

    @guarded(Access.MEMBER, loads_page=True)
    async def load_list(self, viewer: Viewer):
        """Fill the workspace list."""
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def search(self, viewer: Viewer, form: dict):
        """Search and filter the list."""
        self.query = _text(form, "query")[:100]
        self.show = "mine" if _text(form, "show") == "mine" else "all"
        self.kind = _text(form, "kind") if _text(form, "kind") in workspaces.KINDS else ""
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def create(self, viewer: Viewer, form: dict):
        """Create a workspace and open it."""
        workspace = await offload.write(workspaces.create, viewer, workspace_form(form))
        return rx.redirect(f"/workspaces/{workspace.id}")

    @guarded(Access.MEMBER)
    async def answer_invitation(self, viewer: Viewer, invitation_id: int, accept: bool):
        """Accept or decline an invitation."""
        workspace_id = await offload.write(workspaces.answer_invitation, viewer, int(invitation_id), bool(accept))
        if accept:
            return rx.redirect(f"/workspaces/{workspace_id}")
        await self._load(viewer)


class WorkspaceState(AppState):
    """One workspace: its front page, members and settings."""

    intro: WorkspaceIntro = WorkspaceIntro()
    threads: list[ThreadSummary] = []
    events: list[EventPublic] = []
    recent_documents: list[DocumentLink] = []
    members: list[MemberRow] = []
    requests: list[RequestRow] = []
    invitations: list[InvitationRow] = []
    found: bool = False
    requested: bool = False
    thread_key: str = ""
    thread_draft: str = ""

    async def _load(self, viewer: Viewer) -> None:
        workspace_id = self._route_id("workspace_id")
        place = await offload.read(workspaces.place, viewer, workspace_id)
        workspace = place.workspace
        self.found = True
        self.intro = WorkspaceIntro(
            id=workspace.id,
            name=workspace.name,
            purpose=workspace.purpose,
            description=workspace.description,
            description_html=markdown.render(workspace.description) if workspace.description else "",
            kind=workspace.kind,
            access=workspace.access,
            lifecycle=workspace.lifecycle,
            colour=workspace.colour,
            starts_on=format_date(workspace.starts_on, self.lang) if workspace.starts_on else "",
            ends_on=format_date(workspace.ends_on, self.lang) if workspace.ends_on else "",
            starts_iso=workspace.starts_on.isoformat() if workspace.starts_on else "",
            ends_iso=workspace.ends_on.isoformat() if workspace.ends_on else "",
            language=workspace.language,
            owners=", ".join(place.owners),
            role=place.role or "",
            can_manage=place.can_manage,
            writable=place.writable,
        )
        if not place.is_member:
            self.threads, self.events, self.members = [], [], []
            return
        rows = await offload.read(discussions.threads, viewer, workspace_id)
        self.threads = [
            ThreadSummary(
                id=row.thread.id,
                title=row.thread.title,
                author=row.author,
                last_post=format_datetime(row.thread.last_post_at, self.lang),
                post_count=row.thread.post_count,
                pinned=row.thread.pinned,
                unread=row.unread,
            )
            for row in rows
        ]
        self.events = [event_public(event, self.lang) for event in await offload.read(calendar.upcoming, viewer, workspace_id)]
        self.recent_documents = [DocumentLink(id=document.id, name=document.name) for document in await offload.read(documents.recent, viewer, workspace_id)]
        self.members = [MemberRow(*member) for member in await offload.read(workspaces.members, viewer, workspace_id)]
        self.thread_draft = await offload.read(discussions.draft, viewer, f"workspace-{workspace_id}")
        self.thread_key = self.thread_key or discussions.new_key()

    async def _load_management(self, viewer: Viewer) -> None:
        workspace_id = self._route_id("workspace_id")
        self.requests = [
            RequestRow(id=request.id, name=user.name, organisation=user.organisation, message=request.message, created=format_datetime(request.created_at, self.lang))
            for request, user in await offload.read(workspaces.join_requests, viewer, workspace_id)
        ]
        self.invitations = [
            InvitationRow(id=invitation.id, email=invitation.email, expires=format_datetime(invitation.expires_at, self.lang))
            for invitation in await offload.read(workspaces.invitations, viewer, workspace_id)
        ]

    @guarded(Access.MEMBER, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the workspace's front page (only the introduction for non-members)."""
        self.found = False
        await self._load(viewer)

    @guarded(Access.MEMBER, loads_page=True)
    async def load_members(self, viewer: Viewer):
        """Fill the members page; owners and moderators also see requests and invitations."""
        self.found = False
        await self._load(viewer)
        self.requests, self.invitations = [], []
        if self.intro.can_manage:
            await self._load_management(viewer)

    @guarded(Access.MEMBER)
    async def join(self, viewer: Viewer, form: dict):
        """Join an open workspace, or ask to join an on-request one."""
        outcome = await offload.write(workspaces.join, viewer, self._route_id("workspace_id"), _text(form, "message"))
        if outcome == "requested":
            self.requested = True
            self._say(N_("Your request was sent. The workspace's owners will decide."))
        else:
            self._say(N_("Welcome to the workspace!"))
        await self._load(viewer)

    @guarded(Access.MEMBER, form="thread")
    async def start_thread(self, viewer: Viewer, form: dict):
        """Open a discussion and go to it."""
        thread = await offload.write(discussions.start_thread, viewer, self._route_id("workspace_id"), _text(form, "title"), _text(form, "body"), _text(form, "key"))
        self.thread_key = discussions.new_key()
        self.thread_draft = ""
        return rx.redirect(f"/threads/{thread.id}")

    @guarded(Access.MEMBER)
    async def save_thread_draft(self, viewer: Viewer, body: str, key: str):
        """Keep the half-written opening post (a late save for a discussion already started is dropped)."""
        if key != self.thread_key:
            return
        self.thread_draft = str(body)
        await offload.write(discussions.save_draft, viewer, f"workspace-{self._route_id('workspace_id')}", str(body))

    @guarded(Access.MEMBER, form="event")
    async def add_event(self, viewer: Viewer, form: dict):
        """Add an event to the calendar."""
        event = calendar.EventForm(
            title=_text(form, "title"),
            starts=_text(form, "starts"),
            ends=_text(form, "ends"),
            time_zone=_text(form, "time_zone") or "Europe/Helsinki",
            place=_text(form, "place"),
            online_url=_text(form, "online_url"),
            description=_text(form, "description"),
        )
        await offload.write(calendar.add_event, viewer, self._route_id("workspace_id"), event)
        self._say(N_("The event was added."))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def delete_event(self, viewer: Viewer, event_id: int):
        """Remove an event."""
        await offload.write(calendar.delete_event, viewer, int(event_id))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def decide_request(self, viewer: Viewer, request_id: int, accept: bool):
        """Accept or decline a request to join."""
        await offload.write(workspaces.decide_request, viewer, int(request_id), bool(accept))
        self._say(N_("The request was accepted.") if accept else N_("The request was declined."))
        await self._load_members_again(viewer)

    async def _load_members_again(self, viewer: Viewer) -> None:
        """Reload members, requests and invitations after a change."""
        await self._load(viewer)
        if self.intro.can_manage:
            await self._load_management(viewer)

    @guarded(Access.MEMBER)
    async def invite(self, viewer: Viewer, form: dict):
        """Invite a member by name or e-mail, or a new person by e-mail."""
        await offload.write(workspaces.invite, viewer, self._route_id("workspace_id"), _text(form, "who"))
        self._say(N_("The invitation was sent."))
        await self._load_members_again(viewer)

    @guarded(Access.MEMBER)
    async def withdraw_invitation(self, viewer: Viewer, invitation_id: int):
        """Withdraw a pending invitation."""
        await offload.write(workspaces.withdraw_invitation, viewer, int(invitation_id))
        await self._load_members_again(viewer)

    @guarded(Access.MEMBER)
    async def set_role(self, viewer: Viewer, user_id: int, role: str):
        """Change a member's role."""
        await offload.write(workspaces.set_role, viewer, self._route_id("workspace_id"), int(user_id), str(role))
        await self._load_members_again(viewer)

    @guarded(Access.MEMBER)
    async def transfer_ownership(self, viewer: Viewer, user_id: int):
        """Hand the workspace over to another member."""
        await offload.write(workspaces.transfer_ownership, viewer, self._route_id("workspace_id"), int(user_id))
        self._say(N_("Ownership was handed over."))
        await self._load_members_again(viewer)

    @guarded(Access.MEMBER)
    async def remove_member(self, viewer: Viewer, user_id: int):
        """Remove a member from the workspace."""
        await offload.write(workspaces.remove_member, viewer, self._route_id("workspace_id"), int(user_id))
        await self._load_members_again(viewer)

    @guarded(Access.MEMBER)
    async def leave(self, viewer: Viewer):
        """Leave the workspace."""
        await offload.write(workspaces.leave, viewer, self._route_id("workspace_id"))
        self._say(N_("You left the workspace."))
        return rx.redirect("/workspaces")

    @guarded(Access.MEMBER)
    async def save_settings(self, viewer: Viewer, form: dict):
        """Change the workspace's details, access policy and lifecycle."""
        await offload.write(workspaces.update, viewer, self._route_id("workspace_id"), workspace_form(form))
        self._say(N_("The workspace was saved."))
        await self._load(viewer)
