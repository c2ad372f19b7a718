"""A member's home: their workspaces, what happened in them since their last visit, what waits for them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, func
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


# Prebuilt statements (values bound at each call): building them anew cost more than running them.
_ME, _IDS, _SINCE, _NOW = bindparam("me"), bindparam("ids", expanding=True), bindparam("since"), bindparam("now")
_MINE = (
    select(Workspace, Membership.role)
    .join(Membership, col(Membership.workspace_id) == col(Workspace.id))
    .where(Membership.user_id == _ME)
    .order_by(col(Workspace.last_activity_at).desc())
)
_PREVIOUS_SESSION_END = select(AuthSession.last_seen_at).where(AuthSession.user_id == _ME).order_by(col(AuthSession.created_at).desc()).offset(1).limit(1)
_NEWEST_POST = select(func.max(Post.id)).where(col(Post.thread_id) == col(Thread.id)).correlate(Thread).scalar_subquery()
_READ_MARKS = (
    select(Thread.id, Thread.workspace_id, ThreadReader.last_read_post_id, _NEWEST_POST)
    .join(ThreadReader, (col(ThreadReader.thread_id) == col(Thread.id)) & (col(ThreadReader.user_id) == _ME), isouter=True)
    .where(col(Thread.workspace_id).in_(_IDS))
)
_NEW_THREADS = (
    select(Thread.id, Thread.workspace_id, Thread.title, Thread.created_at, User.name)
    .join(User, col(User.id) == col(Thread.author_id))
    .where(col(Thread.workspace_id).in_(_IDS), Thread.created_at > _SINCE, Thread.author_id != _ME)
)
# The recent posts by their created_at index, then each one's thread by its key (`+ 0` keeps SQLite from walking every
# post of every thread instead).
_NEW_POSTS = (
    select(Thread.id, Thread.workspace_id, Thread.title, Thread.created_at, Thread.author_id, Post.created_at, User.name)
    .join(Thread, col(Thread.id) == col(Post.thread_id) + 0)
    .join(User, col(User.id) == col(Post.author_id))
    .where(Post.created_at > _SINCE, Post.author_id != _ME, col(Post.deleted_at).is_(None), col(Thread.workspace_id).in_(_IDS))
)
_NEW_DOCUMENTS = (
    select(Document.workspace_id, Document.name, Document.created_at, User.name)
    .join(User, col(User.id) == col(Document.created_by))
    .where(col(Document.workspace_id).in_(_IDS), Document.created_at > _SINCE, Document.created_by != _ME, col(Document.deleted_at).is_(None))
)
_NEW_EVENTS = (
    select(Event.workspace_id, Event.title, Event.created_at, User.name)
    .join(User, col(User.id) == col(Event.created_by))
    .where(col(Event.workspace_id).in_(_IDS), Event.created_at > _SINCE, Event.created_by != _ME)
)
# A workspace's creator belongs to it from its start: that is no news of someone joining.
_NEW_MEMBERS = (
    select(Membership.workspace_id, Membership.joined_at, User.name)
    .join(User, col(User.id) == col(Membership.user_id))
    .join(Workspace, col(Workspace.id) == col(Membership.workspace_id))
    .where(col(Membership.workspace_id).in_(_IDS), Membership.joined_at > _SINCE, Membership.user_id != _ME, Membership.user_id != Workspace.created_by)
)
_MY_REQUESTS = (
    select(JoinRequest, Workspace).join(Workspace, col(Workspace.id) == col(JoinRequest.workspace_id)).where(JoinRequest.user_id == _ME, JoinRequest.status == "pending")
)
_UPCOMING = (
    select(Event, Workspace)
    .join(Workspace, col(Workspace.id) == col(Event.workspace_id))
    .where(col(Event.workspace_id).in_(_IDS), Event.ends_at >= _NOW)
    .order_by(Event.starts_at)
    .limit(UPCOMING_LIMIT)
)
_REQUESTS_TO_DECIDE = select(func.count()).select_from(JoinRequest).where(col(JoinRequest.workspace_id).in_(_IDS), JoinRequest.status == "pending")
_APPLICANTS_WAITING = select(func.count()).select_from(User).where(User.status == Status.PENDING)


def home(viewer: Viewer) -> Home:
    """The member's home: workspaces with unread counts, news since the last visit, invitations, requests, events, and what waits for them."""
    require_member(viewer)
    now = utcnow()
    with transaction() as session:
        previous = session.exec(_PREVIOUS_SESSION_END, params={"me": viewer.id}).first()
        since = max(_aware(previous), now - OLDEST_NEWS) if previous else now - FIRST_VISIT
        mine = session.exec(_MINE, params={"me": viewer.id}).all()
        places = {workspace.id: workspace for workspace, _role in mine}
        mine_and_since = {"me": viewer.id, "ids": list(places), "since": since}
        unread = _unread_threads(session.exec(_READ_MARKS, params=mine_and_since).all(), discussions.noted_reads(viewer.id))
        return Home(
            since=since,
            workspaces=[MyWorkspace(workspace, role, unread.get(workspace.id, 0)) for workspace, role in mine],
            activity=_activity(session, viewer, places, mine_and_since),
            invitations=list(
                session.exec(
                    select(Invitation, Workspace)
                    .join(Workspace, col(Workspace.id) == col(Invitation.workspace_id))
                    .where(workspaces.invitation_reaches(viewer), Invitation.status == "pending", Invitation.expires_at > now)
                ).all()
            ),
            requests=list(session.exec(_MY_REQUESTS, params={"me": viewer.id}).all()),
            upcoming=list(session.exec(_UPCOMING, params={"ids": list(places), "now": now}).all()),
            requests_to_decide=session.exec(_REQUESTS_TO_DECIDE, params={"ids": [workspace.id for workspace, role in mine if role in MANAGERS]}).one(),
            applicants_waiting=session.exec(_APPLICANTS_WAITING).one() if viewer.is_admin else 0,
        )


