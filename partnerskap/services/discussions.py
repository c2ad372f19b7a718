"""Discussions in every place (workspaces, networks, open areas, private conversations): threads, replies, quoting,
editing with history, mentions, pins, drafts and unread marks."""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, case, func, insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update
from sqlmodel import delete as delete_rows

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.memory import Noted
from partnerskap.models import Document, Draft, Held, ItemKind, Lifecycle, Membership, Post, PostAttachment, PostRevision, Thread, ThreadReader, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import markdown, notifications, permissions, places, premoderation, search_index, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import Action, require_member
from partnerskap.services.sessions import Viewer

TITLE_MAX = 200
BODY_MAX = 20000
PAGE_SIZE = 20  # posts on a thread's first page and on each earlier page, as Discourse loads them
KEY_MAX = 64
HIDDEN_THREAD = N_("This discussion does not exist or you do not have access to it.")
Place = permissions.WorkspacePlace | permissions.NetworkPlace | permissions.AreaPlace | permissions.ConversationPlace


@dataclasses.dataclass(frozen=True)
class ThreadRow:
    """A thread in a workspace's list, with whether the viewer has unread posts in it."""

    thread: Thread
    author: str
    unread: bool


class PostRow(NamedTuple):
    """A post's columns, read as plain rows (building ORM entities for every post shown cost more than the query)."""

    id: int
    thread_id: int
    author_id: int
    body: str
    html: str
    quote_of: int | None
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    held: str


@dataclasses.dataclass(frozen=True)
class PostView:
    """A post ready to show: rendered HTML, never raw markdown as HTML."""

    post: PostRow
    author: str
    organisation: str
    html: str
    mine: bool
    attachments: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    picture: str = ""  # the author's picture's storage key

    @property
    def id(self) -> int:
        """The post's id."""
        return self.post.id


# Statements every open thread runs many times a minute are built once: building one costs more than running it.
_ROLE_IN_THREADS_WORKSPACE = (
    select(Membership.role)
    .join(Thread, col(Thread.workspace_id) == col(Membership.workspace_id))
    .where(col(Thread.id) == bindparam("thread_id"), col(Membership.user_id) == bindparam("user_id"))
)
_POSTS_WITH_AUTHORS = select(*(getattr(Post, name) for name in PostRow._fields), User.name, User.organisation, User.avatar_key).join(User, col(User.id) == col(Post.author_id)).where(col(Post.thread_id) == bindparam("thread_id"))
_ONE_POST = _POSTS_WITH_AUTHORS.where(col(Post.id) == bindparam("post_id"))
_NEWEST_POSTS = _POSTS_WITH_AUTHORS.order_by(col(Post.id).desc()).limit(bindparam("limit"))
_POSTS_BEFORE = _POSTS_WITH_AUTHORS.where(col(Post.id) < bindparam("before_id")).order_by(col(Post.id).desc()).limit(bindparam("limit"))
_POSTS_AFTER = _POSTS_WITH_AUTHORS.where(col(Post.id) > bindparam("after_id")).order_by(col(Post.id)).limit(500)
_MOVE_READ_MARK = (
    update(ThreadReader)
    .where(col(ThreadReader.thread_id) == bindparam("in_thread"), col(ThreadReader.user_id) == bindparam("of_user"), col(ThreadReader.last_read_post_id) < bindparam("below"))
    .values(last_read_post_id=bindparam("read_up_to"))
)
_EARLIER_POST_AND_THREAD = select(Post.id, Post.thread_id).where(col(Post.author_id) == bindparam("author_id"), col(Post.idempotency_key) == bindparam("key"))
_THREAD_PLACE = (
    select(Thread, Workspace, Membership.role)
    .join(Workspace, col(Workspace.id) == col(Thread.workspace_id), isouter=True)
    .join(Membership, (col(Membership.workspace_id) == col(Thread.workspace_id)) & (col(Membership.user_id) == bindparam("user_id")), isouter=True)
    .where(col(Thread.id) == bindparam("thread_id"))
)
_FOLLOWERS = select(ThreadReader.user_id).where(col(ThreadReader.thread_id) == bindparam("thread_id"), col(ThreadReader.following).is_(True))
_NEW_POST = insert(Post).returning(Post.id)
_THREAD_GREW = update(Thread).where(col(Thread.id) == bindparam("thread_id")).values(last_post_at=bindparam("at"), post_count=col(Thread.post_count) + 1)
_FOLLOW = (
    update(ThreadReader)
    .where(col(ThreadReader.thread_id) == bindparam("in_thread"), col(ThreadReader.user_id) == bindparam("of_user"))
    .values(following=True, last_read_post_id=case((col(ThreadReader.last_read_post_id) < bindparam("read_up_to"), bindparam("read_up_to")), else_=col(ThreadReader.last_read_post_id)))
)
# A reader's row unless one is there already: a reply may add its author's while the read marks are being saved.
_NEW_READER_UNLESS_THERE = {
    dialect: dialect_insert(ThreadReader).on_conflict_do_nothing(index_elements=["thread_id", "user_id"])
    for dialect, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}
