"""Workspaces: the list, creating one, its front page, members, requests, invitations and settings."""

from __future__ import annotations

import reflex as rx

from partnerskap import offload
from partnerskap.i18n import N_
from partnerskap.schemas import DocumentLink, EventPublic, InvitationRow, MemberRow, MyInvitation, RequestRow, ThreadSummary, WorkspaceCard, WorkspaceIntro, WorkspacePagePublic
from partnerskap.services import calendar, discussions, workspace_page, workspaces
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded
from partnerskap.state.discussions import mentions_chosen


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


class WorkspacesState(AppState):
    """The list of workspaces and the form that creates one."""

    cards: list[WorkspaceCard] = []
    my_invitations: list[MyInvitation] = []
    query: str = ""
    show: str = "all"
    kind: str = ""

    async def _load(self, viewer: Viewer) -> None:
        """Fill the list and the invitations from one service call."""
        directory = await offload.read(workspaces.listing, viewer, query=self.query, mine=self.show == "mine", kind=self.kind)
        self.cards = [WorkspaceCard.of(row) for row in directory.rows]
        self.my_invitations = [MyInvitation(id=invitation.id, workspace_id=workspace.id, workspace=workspace.name) for invitation, workspace in directory.invitations]

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
            self._say_on_arrival(N_("Welcome to the workspace!"))
            return rx.redirect(f"/workspaces/{workspace_id}")
        await self._load(viewer)


class WorkspaceState(AppState):
    """One workspace: its front page, members and settings."""

    intro: WorkspaceIntro = WorkspaceIntro()
    threads: list[ThreadSummary] = []
    events: list[EventPublic] = []
    recent_documents: list[DocumentLink] = []
    members: list[MemberRow] = []
    mentionable: list[MemberRow] = []  # the members but the viewer, whom a new thread's `@` offers
    requests: list[RequestRow] = []
    invitations: list[InvitationRow] = []
    found: bool = False
    requested: bool = False
    thread_key: str = ""
    thread_draft: str = ""
    _members_page: bool = False  # the members page is open: reloads after a change include requests and invitations

    async def _load(self, viewer: Viewer, *, entering: bool = False) -> None:
        """Fill the page from one service call; the members page also shows requests and invitations to reviewers."""
        workspace_id = self._route_id("workspace_id")
        page = await offload.read(workspace_page.open_workspace, viewer, workspace_id, management=self._members_page, entering=entering)
        shown = WorkspacePagePublic.of(page, viewer, self.lang)
        self.intro, self.threads, self.events, self.recent_documents = shown.intro, shown.threads, shown.events, shown.documents
        self.members, self.requests, self.invitations = shown.members, shown.requests, shown.invitations
        self.mentionable = [member for member in shown.members if member.id != viewer.id] if shown.intro.can_contribute else []
        self.thread_draft = shown.draft
        self.thread_key = self.thread_key or discussions.new_key()
        self.found = True

    @guarded(Access.MEMBER, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the workspace's front page (only the introduction for those who may not read it)."""
        self.found, self._members_page = False, False
        await self._load(viewer, entering=not self._loading_again)

    @guarded(Access.MEMBER, loads_page=True)
    async def load_members(self, viewer: Viewer):
        """Fill the members page; reviewers also see requests and invitations."""
        self.found, self._members_page = False, True
        await self._load(viewer, entering=not self._loading_again)

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
        sent = (self._route_id("workspace_id"), _text(form, "title"), _text(form, "body"), _text(form, "key"))
        thread = await offload.write(discussions.start_thread, viewer, *sent, mentions=mentions_chosen(form))
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
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def invite(self, viewer: Viewer, form: dict):
        """Invite a member by name or e-mail, or a new person by e-mail."""
        await offload.write(workspaces.invite, viewer, self._route_id("workspace_id"), _text(form, "who"))
        self._say(N_("The invitation was sent."))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def withdraw_invitation(self, viewer: Viewer, invitation_id: int):
        """Withdraw a pending invitation."""
        await offload.write(workspaces.withdraw_invitation, viewer, int(invitation_id))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def set_role(self, viewer: Viewer, user_id: int, role: str):
        """Change a member's role."""
        await offload.write(workspaces.set_role, viewer, self._route_id("workspace_id"), int(user_id), str(role))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def transfer_ownership(self, viewer: Viewer, user_id: int):
        """Hand the workspace over to another member."""
        await offload.write(workspaces.transfer_ownership, viewer, self._route_id("workspace_id"), int(user_id))
        self._say(N_("Ownership was handed over."))
        await self._load(viewer)

    @guarded(Access.MEMBER)
    async def remove_member(self, viewer: Viewer, user_id: int):
        """Remove a member from the workspace."""
        await offload.write(workspaces.remove_member, viewer, self._route_id("workspace_id"), int(user_id))
        await self._load(viewer)

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
