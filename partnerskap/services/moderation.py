"""Moderation: members report items, moderators decide cases with a reason, the affected member appeals once.

Reports of one item group into one case. Instance administrators see every case; a workspace's owners and
moderators see the cases of their workspace's posts, documents and events (the policy's `MODERATE`). Suspending a
member and closing a workspace are the administrators'. An appeal returns the case to the queue for another
administrator than the one who decided it. Every decision is written to the audit log with its reason.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete as delete_rows
from sqlalchemy import func
from sqlmodel import Session, col, select

from partnerskap.db import transaction
from partnerskap.i18n import N_, t
from partnerskap.models import (
    CaseStatus,
    ContentItem,
    Document,
    Draft,
    Event,
    Folder,
    Held,
    Invitation,
    ItemKind,
    JoinRequest,
    Lifecycle,
    Membership,
    ModerationCase,
    Network,
    Post,
    PostAttachment,
    PostRevision,
    Report,
    Status,
    Thread,
    ThreadReader,
    User,
    Workspace,
)
from partnerskap.models.base import utcnow
from partnerskap.services import audit, content, discussions, documents, instance, mail, notifications, permissions, search_index, sessions, transparency, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import Action, require_admin, require_member
from partnerskap.services.sessions import Viewer

REASONS = ("illegal", "harassment", "spam", "copyright", "privacy", "other")
DECISIONS = ("dismiss", "approve", "hide", "remove", "warn", "suspend", "close")
ADMIN_DECISIONS = ("suspend", "close")
AFFECTING = ("hide", "remove", "warn", "suspend", "close")  # decisions the item's author is told of and may appeal
APPEAL_DAYS = 14
NOTE_MAX = 2000
OPEN = (CaseStatus.OPEN, CaseStatus.APPEALED)

ITEM_MISSING = N_("This item does not exist or you do not have access to it.")
CASE_MISSING = N_("This case does not exist or you do not moderate it.")
ALREADY_REPORTED = N_("You have already reported this. The moderators will look at it.")
ALREADY_DECIDED = N_("This case was already decided.")
ANOTHER_ADMIN = N_("Another administrator must decide the appeal against your own decision.")
NOT_APPEALABLE = N_("This decision cannot be appealed.")
ALREADY_APPEALED = N_("You have already appealed this decision.")
APPEAL_LATE = N_("The time to appeal (14 days) has passed.")
GRACE_NOT_OVER = N_("The workspace can be deleted once its grace period is over.")
NOT_CLOSED = N_("Only a closed workspace can be reopened or deleted.")
NO_MODERATION = N_("Only the workspace's owners and moderators can do this.")


@dataclasses.dataclass(frozen=True)
class Item:
    """What a case is about: the workspace it lives in, who made it, a short excerpt and where to see it."""

    workspace_id: int | None
    author_id: int | None
    excerpt: str
    link: str


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 280 else text[:279] + "…"


def _item(session: Session, viewer: Viewer, kind: str, item_id: int) -> Item:
    """The item as the viewer may read it; a missing one and an unreadable one get the same refusal."""
    if kind not in tuple(ItemKind) or not workspaces.is_id(item_id):
        raise Refused(ITEM_MISSING)
    if kind == ItemKind.MEMBER:
        person = session.get(User, item_id)
        if person is None or person.status not in (Status.APPROVED, Status.SUSPENDED):
            raise Refused(ITEM_MISSING)
        return Item(None, person.id, person.name, f"/people/{person.id}")
    if kind == ItemKind.NETWORK:
        network = session.get(Network, item_id)
        if network is None or network.merged_into is not None:
            raise Refused(ITEM_MISSING)
        return Item(None, network.created_by, network.name, f"/networks/{network.id}")
    if kind == ItemKind.CONTENT:
        item = session.get(ContentItem, item_id)
        if item is None or not content.is_public(item):
            raise Refused(ITEM_MISSING)
        return Item(None, item.created_by, content.title_of(session, item), content.url_of(item))
    if kind == ItemKind.WORKSPACE:
        found = _readable(session, viewer, item_id, Action.SEE)
        return Item(item_id, found.workspace.created_by, found.workspace.name, f"/workspaces/{item_id}")
    if kind == ItemKind.POST:
        post = session.get(Post, item_id)
        if post is None or post.deleted_at is not None:
            raise Refused(ITEM_MISSING)
        try:  # a post in a network, an open area or a conversation is read by its place's rules; its case is the administrators'
            thread, _place = discussions.thread_place(session, viewer, post.thread_id)
        except Refused:
            raise Refused(ITEM_MISSING) from None
        return Item(thread.workspace_id, post.author_id, _excerpt(post.body), f"/threads/{thread.id}#post-{post.id}")
    if kind == ItemKind.DOCUMENT:
        document = session.get(Document, item_id)
        if document is None or document.deleted_at is not None:
            raise Refused(ITEM_MISSING)
        _readable(session, viewer, document.workspace_id, Action.READ)
        return Item(document.workspace_id, document.created_by, document.name, f"/workspaces/{document.workspace_id}/documents")
    event = session.get(Event, item_id)
    if event is None:
        raise Refused(ITEM_MISSING)
    _readable(session, viewer, event.workspace_id, Action.READ)
    return Item(event.workspace_id, event.created_by, event.title, f"/workspaces/{event.workspace_id}")


def _readable(session: Session, viewer: Viewer, workspace_id: int, action: Action) -> workspaces.Place:
    try:
        return workspaces.authorise(session, viewer, workspace_id, action)
    except Refused:
        raise Refused(ITEM_MISSING) from None


def report(viewer: Viewer, kind: str, item_id: int, reason: str, note: str = "") -> ModerationCase:
    """Report an item: it joins the item's open case (or opens one); the reporter is told it arrived."""
    require_member(viewer)
    if reason not in REASONS:
        raise Invalid({"reason": N_("Choose one of the options.")})
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid({"note": N_("Use at most 2000 characters.")})
    with transaction() as session:
        item = _item(session, viewer, kind, item_id)
        case = session.exec(
            select(ModerationCase).where(ModerationCase.item_kind == kind, ModerationCase.item_id == item_id, ModerationCase.purpose == "report", col(ModerationCase.status).in_(OPEN))
        ).first()
        if case is None:
            case = ModerationCase(item_kind=kind, item_id=item_id, workspace_id=item.workspace_id, author_id=item.author_id, excerpt=item.excerpt)
            session.add(case)
            session.flush()
        elif session.exec(select(Report.id).where(Report.case_id == case.id, Report.reporter_id == viewer.id)).first():
            raise Refused(ALREADY_REPORTED)
        session.add(Report(case_id=case.id, reporter_id=viewer.id, reason=reason, note=note))
        # The transparency report counts reports and decisions by the reported item (kind and id) and the report's reason.
        audit.record(actor_id=viewer.id, action=transparency.REPORT, workspace_id=item.workspace_id, target_kind=kind, target_id=item_id, reason_code=reason, session=session)
        notifications.notify(session, user_id=viewer.id, kind="report_received", link="/notifications", item=excerpt_for(item.excerpt))
        return case


