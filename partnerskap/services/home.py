"""A member's home: their workspaces, what happened in them since their last visit, what waits for them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import (
    AuthSession,
    Document,
    Event,
    Invitation,
    JoinRequest,
    Membership,
    Post,
    Status,
    Thread,
    ThreadReader,
    User,
    Workspace,
    WorkspaceRole,
)
from partnerskap.models.base import utcnow
from partnerskap.services import discussions, workspaces
from partnerskap.services.permissions import require_member
from partnerskap.services.sessions import Viewer

FIRST_VISIT = timedelta(days=7)  # what a member who never left sees as "since the last visit"
OLDEST_NEWS = timedelta(days=30)
ACTIVITY_LIMIT = 30
UPCOMING_LIMIT = 5
MANAGERS = (WorkspaceRole.OWNER, WorkspaceRole.MODERATOR)
ACTIVITY_MESSAGES = {
    "thread": N_("{who} started the discussion \"{title}\""),
    "reply": N_("{who} replied in \"{title}\""),
    "replies": N_("{count} new replies in \"{title}\""),
    "document": N_("{who} added the document \"{title}\""),
    "event": N_("{who} added the event \"{title}\""),
    "joined": N_("{who} joined the workspace"),
}


@dataclasses.dataclass(frozen=True)
class MyWorkspace:
    """A workspace the member belongs to, and how many of its discussions have posts they have not read."""

    workspace: Workspace
    role: str
    unread_threads: int


@dataclasses.dataclass(frozen=True)
class Activity:
    """Something that happened in one of the member's workspaces: a new discussion, replies, a document, an event, a member."""

    kind: str  # a key of ACTIVITY_MESSAGES
    at: datetime
    who: str
    title: str
    count: int
    workspace: Workspace
    link: str


@dataclasses.dataclass(frozen=True)
class Home:
    """Everything a member's home shows, read in one transaction."""

    since: datetime
    workspaces: list[MyWorkspace]
    activity: list[Activity]
    invitations: list[tuple[Invitation, Workspace]]
    requests: list[tuple[JoinRequest, Workspace]]
    upcoming: list[tuple[Event, Workspace]]
    requests_to_decide: int
    applicants_waiting: int


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def home(viewer: Viewer) -> Home:
    """The member's home: workspaces with unread counts, news since the last visit, invitations, requests, events, and what waits for them."""
    require_member(viewer)
    now = utcnow()
    with transaction() as session:
        since = _last_visit(session, viewer, now)
        mine = session.exec(
            select(Workspace, Membership.role)
            .join(Membership, col(Membership.workspace_id) == col(Workspace.id))
            .where(Membership.user_id == viewer.id)
            .order_by(col(Workspace.last_activity_at).desc())
        ).all()
        by_id = {workspace.id: workspace for workspace, _role in mine}
        unread = _unread_threads(session, viewer, list(by_id))
        managed = [workspace.id for workspace, role in mine if role in MANAGERS]
        return Home(
            since=since,
            workspaces=[MyWorkspace(workspace, role, unread.get(workspace.id, 0)) for workspace, role in mine],
            activity=_activity(session, viewer, by_id, since),
            invitations=list(
                session.exec(
                    select(Invitation, Workspace)
                    .join(Workspace, col(Workspace.id) == col(Invitation.workspace_id))
                    .where(workspaces.invitation_reaches(viewer), Invitation.status == "pending", Invitation.expires_at > now)
                ).all()
            ),
            requests=list(
                session.exec(
                    select(JoinRequest, Workspace)
                    .join(Workspace, col(Workspace.id) == col(JoinRequest.workspace_id))
                    .where(JoinRequest.user_id == viewer.id, JoinRequest.status == "pending")
                ).all()
            ),
            upcoming=list(
                session.exec(
                    select(Event, Workspace)
                    .join(Workspace, col(Workspace.id) == col(Event.workspace_id))
                    .where(col(Event.workspace_id).in_(list(by_id) or [0]), Event.ends_at >= now)
                    .order_by(Event.starts_at)
                    .limit(UPCOMING_LIMIT)
                ).all()
            ),
            requests_to_decide=session.exec(
                select(func.count()).select_from(JoinRequest).where(col(JoinRequest.workspace_id).in_(managed or [0]), JoinRequest.status == "pending")
            ).one(),
            applicants_waiting=session.exec(select(func.count()).select_from(User).where(User.status == Status.PENDING)).one() if viewer.is_admin else 0,
        )


