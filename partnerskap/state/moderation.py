"""Reporting items, the moderation queue, decisions and appeals, and closing workspaces."""

from __future__ import annotations

import reflex as rx

from partnerskap import offload
from partnerskap.i18n import N_, format_date
from partnerskap.schemas import CasePublic
from partnerskap.services import moderation
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


def _text(form: dict, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _number(form: dict, name: str) -> int:
    value = form.get(name, "")
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else int(value) if isinstance(value, str) and value.isdigit() else 0


class ReportState(AppState):
    """The report dialog every page shares: what is being reported, why, and a note."""

    report_open: bool = False
    report_kind: str = ""
    report_item: int = 0

    @guarded(Access.MEMBER)
    async def open_report(self, viewer: Viewer, kind: str, item_id: int):
        """Open the report dialog for one item."""
        self.report_kind, self.report_item, self.report_open = kind, item_id, True

    @guarded(Access.MEMBER)
    async def close_report(self, viewer: Viewer):
        """Close the report dialog without reporting."""
        self.report_open = False

    @guarded(Access.MEMBER)
    async def report_dialog_changed(self, viewer: Viewer, open: bool):
        """Follow the dialog when it closes itself (Escape, a click outside); it opens only from a Report control."""
        if open is not True:
            self.report_open = False

    @guarded(Access.MEMBER, form="report")
    async def send_report(self, viewer: Viewer, form: dict):
        """Report the item: the moderators see it in their queue, the reporter is told it arrived."""
        await offload.write(moderation.report, viewer, self.report_kind, self.report_item, _text(form, "reason"), _text(form, "note"))
        self.report_open = False
        self._say(N_("Thank you. Your report arrived and the moderators will look at it."))


class ModerationState(AppState):
    """The moderation queue, one decided case as its author reads it, and the administrators' workspace closures."""

    cases: list[CasePublic] = []
    decided: list[CasePublic] = []
    moderates_all: bool = False
    case: CasePublic = CasePublic(id=0, purpose="", kind="", status="", excerpt="")
    can_appeal: bool = False
    appeal_until: str = ""

    async def _load_queue(self, viewer: Viewer) -> None:
        found = await offload.read(moderation.queue, viewer)
        self.cases = [CasePublic.of(view, self.lang) for view in found.open]
        self.decided = [CasePublic.of(view, self.lang) for view in found.decided]
        self.moderates_all = found.admin

    @guarded(Access.MEMBER, loads_page=True)
    async def load_queue(self, viewer: Viewer):
        """Fill the queue: the open cases the viewer moderates, and the recently decided ones."""
        self.cases, self.decided = [], []
        await self._load_queue(viewer)

    @guarded(Access.MEMBER, form="decide")
    async def decide(self, viewer: Viewer, form: dict):
        """Decide a case in one step, with the reason the affected member receives."""
        await offload.write(moderation.decide, viewer, _number(form, "case_id"), _text(form, "decision"), _text(form, "reason"), _text(form, "until"))
        self._say(N_("Decided. The people concerned were told."))
        await self._load_queue(viewer)

    @guarded(Access.SIGNED_IN, loads_page=True)
    async def load_case(self, viewer: Viewer):
        """Show a decision about the viewer's item, with the appeal they may still make."""
        self.case = CasePublic(id=0, purpose="", kind="", status="", excerpt="")
        found = await offload.read(moderation.own_case, viewer, self._route_id("case_id"))
        self.case = CasePublic(
            id=found.case.id, purpose=found.case.purpose, kind=found.case.item_kind, status=found.case.status, excerpt=found.case.excerpt,
            decision=found.case.decision, reason=found.case.reason, appeal_note=found.case.appeal_note,
        )
        self.can_appeal = found.can_appeal
        self.appeal_until = format_date(found.appeal_until, self.lang) if found.appeal_until else ""

    @guarded(Access.SIGNED_IN, form="appeal")
    async def appeal(self, viewer: Viewer, form: dict):
        """Appeal the decision once: another administrator decides again."""
        await offload.write(moderation.appeal, viewer, _number(form, "case_id"), _text(form, "note"))
        self.can_appeal = False
        self._say(N_("Your appeal was sent. Another administrator will decide."))

    @guarded(Access.ADMIN, form="close")
    async def close_workspace(self, viewer: Viewer, form: dict):
        """Close a workspace with a reason its members read."""
        workspace = await offload.write(moderation.close_workspace, viewer, _number(form, "workspace_id"), _text(form, "reason"))
        return rx.redirect(f"/workspaces/{workspace.id}")  # the workspace's page loads again, read-only with the reason

    @guarded(Access.ADMIN, form="reopen")
    async def reopen_workspace(self, viewer: Viewer, form: dict):
        """Reopen a closed workspace."""
        workspace = await offload.write(moderation.reopen, viewer, _number(form, "workspace_id"), _text(form, "reason"))
        return rx.redirect(f"/workspaces/{workspace.id}")

    @guarded(Access.ADMIN)
    async def delete_workspace(self, viewer: Viewer, workspace_id: int):
        """Delete a closed workspace's content and files for good, once its grace period is over."""
        await offload.write(moderation.delete_closed, viewer, workspace_id)
        self._say(N_("The workspace's content and files were deleted."))

    @guarded(Access.MEMBER, form="premoderation")
    async def save_premoderation(self, viewer: Viewer, form: dict):
        """Owners set how long new members' posts and documents wait for approval in their workspace."""
        days = _text(form, "premoderation_days").strip()
        await offload.write(moderation.set_premoderation, viewer, _number(form, "workspace_id"), int(days) if days.isdigit() else -1)
        self._say(N_("Saved."))