def excerpt_for(text: str) -> str:
    """A few words of an item for a notification's sentence."""
    return text if len(text) <= 60 else text[:59] + "…"


def _managed(session: Session, viewer: Viewer) -> list[int]:
    """The workspaces the viewer owns or moderates (open ones: a closed workspace is the administrators')."""
    return list(
        session.exec(
            select(Membership.workspace_id)
            .join(Workspace, col(Workspace.id) == col(Membership.workspace_id))
            .where(Membership.user_id == viewer.id, col(Membership.role).in_(list(workspaces.MANAGERS)), col(Workspace.lifecycle).not_in([Lifecycle.CLOSED, Lifecycle.DELETED]))
        ).all()
    )


@dataclasses.dataclass(frozen=True)
class ReportLine:
    """Who reported a case's item, why, and their note."""

    reporter: str
    reason: str
    note: str
    at: datetime


@dataclasses.dataclass(frozen=True)
class CaseView:
    """A case as the queue shows it, with its reports and the author's earlier cases."""

    case: ModerationCase
    workspace: str
    author: str
    link: str
    held: str
    reports: list[ReportLine]
    earlier: list[ModerationCase]
    decided_by: str


@dataclasses.dataclass(frozen=True)
class Queue:
    """The moderation queue: the open cases the viewer may decide, the recently decided ones, and whether they are an administrator."""

    open: list[CaseView]
    decided: list[CaseView]
    admin: bool