# The same, saying whether it added the row (psycopg's row count is -1 for it, so the row's id is asked back).
_NEW_READER_ADDED = {dialect: statement.returning(ThreadReader.id) for dialect, statement in _NEW_READER_UNLESS_THERE.items()}
_CLEAR_DRAFT = delete_rows(Draft).where(col(Draft.user_id) == bindparam("user_id"), col(Draft.place) == bindparam("place"))
_read_marks = Noted("read marks", holds="how far each member has read each thread ((thread, member) -> newest post read), until saved")
_ATTACHMENTS_OF_POSTS = select(PostAttachment.post_id, PostAttachment.document_id).where(col(PostAttachment.post_id).in_(bindparam("post_ids", expanding=True)))
_ATTACHABLE = (
    select(Document.id, Document.name).where(col(Document.workspace_id) == bindparam("workspace_id"), col(Document.deleted_at).is_(None)).order_by(Document.name).limit(500)
)
# A private conversation's attachments come from the writer's own workspaces.
_OWN_DOCUMENTS = (
    select(Document.id, Document.name)
    .join(Membership, col(Membership.workspace_id) == col(Document.workspace_id))
    .join(Workspace, col(Workspace.id) == col(Document.workspace_id))
    .where(
        col(Membership.user_id) == bindparam("user_id"),
        col(Document.deleted_at).is_(None),
        col(Document.held) == Held.VISIBLE,
        col(Workspace.lifecycle).in_([Lifecycle.PREPARING, Lifecycle.ACTIVE, Lifecycle.ARCHIVED]),
    )
)
_ATTACHABLE_OF_MEMBER = _OWN_DOCUMENTS.order_by(col(Document.id).desc()).limit(200)
_OWN_DOCUMENT = _OWN_DOCUMENTS.where(col(Document.id) == bindparam("document_id"))
_DRAFT = select(Draft.body).where(col(Draft.user_id) == bindparam("user_id"), col(Draft.place) == bindparam("place"))
_LIVE_DOCUMENT_NAMES = select(Document.id, Document.name).where(col(Document.id).in_(bindparam("document_ids", expanding=True)), col(Document.deleted_at).is_(None))


POST_MISSING = N_("This post does not exist.")
ONLY_SAME_WORKSPACE = N_("Only documents of the same workspace can be attached.")


def new_key() -> str:
    """A fresh idempotency key for the next post: the browser sends it with the post, so a retry is recognised."""
    return secrets.token_hex(16)


def _check_body(body: str, field: str = "body") -> str:
    body = body.strip()
    if not body:
        raise Invalid({field: N_("Write something first.")})
    if len(body) > BODY_MAX:
        raise Invalid({field: N_("Use at most 20000 characters.")})
    return body


def check_key(key: str) -> str:
    """The idempotency key a browser sent, or a refusal."""
    if not isinstance(key, str) or not 8 <= len(key) <= KEY_MAX:
        raise Refused(N_("The request was not understood."))
    return key


def _thread(session: Session, thread_id: int) -> Thread:
    thread = session.get(Thread, thread_id) if workspaces.is_id(thread_id) else None
    if thread is None:
        raise Refused(HIDDEN_THREAD)
    return thread


def thread_place(session: Session, viewer: Viewer, thread_id: int, action: Action = Action.READ, *, author_id: int | None = None) -> tuple[Thread, Place]:
    """The thread and its place (a workspace read with it), if the policy allows the viewer the action (on an item by `author_id`).

    A thread that does not exist and one the viewer may not read get the same refusal.
    """
    require_member(viewer)
    found = session.exec(_THREAD_PLACE, params={"thread_id": thread_id, "user_id": viewer.id}).first() if workspaces.is_id(thread_id) else None
    if found is None:
        raise Refused(HIDDEN_THREAD)
    thread, workspace, role = found
    place = workspaces.place_for(session, viewer, workspace, role) if workspace is not None else places.load(session, viewer.id, *places.of_thread(thread))
    if place is None or not permissions.decide(viewer, Action.READ, place):
        raise Refused(HIDDEN_THREAD)
    permissions.require(viewer, action, place, author_id=author_id)
    return thread, place