def _unread_threads(rows: list, noted: dict[int, int]) -> dict[int, int]:
    """How many discussions of each workspace have posts newer than the member has read (noted marks count as read)."""
    counts: dict[int, int] = {}
    for thread_id, workspace_id, last_read, newest_post in rows:
        if max(last_read or 0, noted.get(thread_id, 0)) < (newest_post or 0):
            counts[workspace_id] = counts.get(workspace_id, 0) + 1
    return counts


def _activity(session: Session, viewer: Viewer, places: dict[int, Workspace], mine_and_since: dict) -> list[Activity]:
    """What others did in the member's workspaces since their last visit, newest first; replies to one discussion are one item."""
    since = mine_and_since["since"]
    found = [
        Activity("thread", _aware(created_at), who, title, 1, places[workspace_id], f"/threads/{thread_id}")
        for thread_id, workspace_id, title, created_at, who in session.exec(_NEW_THREADS, params=mine_and_since).all()
    ]
    # A thread's opening post is among the new posts, and is taken off again for a discussion that is itself news.
    replies: dict[int, list] = {}
    for thread_id, workspace_id, title, created_at, author_id, posted_at, who in session.exec(_NEW_POSTS, params=mine_and_since).all():
        seen = replies.setdefault(thread_id, [workspace_id, title, -1 if _aware(created_at) > since and author_id != viewer.id else 0, posted_at, who])
        seen[2] += 1
        if posted_at >= seen[3]:
            seen[3], seen[4] = posted_at, who
    found += [
        Activity("reply" if count == 1 else "replies", _aware(latest), who, title, count, places[workspace_id], f"/threads/{thread_id}")
        for thread_id, (workspace_id, title, count, latest, who) in replies.items()
        if count > 0
    ]
    found += [
        Activity("document", _aware(created_at), who, name, 1, places[workspace_id], f"/workspaces/{workspace_id}/documents")
        for workspace_id, name, created_at, who in session.exec(_NEW_DOCUMENTS, params=mine_and_since).all()
    ]
    found += [
        Activity("event", _aware(created_at), who, title, 1, places[workspace_id], f"/workspaces/{workspace_id}")
        for workspace_id, title, created_at, who in session.exec(_NEW_EVENTS, params=mine_and_since).all()
    ]
    found += [
        Activity("joined", _aware(joined_at), who, "", 1, places[workspace_id], f"/workspaces/{workspace_id}/members")
        for workspace_id, joined_at, who in session.exec(_NEW_MEMBERS, params=mine_and_since).all()
    ]
    found.sort(key=lambda activity: activity.at, reverse=True)
    return found[:ACTIVITY_LIMIT]