def _scope(session: Session, viewer: Viewer):
    """The condition on cases the viewer moderates: every case for administrators, their workspaces' items for moderators."""
    if viewer.is_admin:
        return None
    managed = _managed(session, viewer)
    if not managed:
        raise Refused(NO_MODERATION)
    return col(ModerationCase.workspace_id).in_(managed) & col(ModerationCase.item_kind).in_([ItemKind.POST, ItemKind.DOCUMENT, ItemKind.EVENT]) & (ModerationCase.status != CaseStatus.APPEALED)


def queue(viewer: Viewer) -> Queue:
    """The open cases the viewer may decide (oldest first) and the 20 most recently decided."""
    require_member(viewer)
    with transaction() as session:
        scope = _scope(session, viewer)
        base = select(ModerationCase) if scope is None else select(ModerationCase).where(scope)
        waiting = list(session.exec(base.where(col(ModerationCase.status).in_(OPEN)).order_by(ModerationCase.id)).all())
        if viewer.is_admin:  # an appeal against one's own decision is another administrator's
            waiting = [case for case in waiting if not (case.status == CaseStatus.APPEALED and case.first_decided_by == viewer.id)]
        decided = list(session.exec(base.where(col(ModerationCase.status).not_in(OPEN)).order_by(col(ModerationCase.decided_at).desc()).limit(20)).all())
        return Queue(_views(session, waiting), _views(session, decided), viewer.is_admin)


def open_count(viewer: Viewer) -> int:
    """How many cases wait for the administrators (the count in the administration's navigation)."""
    require_admin(viewer)
    with transaction() as session:
        return session.exec(select(func.count()).select_from(ModerationCase).where(col(ModerationCase.status).in_(OPEN))).one()


def _views(session: Session, cases: list[ModerationCase]) -> list[CaseView]:
    if not cases:
        return []
    ids = [case.id for case in cases]
    people_ids = {i for case in cases for i in (case.author_id, case.decided_by) if i}
    reports = session.exec(select(Report, User.name).join(User, col(User.id) == col(Report.reporter_id)).where(col(Report.case_id).in_(ids)).order_by(Report.id)).all()
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(people_ids or {0}))).all())
    places = dict(session.exec(select(Workspace.id, Workspace.name).where(col(Workspace.id).in_({case.workspace_id for case in cases if case.workspace_id} or {0}))).all())
    authors = {case.author_id for case in cases if case.author_id}
    history = session.exec(select(ModerationCase).where(col(ModerationCase.author_id).in_(authors or {0}), col(ModerationCase.status).not_in(OPEN)).order_by(col(ModerationCase.id).desc())).all()
    by_case: dict[int, list[ReportLine]] = {}
    for found, reporter in reports:
        by_case.setdefault(found.case_id, []).append(ReportLine(reporter, found.reason, found.note, found.created_at))
    return [
        CaseView(
            case=case,
            workspace=places.get(case.workspace_id, ""),
            author=names.get(case.author_id, ""),
            link=_link(session, case),
            held=_held(session, case),
            reports=by_case.get(case.id, []),
            earlier=[other for other in history if other.author_id == case.author_id and other.id != case.id][:5],
            decided_by=names.get(case.decided_by, ""),
        )
        for case in cases
    ]


def _link(session: Session, case: ModerationCase) -> str:
    if case.item_kind == ItemKind.POST:
        post = session.get(Post, case.item_id)
        return f"/threads/{post.thread_id}#post-{post.id}" if post else ""
    if case.item_kind == ItemKind.DOCUMENT:
        return f"/workspaces/{case.workspace_id}/documents"
    if case.item_kind in (ItemKind.WORKSPACE, ItemKind.EVENT):
        return f"/workspaces/{case.workspace_id}"
    if case.item_kind == ItemKind.NETWORK:
        return f"/networks/{case.item_id}"
    if case.item_kind == ItemKind.CONTENT:
        item = session.get(ContentItem, case.item_id)
        return content.url_of(item) if item else ""
    return f"/people/{case.item_id}"