def _require_reader(session: Session, viewer: Viewer, thread_id: int) -> None:
    """Refuse unless the viewer may read the thread: a member of its workspace (one narrow query on the way in), or by its place's rules."""
    require_member(viewer)
    found = session.connection().execute(_ROLE_IN_THREADS_WORKSPACE, {"thread_id": thread_id, "user_id": viewer.id}).first() if workspaces.is_id(thread_id) else None
    if found is None:
        thread_place(session, viewer, thread_id)  # an administrator moderating passes; anyone else is refused with the reason


def _notify_mentions(session: Session, viewer: Viewer, place: Place, thread: Thread, post_id: int, body: str) -> set[int]:
    mentioned = places.readers_among(session, *places.of_thread(thread), markdown.mentioned_ids(body) - {viewer.id})
    notifications.notify_many(
        session, user_ids=sorted(mentioned), kind="mention", actor=viewer.name, workspace=places.workspace_of(place), thread=thread.title, link=f"/threads/{thread.id}#post-{post_id}"
    )
    return mentioned


def _follow(session: Session, thread_id: int, user_id: int, read_up_to: int) -> None:
    connection = session.connection()
    moved = {"in_thread": thread_id, "of_user": user_id, "read_up_to": read_up_to}
    if connection.execute(_FOLLOW, moved).rowcount:
        return
    # The read marks being saved meanwhile may add the row first: then it is there to update (a plain insert failed the reply).
    added = {"thread_id": thread_id, "user_id": user_id, "last_read_post_id": read_up_to, "following": True}
    if connection.execute(_NEW_READER_ADDED[connection.dialect.name], added).first() is None:
        connection.execute(_FOLLOW, moved)


def _existing(author_id: int, key: str) -> tuple[int, int] | None:
    """The (post, thread) an earlier send with this key saved, if any."""
    with transaction() as session:
        return session.connection().execute(_EARLIER_POST_AND_THREAD, {"author_id": author_id, "key": key}).first()


def sent_before(session: Session, author_id: int, key: str) -> Thread | None:
    """The thread an earlier send with this key opened or replied in, if any."""
    found = session.connection().execute(_EARLIER_POST_AND_THREAD, {"author_id": author_id, "key": key}).first()
    return session.get(Thread, found[1]) if found else None


def _earlier(session: Session, author_id: int, key: str) -> int | None:
    """The post an earlier send with this key saved, if any."""
    return session.connection().execute(_EARLIER_POST_AND_THREAD, {"author_id": author_id, "key": key}).scalar()