def _last_visit(session: Session, viewer: Viewer, now: datetime) -> datetime:
    """When the member was last here: the last moment of their previous session (a week ago if none, a month at most)."""
    previous = session.exec(
        select(AuthSession.last_seen_at).where(AuthSession.user_id == viewer.id).order_by(col(AuthSession.created_at).desc()).offset(1).limit(1)
    ).first()
    return max(_aware(previous), now - OLDEST_NEWS) if previous else now - FIRST_VISIT


def _unread_threads(session: Session, viewer: Viewer, workspace_ids: list[int]) -> dict[int, int]:
    """How many discussions of each workspace have posts newer than the member has read (noted marks count as read)."""
    newest = select(func.max(Post.id)).where(col(Post.thread_id) == col(Thread.id)).correlate(Thread).scalar_subquery()
    rows = session.exec(
        select(Thread.id, Thread.workspace_id, ThreadReader.last_read_post_id, newest)
        .join(ThreadReader, (col(ThreadReader.thread_id) == col(Thread.id)) & (col(ThreadReader.user_id) == viewer.id), isouter=True)
        .where(col(Thread.workspace_id).in_(workspace_ids or [0]))
    ).all()
    noted = discussions.noted_reads(viewer.id)
    counts: dict[int, int] = {}
    for thread_id, workspace_id, last_read, newest_post in rows:
        if max(last_read or 0, noted.get(thread_id, 0)) < (newest_post or 0):
            counts[workspace_id] = counts.get(workspace_id, 0) + 1
    return counts


def _activity(session: Session, viewer: Viewer, places: dict[int, Workspace], since: datetime) -> list[Activity]:
    """What others did in the member's workspaces since `since`, newest first; replies to one discussion are one item.

    A workspace's creator belongs to it from its start: that is no news of someone joining.
    """
    ids = list(places) or [0]
    found: list[Activity] = []
    for thread, who in session.exec(
        select(Thread, User.name).join(User, col(User.id) == col(Thread.author_id)).where(col(Thread.workspace_id).in_(ids), Thread.created_at > since, Thread.author_id != viewer.id)
    ).all():
        found.append(Activity("thread", _aware(thread.created_at), who, thread.title, 1, places[thread.workspace_id], f"/threads/{thread.id}"))
    opening = select(func.min(Post.id)).where(col(Post.thread_id) == col(Thread.id)).correlate(Thread).scalar_subquery()
    for thread, count, latest, who in session.exec(
        select(Thread, func.count(col(Post.id)), func.max(Post.created_at), func.max(User.name))
        .join(Post, col(Post.thread_id) == col(Thread.id))
        .join(User, col(User.id) == col(Post.author_id))
        .where(
            col(Thread.workspace_id).in_(ids),
            Post.created_at > since,
            Post.author_id != viewer.id,
            col(Post.deleted_at).is_(None),
            col(Post.id) != opening,
        )
        .group_by(col(Thread.id))
    ).all():
        found.append(Activity("reply" if count == 1 else "replies", _aware(latest), who, thread.title, count, places[thread.workspace_id], f"/threads/{thread.id}"))
    for document, who in session.exec(
        select(Document, User.name)
        .join(User, col(User.id) == col(Document.created_by))
        .where(col(Document.workspace_id).in_(ids), Document.created_at > since, Document.created_by != viewer.id, col(Document.deleted_at).is_(None))
    ).all():
        found.append(Activity("document", _aware(document.created_at), who, document.name, 1, places[document.workspace_id], f"/workspaces/{document.workspace_id}/documents"))
    for event, who in session.exec(
        select(Event, User.name).join(User, col(User.id) == col(Event.created_by)).where(col(Event.workspace_id).in_(ids), Event.created_at > since, Event.created_by != viewer.id)
    ).all():
        found.append(Activity("event", _aware(event.created_at), who, event.title, 1, places[event.workspace_id], f"/workspaces/{event.workspace_id}"))
    for membership, who in session.exec(
        select(Membership, User.name)
        .join(User, col(User.id) == col(Membership.user_id))
        .join(Workspace, col(Workspace.id) == col(Membership.workspace_id))
        .where(col(Membership.workspace_id).in_(ids), Membership.joined_at > since, Membership.user_id != viewer.id, Membership.user_id != Workspace.created_by)
    ).all():
        found.append(Activity("joined", _aware(membership.joined_at), who, "", 1, places[membership.workspace_id], f"/workspaces/{membership.workspace_id}/members"))
    found.sort(key=lambda activity: activity.at, reverse=True)
    return found[:ACTIVITY_LIMIT]