def _held(session: Session, case: ModerationCase) -> str:
    model = {ItemKind.POST: Post, ItemKind.DOCUMENT: Document}.get(case.item_kind)
    item = session.get(model, case.item_id) if model else None
    return item.held if item else ""


def _case(session: Session, viewer: Viewer, case_id: int) -> ModerationCase:
    """A case the viewer may decide now; one they may not moderate gets the same refusal as a missing one."""
    require_member(viewer)
    case = session.get(ModerationCase, case_id) if workspaces.is_id(case_id) else None
    if case is None:
        raise Refused(CASE_MISSING)
    if not viewer.is_admin:
        if case.workspace_id is None or case.item_kind not in (ItemKind.POST, ItemKind.DOCUMENT, ItemKind.EVENT) or case.status == CaseStatus.APPEALED:
            raise Refused(CASE_MISSING)
        try:
            workspaces.authorise(session, viewer, case.workspace_id, Action.MODERATE)
        except Refused:
            raise Refused(CASE_MISSING) from None
    if case.status not in OPEN:
        raise Refused(ALREADY_DECIDED)
    if case.status == CaseStatus.APPEALED and case.first_decided_by == viewer.id:
        raise Refused(ANOTHER_ADMIN)
    return case


def _until(value: str) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid({"until": N_("Enter a date like 2026-05-31.")}) from None
    if day <= utcnow().date():
        raise Invalid({"until": N_("Choose a day after today.")})
    return datetime.combine(day, time(), tzinfo=utcnow().tzinfo)


def decide(viewer: Viewer, case_id: int, decision: str, reason: str, until: str = "") -> ModerationCase:
    """Decide a case in one step with a reason the affected member reads in their language; reporters hear the outcome."""
    require_member(viewer)
    if decision not in DECISIONS:
        raise Refused(N_("Choose one of the options."))
    reason = reason.strip()
    if decision != "approve" and not reason:
        raise Invalid({"reason": N_("Give a reason: the person will receive it.")})
    if len(reason) > NOTE_MAX:
        raise Invalid({"reason": N_("Use at most 2000 characters.")})
    suspended_until = _until(until) if decision == "suspend" else None
    with transaction() as session:
        case = _case(session, viewer, case_id)
        if decision in ADMIN_DECISIONS and not viewer.is_admin:
            raise Refused(permissions.ADMINS_ONLY)
        _check_fits(case, decision, viewer)
        appeal = case.status == CaseStatus.APPEALED
        if appeal:
            _undo(session, case)
        _apply(session, viewer, case, decision, reason, suspended_until)
        case.status = CaseStatus.FINAL if appeal else CaseStatus.DECIDED
        case.decision, case.reason, case.decided_by, case.decided_at = decision, reason, viewer.id, utcnow()
        case.first_decided_by = case.first_decided_by or viewer.id
        session.add(case)
        audit.record(
            actor_id=viewer.id,
            action=f"{transparency.DECISION_PREFIX}{decision}",
            target_user_id=case.author_id,
            workspace_id=case.workspace_id,
            target_kind=case.item_kind,
            target_id=case.item_id,
            reason=reason,
            session=session,
        )
        _tell(session, case, decision, reason, appeal)
        return case


def _check_fits(case: ModerationCase, decision: str, viewer: Viewer) -> None:
    kind = case.item_kind
    fits = {
        "approve": case.purpose == "approval",
        "hide": kind in (ItemKind.POST, ItemKind.DOCUMENT),
        "remove": kind in (ItemKind.POST, ItemKind.DOCUMENT, ItemKind.EVENT),
        "warn": case.author_id is not None,
        "suspend": case.author_id is not None and case.author_id != viewer.id,
        "close": case.workspace_id is not None,
        "dismiss": True,
    }
    if not fits[decision]:
        raise Refused(N_("This action does not fit this item."))