def start_thread(
    viewer: Viewer, place_id: int, title: str, body: str, key: str, *, kind: str = "workspace", participants: tuple[int, ...] = (), mentions: tuple[int, ...] = ()
) -> Thread:
    """Open a discussion in a place (a workspace unless `kind` says otherwise); sending the same key again returns the same thread.

    `participants` follow the thread from its start (the members of a private conversation); `mentions` as in `reply`.
    """
    key = check_key(key)
    title = " ".join(title.split())
    errors = {}
    if not title:
        errors["title"] = N_("Give the discussion a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = N_("Use at most 200 characters.")
    try:
        body = _check_body(body)
    except Invalid as invalid:
        errors.update(invalid.errors)
    if errors:
        raise Invalid(errors)
    if (earlier := _existing(viewer.id, key)) is not None:
        with transaction() as session:
            return _thread(session, earlier[1])
    if mentions or markdown.MENTION.search(body):
        with transaction() as session:
            _authorise(session, viewer, kind, place_id, Action.CONTRIBUTE)
            body = _with_mentions(session, kind, place_id, body, mentions)
    html = markdown.render(body)
    try:
        with transaction() as session:
            return open_in(session, viewer, kind, place_id, title, body, html, key, participants)
    except IntegrityError:
        if (earlier := _existing(viewer.id, key)) is not None:
            with transaction() as session:
                return _thread(session, earlier[1])
        raise


def _authorise(session: Session, viewer: Viewer, kind: str, place_id: int, action: Action) -> Place:
    """A workspace, network, area or conversation, if the policy allows the viewer the action in it."""
    if kind == "workspace":
        return workspaces.authorise(session, viewer, place_id, action)
    return places.authorise(session, viewer, kind, place_id, action)


def open_in(session: Session, viewer: Viewer, kind: str, place_id: int, title: str, body: str, html: str, key: str, participants: tuple[int, ...] = ()) -> Thread:
    """Save a new thread and its opening post in a place the viewer may write in, in the caller's transaction."""
    found = _authorise(session, viewer, kind, place_id, Action.CONTRIBUTE)
    thread = Thread(**{f"{kind}_id": place_id}, title=title, author_id=viewer.id, post_count=1)
    session.add(thread)
    session.flush()
    held = kind == "workspace" and premoderation.held_on_arrival(session, viewer, found.workspace)  # pre-moderation is a workspace's
    post = Post(thread_id=thread.id, author_id=viewer.id, body=body, html=html, idempotency_key=key, held=Held.PENDING if held else Held.VISIBLE)
    session.add(post)
    session.flush()
    if kind != "conversation":  # private messages are not searched
        search_index.put_post(session, post, thread, opening=True)
    _follow(session, thread.id, viewer.id, post.id)
    for participant in participants:
        if participant != viewer.id:
            _follow(session, thread.id, participant, 0)
    if held:  # nobody hears of a thread that waits for approval
        premoderation.hold(session, kind=ItemKind.POST, item_id=post.id, workspace_id=place_id, author_id=viewer.id, excerpt=f"{title}: {body}")
        _clear_draft(session, viewer.id, f"{kind}-{place_id}")
        workspaces.touch(session, place_id)
        return thread
    mentioned = _notify_mentions(session, viewer, found, thread, post.id, body)
    if participants:
        notifications.notify_many(
            session, user_ids=sorted(set(participants) - mentioned - {viewer.id}), kind="message", actor=viewer.name, thread=title, link=f"/threads/{thread.id}#post-{post.id}"
        )
    _clear_draft(session, viewer.id, f"{kind}-{place_id}")
    if kind == "workspace":
        workspaces.touch(session, place_id)
    return thread


def reply(
    viewer: Viewer, thread_id: int, body: str, key: str, quote_of: int | None = None, attach: int | None = None, *, after_id: int | None = None, mentions: tuple[int, ...] = ()
) -> list[PostView]:
    """Reply in a thread, optionally attaching a document of the workspace; the same key sent twice saves the post once.

    `mentions` are the members chosen in the composer, in the order chosen: their @Name in the text becomes a mention.
    Returns, read in the same transaction, the posts after `after_id` (the newest the sending tab shows), the reply
    among them; without `after_id`, the reply alone.
    """
    key = check_key(key)
    body = _check_body(body)
    if mentions or markdown.MENTION.search(body):
        with transaction() as session:
            body = _with_mentions(session, *places.of_thread(thread_place(session, viewer, thread_id)[0]), body, mentions)
    html = markdown.render(body)  # before the transaction: no other writer waits for it
    try:
        with transaction() as session:
            if (earlier := _earlier(session, viewer.id, key)) is not None:
                _require_reader(session, viewer, thread_id)
                return _replied(session, viewer, thread_id, earlier, after_id)
            return _replied(session, viewer, thread_id, _save_reply(session, viewer, thread_id, body, html, key, quote_of, attach), after_id)
    except IntegrityError:
        with transaction() as session:
            if (earlier := _earlier(session, viewer.id, key)) is None:
                raise
            _require_reader(session, viewer, thread_id)
            return _replied(session, viewer, thread_id, earlier, after_id)


MENTIONS_AT_MOST = 50


def _with_mentions(session: Session, kind: str, place_id: int, body: str, mentions: tuple[int, ...]) -> str:
    """The body as stored: @Name written for a chosen reader of the place becomes a mention, any other mention plain text."""
    chosen = [user_id for user_id in mentions[:MENTIONS_AT_MOST] if workspaces.is_id(user_id) and 0 < user_id < 2**31]
    readers = places.readers_among(session, kind, place_id, set(chosen) | markdown.mentioned_ids(body))
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(sorted(readers)))).all()) if readers else {}
    return markdown.stored(body, [(user_id, names[user_id]) for user_id in chosen if user_id in names], readers)


def preview(viewer: Viewer, thread_id: int, body: str, mentions: tuple[int, ...] = ()) -> str:
    """A reply as it will look, its chosen mentions links as they will be once sent."""
    body = body[:BODY_MAX]
    if mentions or markdown.MENTION.search(body):
        with transaction() as session:
            body = _with_mentions(session, *places.of_thread(thread_place(session, viewer, thread_id)[0]), body, mentions)
    return markdown.render(body)


