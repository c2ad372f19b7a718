"""The administrators' views: membership applications and members, the outbox and the audit log."""

from __future__ import annotations

from urllib.parse import urlencode

from partnerskap import offload
from partnerskap.i18n import N_, format_datetime, t
from partnerskap.schemas import AuditPublic, DownloadPublic, OutboxPublic, PersonForAdmin
from partnerskap.services import audit, documents, membership, moderation
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


class AdminState(AppState):
    """Membership decisions, the outbox and the audit log."""

    people: list[PersonForAdmin] = []
    status_filter: str = "waiting"
    search: str = ""
    page_number: int = 0
    matching: int = 0
    waiting_count: int = 0
    page_count: int = 1
    people_summary: str = ""
    outbox: list[OutboxPublic] = []
    audit: list[AuditPublic] = []
    downloads: list[DownloadPublic] = []
    audit_export_link: str = "/admin/audit.csv"
    _audit_query: dict[str, str] = {}
    open_cases: int = 0

    async def _load_people(self, viewer: Viewer) -> None:
        shown = await offload.read(membership.people, viewer, status=self.status_filter, search=self.search, page=self.page_number)
        self.people = [PersonForAdmin.of(user, self.lang) for user in shown.people]
        self.matching = shown.matching
        self.page_count = max(1, -(-shown.matching // membership.PAGE_SIZE))
        self.waiting_count = shown.waiting
        self.people_summary = t(N_("{count} found · page {page} of {pages}"), self.lang, count=shown.matching, page=self.page_number + 1, pages=self.page_count)
        self.open_cases = await offload.read(moderation.open_count, viewer)

    @guarded(Access.ADMIN, loads_page=True)
    async def load_people(self, viewer: Viewer):
        """Fill the membership view."""
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def filter_people(self, viewer: Viewer, status: str):
        """Show accounts with one status ('' for all)."""
        self.status_filter = status if status in membership.STATUSES or status == "waiting" else ""
        self.page_number = 0
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def search_people(self, viewer: Viewer, form: dict):
        """Show the accounts whose name, e-mail or organisation contains the words searched for."""
        self.search = str(form.get("search", ""))[: membership.SEARCH_MAX]
        self.page_number = 0
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def turn_page(self, viewer: Viewer, page_number: int):
        """Show another page of the matching accounts."""
        self.page_number = min(max(int(page_number), 0), self.page_count - 1)
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def approve(self, viewer: Viewer, user_id: int):
        """Approve an application."""
        user = await offload.write(membership.approve, viewer, int(user_id))
        self._say(N_("{name} is now a member."), name=user.name)
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def deny(self, viewer: Viewer, form: dict):
        """Deny an application with a reason."""
        user = await offload.write(membership.deny, viewer, int(form["user_id"]), str(form.get("reason", "")))
        self._say(N_("The application of {name} was denied."), name=user.name)
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def suspend(self, viewer: Viewer, form: dict):
        """Suspend a member with a reason."""
        user = await offload.write(membership.suspend, viewer, int(form["user_id"]), str(form.get("reason", "")))
        self._say(N_("{name} was suspended."), name=user.name)
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def reinstate(self, viewer: Viewer, user_id: int):
        """Lift a suspension."""
        user = await offload.write(membership.reinstate, viewer, int(user_id))
        self._say(N_("{name} is a member again."), name=user.name)
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def end_sessions(self, viewer: Viewer, user_id: int):
        """Log a member out of every browser."""
        user = await offload.write(moderation.end_sessions, viewer, user_id)
        self._say(N_("{name} was logged out everywhere."), name=user.name)

    @guarded(Access.ADMIN)
    async def make_admin(self, viewer: Viewer, user_id: int):
        """Make a member an administrator."""
        user = await offload.write(membership.make_admin, viewer, int(user_id))
        self._say(N_("{name} is now an administrator."), name=user.name)
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def grant_editor(self, viewer: Viewer, user_id: int):
        """Let a member write the instance's pages, news and events."""
        user = await offload.write(membership.grant_editor, viewer, int(user_id))
        self._say(N_("{name} can now write content."), name=user.name)
        await self._load_people(viewer)

    @guarded(Access.ADMIN)
    async def revoke_editor(self, viewer: Viewer, user_id: int):
        """Stop an editor writing content."""
        user = await offload.write(membership.revoke_editor, viewer, int(user_id))
        self._say(N_("{name} no longer writes content."), name=user.name)
        await self._load_people(viewer)

    @guarded(Access.ADMIN, loads_page=True)
    async def load_outbox(self, viewer: Viewer):
        """Fill the outbox view."""
        self.outbox = [OutboxPublic.of(m, self.lang) for m in await offload.read(membership.outbox, viewer)]

    @guarded(Access.ADMIN, loads_page=True)
    async def load_audit(self, viewer: Viewer):
        """Fill the audit log view."""
        await self._load_audit(viewer)

    @guarded(Access.ADMIN, form="audit")
    async def filter_audit(self, viewer: Viewer, form: dict):
        """Show the entries by an actor, of an action, about a kind of target, between two days; the CSV link follows."""
        query = {name: value.strip() for name, value in form.items() if name in ("actor", "action", "kind", "since", "until") and isinstance(value, str) and value.strip()}
        audit.Filter.of(query)  # a day that is not a day is refused before anything changes
        self._audit_query = query
        self.audit_export_link = "/admin/audit.csv?" + urlencode(query)
        await self._load_audit(viewer)

    async def _load_audit(self, viewer: Viewer) -> None:
        entries, names, places = await offload.read(membership.audit_log, viewer, audit.Filter.of(self._audit_query))
        self.audit = [AuditPublic.of(entry, names, places, self.lang) for entry in entries]

    @guarded(Access.ADMIN, loads_page=True)
    async def load_downloads(self, viewer: Viewer):
        """Fill the disclosure log: who downloaded which document, and when."""
        self.downloads = [
            DownloadPublic(id=entry.id, when=format_datetime(entry.at, self.lang), who=who, document=document, inline=entry.inline)
            for entry, who, document in await offload.read(documents.download_log, viewer)
        ]