def _apply(session: Session, viewer: Viewer, case: ModerationCase, decision: str, reason: str, until: datetime | None) -> None:
    model = {ItemKind.POST: Post, ItemKind.DOCUMENT: Document, ItemKind.EVENT: Event}.get(case.item_kind)
    item = session.get(model, case.item_id) if model else None
    if decision in ("approve", "dismiss") and case.purpose == "approval" and item is not None:
        item.held = Held.VISIBLE
    elif decision == "hide" and item is not None:
        item.held = Held.HIDDEN
    elif decision == "remove" and item is not None:
        if isinstance(item, Event):
            session.delete(item)
            return
        item.held = Held.VISIBLE
        item.deleted_at = utcnow()
        if isinstance(item, Document):
            item.deleted_by = viewer.id
        else:
            search_index.forget(session, "post", item.id)
    elif decision == "suspend":
        suspend(session, viewer, case.author_id, reason, until)
    elif decision == "close":
        close(session, viewer, session.get(Workspace, case.workspace_id), reason)
    if item is not None:
        session.add(item)


def _undo(session: Session, case: ModerationCase) -> None:
    """Before an appeal is decided, what the first decision did is undone (the new decision may do it again)."""
    model = {ItemKind.POST: Post, ItemKind.DOCUMENT: Document}.get(case.item_kind)
    item = session.get(model, case.item_id) if model else None
    if item is not None and case.decision in ("hide", "remove"):
        item.held, item.deleted_at = Held.VISIBLE, None
        session.add(item)
        if isinstance(item, Post):
            session.flush()
            search_index.put_post_by_id(session, item.id)
    if case.decision == "suspend" and (author := session.get(User, case.author_id)) and author.status == Status.SUSPENDED:
        author.status, author.status_reason, author.suspended_until = Status.APPROVED, "", None
        session.add(author)
    if case.decision == "close" and (workspace := session.get(Workspace, case.workspace_id)) and workspace.lifecycle == Lifecycle.CLOSED:
        workspace.lifecycle, workspace.closed_reason, workspace.closed_by, workspace.closed_at = Lifecycle.ACTIVE, "", None, None
        session.add(workspace)


def _tell(session: Session, case: ModerationCase, decision: str, reason: str, appeal: bool) -> None:
    """The author hears a decision that affects them (in the app and by e-mail); reporters hear the outcome."""
    link = f"/moderation/cases/{case.id}"
    if case.author_id and (decision in AFFECTING or appeal):
        notifications.notify(session, user_id=case.author_id, kind="moderation_decision", link=link, item=excerpt_for(case.excerpt), decision=decision, reason=reason)
    reporters = sorted(set(session.exec(select(Report.reporter_id).where(Report.case_id == case.id)).all()) - {case.author_id})
    notifications.notify_many(session, user_ids=reporters, kind="report_outcome", link="/notifications", item=excerpt_for(case.excerpt), decision=decision)


def suspend(session: Session, viewer: Viewer, user_id: int | None, reason: str, until: datetime | None) -> User:
    """Suspend a member (until a day, or until lifted): their sessions end at once and they are told why by e-mail."""
    user = session.get(User, user_id) if user_id else None
    if user is None or user.status != Status.APPROVED:
        raise Refused(N_("This cannot be done to an account in its current state."))
    if user.id == viewer.id:
        raise Refused(N_("You cannot do this to your own account."))
    user.status, user.status_reason, user.suspended_until = Status.SUSPENDED, reason, until
    session.add(user)
    sessions.revoke_all(user.id, session=session)
    mail.queue(
        recipient=user.email,
        subject=t("Your membership was suspended", user.language),
        body=t("Hello {name},\n\nyour membership was suspended for this reason:\n\n{reason}\n", user.language, name=user.name, reason=reason),
        session=session,
    )
    return user