def _replied(session: Session, viewer: Viewer, thread_id: int, post_id: int, after_id: int | None) -> list[PostView]:
    """The posts after `after_id` (noted read), or the reply alone (its follow already moved the read mark), ready to show."""
    if after_id is None:
        return _views(session, viewer, session.connection().execute(_ONE_POST, {"thread_id": thread_id, "post_id": post_id}).all(), marks_read=False)
    return _views(session, viewer, _rows_after(session, thread_id, after_id), marks_read=True)


def _save_reply(session: Session, viewer: Viewer, thread_id: int, body: str, html: str, key: str, quote_of: int | None, attach: int | None) -> int:
    """The new post's id, after saving it, its attachment, the thread's count, notifications, the replier's follow and read mark."""
    thread, found = thread_place(session, viewer, thread_id, Action.CONTRIBUTE)
    if quote_of is not None:
        quoted = session.get(Post, quote_of) if workspaces.is_id(quote_of) else None
        if quoted is None or quoted.thread_id != thread.id:
            raise Refused(N_("The quoted post is not in this discussion."))
    connection = session.connection()
    now = utcnow()
    held = thread.workspace_id is not None and premoderation.held_on_arrival(session, viewer, found.workspace)  # pre-moderation is a workspace's
    values = {"thread_id": thread.id, "author_id": viewer.id, "body": body, "html": html, "idempotency_key": key, "quote_of": quote_of, "created_at": now, "held": Held.PENDING if held else Held.VISIBLE}
    post_id = connection.execute(_NEW_POST, values).scalar_one()
    if thread.conversation_id is None:  # private messages are not searched
        search_index.put_post(session, Post(id=post_id, **values), thread, opening=False)
    if attach is not None:
        session.add(PostAttachment(post_id=post_id, document_id=_attachable_document(session, viewer, thread, attach)))
    connection.execute(_THREAD_GREW, {"thread_id": thread.id, "at": now})
    if held:  # nobody hears of a post that waits for approval
        premoderation.hold(session, kind=ItemKind.POST, item_id=post_id, workspace_id=thread.workspace_id, author_id=viewer.id, excerpt=body)
        _follow(session, thread.id, viewer.id, post_id)
        _clear_draft(session, viewer.id, f"thread-{thread.id}")
        return post_id
    mentioned = _notify_mentions(session, viewer, found, thread, post_id, body)
    followers = set(connection.execute(_FOLLOWERS, {"thread_id": thread.id}).scalars()) - mentioned - {viewer.id}
    notifications.notify_many(
        session,
        user_ids=sorted(places.readers_among(session, *places.of_thread(thread), followers)),
        kind="message" if thread.conversation_id is not None else "reply",
        actor=viewer.name,
        workspace=places.workspace_of(found),
        thread=thread.title,
        link=f"/threads/{thread.id}#post-{post_id}",
    )
    _follow(session, thread.id, viewer.id, post_id)
    _clear_draft(session, viewer.id, f"thread-{thread.id}")
    if thread.workspace_id is not None:
        workspaces.touch(session, thread.workspace_id)
    return post_id


def threads(viewer: Viewer, workspace_id: int, *, limit: int = 50) -> list[ThreadRow]:
    """The workspace's discussions, pinned first, then the most recently active."""
    with transaction() as session:
        workspaces.authorise(session, viewer, workspace_id, Action.READ)
        return threads_in(session, viewer, workspace_id, limit=limit)


def threads_in(session: Session, viewer: Viewer, place_id: int, *, limit: int = 50, kind: str = "workspace") -> list[ThreadRow]:
    """A place's discussions as `threads` lists them, for a caller that has authorised reading them."""
    newest = select(func.max(Post.id)).where(col(Post.thread_id) == col(Thread.id)).correlate(Thread).scalar_subquery()
    rows = session.exec(
        select(Thread, User.name, ThreadReader.last_read_post_id, newest)
        .join(User, col(User.id) == col(Thread.author_id))
        .join(ThreadReader, (col(ThreadReader.thread_id) == col(Thread.id)) & (col(ThreadReader.user_id) == viewer.id), isouter=True)
        .where(getattr(Thread, f"{kind}_id") == place_id)
        .order_by(col(Thread.pinned).desc(), col(Thread.last_post_at).desc())
        .limit(limit)
    ).all()
    noted = noted_reads(viewer.id)
    return [ThreadRow(thread, author, max(last_read or 0, noted.get(thread.id, 0)) < (newest or 0)) for thread, author, last_read, newest in rows]