def close(session: Session, viewer: Viewer, workspace: Workspace | None, reason: str) -> Workspace:
    """Close a workspace: read-only with the reason shown; its members are told and may take their own files during the grace period."""
    if workspace is None or workspace.lifecycle in (Lifecycle.CLOSED, Lifecycle.DELETED):
        raise Refused(N_("This cannot be done to a workspace in its current state."))
    workspace.lifecycle, workspace.closed_reason, workspace.closed_by, workspace.closed_at = Lifecycle.CLOSED, reason, viewer.id, utcnow()
    session.add(workspace)
    members = list(session.exec(select(Membership.user_id).where(Membership.workspace_id == workspace.id)).all())
    notifications.notify_many(session, user_ids=members, kind="workspace_closed", link=f"/workspaces/{workspace.id}", workspace=workspace, reason=reason, days=instance.effective().closed_grace_days)
    return workspace


def close_workspace(viewer: Viewer, workspace_id: int, reason: str) -> Workspace:
    """An administrator closes a workspace with a reason, without a report."""
    require_admin(viewer)
    reason = _reason(reason)
    with transaction() as session:
        workspace = workspaces.authorise(session, viewer, workspace_id, Action.READ).workspace
        close(session, viewer, workspace, reason)
        audit.record(actor_id=viewer.id, action="moderation.close", workspace_id=workspace.id, reason=reason, session=session)
        return workspace


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Invalid({"reason": N_("Give a reason: the person will receive it.")})
    if len(reason) > NOTE_MAX:
        raise Invalid({"reason": N_("Use at most 2000 characters.")})
    return reason


def reopen(viewer: Viewer, workspace_id: int, reason: str) -> Workspace:
    """An administrator reopens a closed workspace; its members are told."""
    require_admin(viewer)
    reason = _reason(reason)
    with transaction() as session:
        workspace = workspaces.authorise(session, viewer, workspace_id, Action.READ).workspace
        if workspace.lifecycle != Lifecycle.CLOSED:
            raise Refused(NOT_CLOSED)
        workspace.lifecycle, workspace.closed_reason, workspace.closed_by, workspace.closed_at = Lifecycle.ACTIVE, "", None, None
        session.add(workspace)
        audit.record(actor_id=viewer.id, action="moderation.reopen", workspace_id=workspace.id, reason=reason, session=session)
        members = list(session.exec(select(Membership.user_id).where(Membership.workspace_id == workspace.id)).all())
        notifications.notify_many(session, user_ids=members, kind="workspace_reopened", link=f"/workspaces/{workspace.id}", workspace=workspace)
        return workspace


def delete_closed(viewer: Viewer, workspace_id: int) -> int:
    """After the grace period an administrator deletes a closed workspace's content and stored files; the row stays for the record.

    Returns how many documents were deleted.
    """
    require_admin(viewer)
    with transaction() as session:
        workspace = workspaces.authorise(session, viewer, workspace_id, Action.READ).workspace
        if workspace.lifecycle != Lifecycle.CLOSED or workspace.closed_at is None:
            raise Refused(NOT_CLOSED)
        if utcnow() < workspace.closed_at + timedelta(days=instance.effective().closed_grace_days):
            raise Refused(GRACE_NOT_OVER)
        library = list(session.exec(select(Document).where(Document.workspace_id == workspace_id)).all())
        keys = documents.purge(session, library)
        session.flush()
        thread_ids = list(session.exec(select(Thread.id).where(Thread.workspace_id == workspace_id)).all())
        post_ids = list(session.exec(select(Post.id).where(col(Post.thread_id).in_(thread_ids or [0]))).all())
        for model, condition in (
            (PostAttachment, col(PostAttachment.post_id).in_(post_ids or [0])),
            (PostRevision, col(PostRevision.post_id).in_(post_ids or [0])),
            (ThreadReader, col(ThreadReader.thread_id).in_(thread_ids or [0])),
            (Draft, col(Draft.place).in_([f"thread-{i}" for i in thread_ids] + [f"workspace-{workspace_id}"])),
        ):
            session.exec(delete_rows(model).where(condition))
        session.exec(delete_rows(Post).where(col(Post.id).in_(post_ids or [0])))
        search_index.forget_workspace_content(session, workspace_id)
        for model in (Thread, Folder, Event, Membership, Invitation, JoinRequest):
            session.exec(delete_rows(model).where(model.workspace_id == workspace_id))
        workspace.lifecycle, workspace.description = Lifecycle.DELETED, ""
        session.add(workspace)
        audit.record(actor_id=viewer.id, action="moderation.delete_workspace", workspace_id=workspace_id, reason=workspace.closed_reason, session=session)
    documents.delete_objects(keys)
    return len(library)