@dataclasses.dataclass(frozen=True)
class ThreadPage:
    """What a thread's page shows when it opens."""

    thread: Thread
    place: Place
    posts: list[PostView]
    draft: str
    members: list[workspaces.Member]
    attachable: list[tuple[int, str]]


def open_thread(viewer: Viewer, thread_id: int, *, entering: bool = True) -> ThreadPage:
    """The thread, its newest posts (now read), the viewer's draft, and in a workspace its members and attachable documents.

    `entering` is a page being opened (not refreshed): an administrator's entry is audited then.

    Other places may have thousands of readers: their mentions are completed as one types (`mention_candidates`).
    """
    with transaction() as session:
        thread, place = thread_place(session, viewer, thread_id)
        in_workspace = thread.workspace_id is not None
        if in_workspace and entering:
            workspaces.enter(session, viewer, place)
        return ThreadPage(
            thread,
            place,
            _posts_page(session, viewer, thread.id),
            draft_in(session, viewer.id, f"thread-{thread.id}"),
            workspaces.member_rows(session, thread.workspace_id) if in_workspace else [],
            _attachable(session, viewer, thread),
        )


def mention_candidates(viewer: Viewer, place_id: int, prefix: str, *, kind: str = "thread") -> list[tuple[int, str]]:
    """The first few members of a thread's place whose name starts with what the viewer has typed.

    With another `kind` (workspace, network, area), `place_id` is that place, where a thread is being started.
    """
    if not isinstance(prefix, str) or not prefix.strip() or len(prefix) > 60:
        return []
    with transaction() as session:
        if kind == "thread":
            kind, place_id = places.of_thread(thread_place(session, viewer, place_id)[0])
        else:
            _authorise(session, viewer, kind, place_id, Action.READ)
        return [(user_id, name) for user_id, name in places.reader_names(session, kind, place_id, prefix) if user_id != viewer.id]


def posts(viewer: Viewer, thread_id: int, *, after_id: int = 0, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[PostView]:
    """Posts in order; `after_id` loads what is new, `before_id` an earlier page. Notes them read (see save_read_marks)."""
    with transaction() as session:
        return _read(session, viewer, thread_id, after_id=after_id, before_id=before_id, limit=limit)


def save_read_marks() -> int:
    """Write the read marks noted since the last call, in one transaction; returns how many were written.

    Reading posts only notes how far the member has read: the app saves the marks once a second, so reading never
    waits for the database's write lock (and a reply's burst of live deliveries does not queue for it).
    """
    return _read_marks.save(_write_read_marks)


def _write_read_marks(marks: dict[tuple[int, int], int]) -> None:
    with transaction() as session:
        connection = session.connection()
        connection.execute(
            _NEW_READER_UNLESS_THERE[connection.dialect.name],
            [{"thread_id": thread_id, "user_id": user_id, "last_read_post_id": post_id, "following": False} for (thread_id, user_id), post_id in marks.items()],
        )
        connection.execute(_MOVE_READ_MARK, [{"in_thread": thread_id, "of_user": user_id, "below": post_id, "read_up_to": post_id} for (thread_id, user_id), post_id in marks.items()])


def _read(session: Session, viewer: Viewer, thread_id: int, *, after_id: int = 0, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[PostView]:
    _require_reader(session, viewer, thread_id)
    return _posts_page(session, viewer, thread_id, after_id=after_id, before_id=before_id, limit=limit)


def _posts_page(session: Session, viewer: Viewer, thread_id: int, *, after_id: int = 0, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[PostView]:
    limit = max(1, min(int(limit), 100))
    if before_id is not None:
        rows = session.connection().execute(_POSTS_BEFORE, {"thread_id": thread_id, "before_id": int(before_id), "limit": limit}).all()
    elif after_id:
        rows = _rows_after(session, thread_id, after_id)
    else:
        rows = session.connection().execute(_NEWEST_POSTS, {"thread_id": thread_id, "limit": limit}).all()
    # An earlier page does not move how far the viewer has read.
    return _views(session, viewer, sorted(rows, key=lambda row: row[0]), marks_read=before_id is None)


def _rows_after(session: Session, thread_id: int, after_id: int) -> list:
    return session.connection().execute(_POSTS_AFTER, {"thread_id": thread_id, "after_id": int(after_id)}).all()


def _views(session: Session, viewer: Viewer, rows: list, *, marks_read: bool) -> list[PostView]:
    """The rows (a post's columns, its author's name, organisation and picture), in order, ready to show; noted as read."""
    if not rows:
        return []
    posts = [PostRow(*row[:-3]) for row in rows]
    if any(post.held for post in posts):  # hidden and waiting posts: their authors and the moderators see them, with a marker
        moderates = _moderates(session, viewer, posts[0].thread_id)
        kept = [(post, row) for post, row in zip(posts, rows, strict=True) if not post.held or moderates or (post.held == Held.PENDING and post.author_id == viewer.id)]
        posts, rows = [post for post, _row in kept], [row for _post, row in kept]
        if not posts:
            return []
    if marks_read:
        _read_marks.note((posts[0].thread_id, viewer.id), posts[-1].id)
    attached = _attachments(session, [post.id for post in posts])
    return [
        PostView(post, row[-3], row[-2], "" if post.deleted_at else post.html, post.author_id == viewer.id, attached.get(post.id, []), row[-1])
        for post, row in zip(posts, rows, strict=True)
    ]


def _moderates(session: Session, viewer: Viewer, thread_id: int) -> bool:
    if viewer.is_admin:
        return True
    role = session.connection().execute(_ROLE_IN_THREADS_WORKSPACE, {"thread_id": thread_id, "user_id": viewer.id}).scalar()
    return role in workspaces.MANAGERS


def one_post(viewer: Viewer, post_id: int) -> PostView:
    """One post as the viewer sees it (after an edit or a deletion)."""
    with transaction() as session:
        post, _place = _post(session, viewer, post_id, live=False)
        shown = _views(session, viewer, session.connection().execute(_ONE_POST, {"thread_id": post.thread_id, "post_id": post.id}).all(), marks_read=False)
        if not shown:
            raise Refused(POST_MISSING)
        return shown[0]


def _attachments(session: Session, post_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """The live documents attached to the posts, by post: two index lookups (by post, then by document).

    As one join, SQLite (which keeps no statistics) started from every live document of the instance.
    """
    connection = session.connection()
    links = connection.execute(_ATTACHMENTS_OF_POSTS, {"post_ids": post_ids or [0]}).all()
    if not links:
        return {}
    names = dict(connection.execute(_LIVE_DOCUMENT_NAMES, {"document_ids": sorted({document_id for _post_id, document_id in links})}).all())
    found: dict[int, list[tuple[int, str]]] = {}
    for post_id, document_id in links:
        if document_id in names:
            found.setdefault(post_id, []).append((document_id, names[document_id]))
    return found


def _attachable(session: Session, viewer: Viewer, thread: Thread) -> list[tuple[int, str]]:
    """What the viewer may attach here: the workspace's documents, or in a conversation those of the viewer's own workspaces."""
    if thread.workspace_id is not None:
        return [(document_id, name) for document_id, name in session.connection().execute(_ATTACHABLE, {"workspace_id": thread.workspace_id})]
    if thread.conversation_id is not None:
        return [(document_id, name) for document_id, name in session.connection().execute(_ATTACHABLE_OF_MEMBER, {"user_id": viewer.id})]
    return []


def _attachable_document(session: Session, viewer: Viewer, thread: Thread, document_id: object) -> int:
    """The id of a document the viewer may attach in the thread, or the refusal that says what may be attached."""
    document = session.get(Document, document_id) if workspaces.is_id(document_id) else None
    if thread.workspace_id is not None:
        if document is None or document.workspace_id != thread.workspace_id or document.deleted_at is not None:
            raise Refused(ONLY_SAME_WORKSPACE)
        return document.id
    if thread.conversation_id is None or document is None or session.connection().execute(_OWN_DOCUMENT, {"user_id": viewer.id, "document_id": document.id}).first() is None:
        raise Refused(N_("Only documents of your own workspaces can be attached."))
    return document.id


def noted_reads(user_id: int) -> dict[int, int]:
    """How far the member has read each thread by the marks not saved yet."""
    return {thread_id: post_id for (thread_id, _reader), post_id in _read_marks.matching(lambda key: key[1] == user_id).items()}


def _post(session: Session, viewer: Viewer, post_id: int, action: Action = Action.READ, *, live: bool = True) -> tuple[Post, Place]:
    """A post, if the policy allows the action on it; a missing, deleted (`live`) or hidden post gets the same refusal."""
    require_member(viewer)
    post = session.get(Post, post_id) if workspaces.is_id(post_id) else None
    if post is None or (live and post.deleted_at is not None):
        raise Refused(POST_MISSING)
    try:
        _thread, place = thread_place(session, viewer, post.thread_id)
    except Refused:
        raise Refused(POST_MISSING) from None
    if post.held and not permissions.decide(viewer, Action.REVIEW, place) and not (post.held == Held.PENDING and post.author_id == viewer.id):
        raise Refused(POST_MISSING)
    permissions.require(viewer, action, place, author_id=post.author_id)
    return post, place


def edit(viewer: Viewer, post_id: int, body: str, *, mentions: tuple[int, ...] = ()) -> Post:
    """Change one's own post (`mentions` as in `reply`); the earlier text is kept for moderators."""
    body = _check_body(body)
    with transaction() as session:
        post, place = _post(session, viewer, post_id, Action.EDIT)
        body = _with_mentions(session, *places.of_thread(_thread(session, post.thread_id)), body, mentions)
        html = markdown.render(body)
        if body == post.body:
            return post
        session.add(PostRevision(post_id=post.id, body=post.body))
        post.body, post.html = body, html
        post.edited_at = utcnow()
        session.add(post)
        if not isinstance(place, permissions.ConversationPlace):  # private messages are not searched
            search_index.put_post_by_id(session, post.id)
        return post


def delete(viewer: Viewer, post_id: int) -> Post:
    """Delete one's own post (moderators and owners may delete any); the text stays in the history."""
    with transaction() as session:
        post, _place = _post(session, viewer, post_id, Action.CHANGE)
        session.add(PostRevision(post_id=post.id, body=post.body))
        post.html = ""
        post.deleted_at = utcnow()
        session.add(post)
        search_index.forget(session, "post", post.id)
        return post


def history(viewer: Viewer, post_id: int) -> list[PostRevision]:
    """Earlier texts of a post, for the workspace's moderators and owners and the instance's admins."""
    with transaction() as session:
        _post(session, viewer, post_id, Action.REVIEW, live=False)
        return list(session.exec(select(PostRevision).where(PostRevision.post_id == post_id).order_by(PostRevision.id)).all())


def pin(viewer: Viewer, thread_id: int, pinned: bool) -> Thread:
    """Owners and moderators pin a thread to the top (or unpin it)."""
    with transaction() as session:
        found, _place = thread_place(session, viewer, thread_id, Action.MODERATE)
        found.pinned = bool(pinned)
        session.add(found)
        return found


def editable_text(viewer: Viewer, post_id: int) -> tuple[str, list[int]]:
    """One's own post as the edit box shows it (mentions as @Name) and the ids it mentions, in order."""
    with transaction() as session:
        post, _place = _post(session, viewer, post_id, Action.EDIT)
        return markdown.shown(post.body)


def quote_text(viewer: Viewer, post_id: int) -> str:
    """Markdown that quotes a post the viewer can read."""
    with transaction() as session:
        post, _place = _post(session, viewer, post_id)
        author = session.get(User, post.author_id)
        return markdown.quote(author.name if author else "", post.body)


def save_draft(viewer: Viewer, place: str, body: str) -> None:
    """Keep a half-written post for the viewer (place: 'thread-ID' or 'workspace-ID')."""
    if not isinstance(place, str) or len(place) > 64 or not place.replace("-", "").isalnum():
        raise Refused(N_("The request was not understood."))
    with transaction() as session:
        draft = session.exec(select(Draft).where(Draft.user_id == viewer.id, Draft.place == place)).first() or Draft(user_id=viewer.id, place=place)
        draft.body = body[:BODY_MAX]
        draft.updated_at = utcnow()
        session.add(draft)


def was_sent(viewer: Viewer, key: str) -> bool:
    """Whether the viewer's post sent with this key is saved."""
    return _existing(viewer.id, check_key(key)) is not None


def draft(viewer: Viewer, place: str) -> str:
    """The viewer's draft for a place, or ''."""
    with transaction() as session:
        return draft_in(session, viewer.id, place)


def draft_in(session: Session, user_id: int, place: str) -> str:
    """The member's draft for a place, or ''."""
    return session.connection().execute(_DRAFT, {"user_id": user_id, "place": place}).scalar() or ""


def _clear_draft(session: Session, user_id: int, place: str) -> None:
    session.connection().execute(_CLEAR_DRAFT, {"user_id": user_id, "place": place})