@dataclasses.dataclass(frozen=True)
class CasePage:
    """A decision as the affected member reads it: what, why, and whether they may still appeal."""

    case: ModerationCase
    can_appeal: bool
    appeal_until: datetime | None


def own_case(viewer: Viewer | None, case_id: int) -> CasePage:
    """The decision about the viewer's item (suspended members too), with the appeal they may still make."""
    if viewer is None:
        raise Refused(permissions.LOG_IN)
    with transaction() as session:
        case = session.get(ModerationCase, case_id) if workspaces.is_id(case_id) else None
        if case is None or case.author_id != viewer.id or case.status == CaseStatus.OPEN or case.decision not in AFFECTING:
            raise Refused(CASE_MISSING)
        deadline = case.decided_at + timedelta(days=APPEAL_DAYS) if case.decided_at else None
        can_appeal = case.status == CaseStatus.DECIDED and case.appealed_at is None and deadline is not None and utcnow() <= deadline
        return CasePage(case, can_appeal, deadline)


def appeal(viewer: Viewer | None, case_id: int, note: str = "") -> ModerationCase:
    """The affected member appeals once, within 14 days: the case returns to the queue for another administrator."""
    if viewer is None:
        raise Refused(permissions.LOG_IN)
    if viewer.status not in (Status.APPROVED, Status.SUSPENDED):
        raise Refused(CASE_MISSING)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid({"note": N_("Use at most 2000 characters.")})
    with transaction() as session:
        case = session.get(ModerationCase, case_id) if workspaces.is_id(case_id) else None
        if case is None or case.author_id != viewer.id:
            raise Refused(CASE_MISSING)
        if case.appealed_at is not None:
            raise Refused(ALREADY_APPEALED)
        if case.status != CaseStatus.DECIDED or case.decision not in AFFECTING:
            raise Refused(NOT_APPEALABLE)
        if utcnow() > case.decided_at + timedelta(days=APPEAL_DAYS):
            raise Refused(APPEAL_LATE)
        case.status, case.appealed_at, case.appeal_note = CaseStatus.APPEALED, utcnow(), note
        session.add(case)
        audit.record(actor_id=viewer.id, action="moderation.appeal", target_user_id=viewer.id, workspace_id=case.workspace_id, reason=note, session=session)
        return case


def set_premoderation(viewer: Viewer, workspace_id: int, days: int) -> Workspace:
    """Owners set how many days new members' posts and documents wait for approval in their workspace (0: off)."""
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
        raise Invalid({"premoderation_days": N_("Enter a number of days from 0 to 365.")})
    with transaction() as session:
        workspace = workspaces.authorise(session, viewer, workspace_id, Action.OWN).workspace
        workspace.premoderation_days = days
        session.add(workspace)
        return workspace


def end_sessions(viewer: Viewer, user_id: int) -> User:
    """An administrator logs a member out everywhere."""
    require_admin(viewer)
    with transaction() as session:
        user = session.get(User, user_id) if workspaces.is_id(user_id) else None
        if user is None:
            raise Refused(N_("This person does not exist."))
        sessions.revoke_all(user.id, session=session)
        audit.record(actor_id=viewer.id, action="sessions.end", target_user_id=user.id, session=session)
        return user


def lift_suspensions() -> int:
    """Reinstate members whose time-limited suspension has ended; returns how many."""
    with transaction() as session:
        ended = session.exec(select(User.id).where(User.status == Status.SUSPENDED, col(User.suspended_until).is_not(None), col(User.suspended_until) <= utcnow())).all()
    return sum(1 for user_id in ended if sessions.lift_suspension(user_id) is not None)
