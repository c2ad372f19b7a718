"""Search everything a person may see: posts, documents and their text, pages and news, events, activities, members,
workspaces and networks, on SQLite's FTS5 or PostgreSQL's text search.

Who may read a result is decided inside the query, by the rows each entry came from and the places the policy lets
the viewer read (`permissions.decide`), so results, their counts and their snippets never show what the viewer may
not see, whatever the index holds. Visitors search public pages, news, events and activities only.
"""

from __future__ import annotations

import collections
import dataclasses
from datetime import datetime

from sqlalchemy import Integer, String, any_, bindparam, cast, column, false, func, literal_column, or_, table, text
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlmodel import Session, col, select

from partnerskap.db import transaction
from partnerskap.models import (
    Activity,
    Area,
    ContentItem,
    Document,
    Held,
    Membership,
    Network,
    NetworkMember,
    Post,
    Thread,
    User,
    Workspace,
)
from partnerskap.models.base import utcnow
from partnerskap.services import activities, content, people, permissions, search_index, workspaces
from partnerskap.services.permissions import Action, AreaPlace, NetworkPlace, WorkspacePlace
from partnerskap.services.search_index import WORD, entries, kind_token, query_alternatives, word_terms, words, workspace_token
from partnerskap.services.sessions import Viewer

KINDS = ("content", "post", "document", "activity", "member", "workspace", "network", "event")
PUBLIC_KINDS = ("content", "activity", "event")
SORTS = ("relevance", "date")
QUERY_MAX = 200  # characters of a query; the rest is ignored
WORDS_MAX = 12
PAGE_SIZE = 20
PAGES_MAX = 50  # deeper pages are not served: a narrower query finds more
CANDIDATES_MAX = PAGE_SIZE * PAGES_MAX  # the newest matches a search ranks and counts (every page it serves)
SCOPE_WORKSPACES_MAX = 200  # a viewer reading more workspaces (an administrator) is not narrowed by them: the rows decide
SNIPPET_BEFORE = 60
SNIPPET_LENGTH = 240
_FTS = table("search_fts", column("rowid"))


@dataclasses.dataclass(frozen=True)
class Query:
    """What a person asks: the words, one kind or all, the order, the page, and a workspace to stay in (0: everywhere)."""

    text: str = ""
    kind: str = ""
    sort: str = "relevance"
    page: int = 1
    workspace_id: int = 0

    def cleaned(self) -> Query:
        """The query with every part in its bounds: anything a client sends is searchable, never an error."""
        page = self.page if isinstance(self.page, int) and not isinstance(self.page, bool) else 1
        scope = self.workspace_id if workspaces.is_id(self.workspace_id) else 0
        return Query(
            text=" ".join(str(self.text or "")[:QUERY_MAX].split()),
            kind=self.kind if self.kind in KINDS else "",
            sort=self.sort if self.sort in SORTS else "relevance",
            page=min(max(page, 1), PAGES_MAX),
            workspace_id=max(scope, 0),
        )


@dataclasses.dataclass(frozen=True)
class Hit:
    """One result as the viewer may see it; the snippet is plain text in pieces, each marked when it matched."""

    kind: str
    title: str
    link: str
    place: str
    at: datetime
    snippet: list[tuple[str, bool]]


@dataclasses.dataclass(frozen=True)
class Results:
    """One page of results, how many of each kind the viewer may see, and the workspace searched in, if one."""

    query: Query
    hits: list[Hit]
    counts: dict[str, int]
    total: int
    pages: int
    scope_name: str = ""
    at_least: frozenset[str] = frozenset()  # kinds ("" for all) of which more matched than a search reads


def alternatives(text: str) -> list[list[tuple[str, bool]]]:
    """For each word of a query (at most `WORDS_MAX`), the index terms that match it: every word must be found."""
    found, seen = [], set()
    for word in words(text[:QUERY_MAX]):
        if word not in seen:
            seen.add(word)
            terms = [(term, prefix) for term, prefix in query_alternatives(word) if WORD.fullmatch(term)]
            if terms:
                found.append(terms)
    return found[:WORDS_MAX]


def fts5_match(groups: list[list[tuple[str, bool]]]) -> str:
    """SQLite FTS5's query: every term quoted (they hold letters and digits only), so no input is FTS syntax."""
    return " AND ".join("(" + " OR ".join(f'"{term}"' + ("*" if prefix else "") for term, prefix in group) + ")" for group in groups)


def tsquery(groups: list[list[tuple[str, bool]]]) -> str:
    """PostgreSQL's tsquery: every lexeme quoted and taken as it is."""
    return " & ".join("(" + " | ".join(f"'{term}'" + (":*" if prefix else "") for term, prefix in group) + ")" for group in groups)


@dataclasses.dataclass(frozen=True)
class Readable:
    """The places whose discussions and libraries the viewer reads, by the policy, and the workspaces they belong to."""

    workspace_ids: list[int]
    network_ids: list[int]
    area_ids: list[int]
    my_workspace_ids: list[int]


def readable(session: Session, viewer: Viewer) -> Readable:
    """Ask the policy about every place the viewer might read: their own, and for administrators every one."""
    roles = dict(session.exec(select(Membership.workspace_id, Membership.role).where(Membership.user_id == viewer.id)).all())
    candidates = session.exec(select(Workspace) if viewer.is_admin else select(Workspace).where(col(Workspace.id).in_(list(roles) or [0]))).all()
    workspace_ids = [w.id for w in candidates if permissions.decide(viewer, Action.READ, WorkspacePlace(workspace=w, role=roles.get(w.id)))]
    standing = {row[0]: (row[1], row[2]) for row in session.exec(select(NetworkMember.network_id, NetworkMember.role, NetworkMember.pending).where(NetworkMember.user_id == viewer.id)).all()}
    networks = session.exec(select(Network) if viewer.is_admin else select(Network).where(col(Network.id).in_(list(standing) or [0]))).all()
    network_ids = [n.id for n in networks if permissions.decide(viewer, Action.READ, NetworkPlace(network=n, role=standing.get(n.id, (None, False))[0], pending=bool(standing.get(n.id, (None, False))[1])))]
    area_ids = [a.id for a in session.exec(select(Area)).all() if permissions.decide(viewer, Action.READ, AreaPlace(area=a))]
    return Readable(workspace_ids, network_ids, area_ids, list(roles))


def _one_of(column, ids: list[int], postgres: bool):
    """`column IN ids`; on PostgreSQL one array parameter, since psycopg parses anew, on every run, a statement too long
    for its cache (6 ms of an administrator's search, whose 300 workspaces were 1 200 parameters)."""
    return column == any_(bindparam(None, ids, type_=ARRAY(Integer))) if postgres else column.in_(ids)


def _visible(viewer: Viewer | None, places_read: Readable | None, query: Query, *, postgres: bool):
    """The condition an entry must meet to be shown: its source may be read by the viewer, within the query's scope."""
    item = entries.c.item_id
    now = utcnow()
    conditions = [] if query.workspace_id else [  # inside a workspace: only its discussions and library
        (entries.c.kind.in_(["content", "event"])) & select(ContentItem.id).where(col(ContentItem.id) == item, content.public_items()).exists(),
        (entries.c.kind == "activity") & select(Activity.id).where(col(Activity.id) == item, *activities.visible(now)).exists(),
    ]
    if places_read is not None:
        in_workspace = places_read.workspace_ids if not query.workspace_id else [w for w in places_read.workspace_ids if w == query.workspace_id]
        thread_place = _one_of(col(Thread.workspace_id), in_workspace, postgres)
        if not query.workspace_id:
            thread_place = or_(thread_place, _one_of(col(Thread.network_id), places_read.network_ids, postgres), _one_of(col(Thread.area_id), places_read.area_ids, postgres))
        # LIMIT 1 OFFSET 0 keeps each check a lookup by the entry's item: PostgreSQL would otherwise hash every live
        # post of the readable places (a scan of the whole post table) to test the few candidates a search reads.
        live_post = select(Post.id).join(Thread, col(Thread.id) == col(Post.thread_id)).where(col(Post.id) == item, col(Post.deleted_at).is_(None), col(Post.held) == Held.VISIBLE, thread_place).limit(1).offset(0)
        live_document = select(Document.id).where(col(Document.id) == item, col(Document.deleted_at).is_(None), col(Document.held) == Held.VISIBLE, _one_of(col(Document.workspace_id), in_workspace, postgres)).limit(1).offset(0)
        # The entry's own workspace column first: it leaves out most entries without a lookup; the rows decide the rest.
        in_places = _one_of(entries.c.workspace_id, in_workspace, postgres)
        post_workspace = in_places if query.workspace_id else or_(in_places, entries.c.workspace_id.is_(None))
        conditions += [
            (entries.c.kind == "post") & post_workspace & live_post.exists(),
            (entries.c.kind == "document") & in_places & live_document.exists(),
        ]
        if not query.workspace_id:
            conditions += [
                (entries.c.kind == "member") & select(User.id).where(col(User.id) == item, people.findable(viewer)).exists(),
                (entries.c.kind == "workspace") & select(Workspace.id).where(col(Workspace.id) == item, workspaces.discoverable(viewer, places_read.my_workspace_ids)).exists(),
                (entries.c.kind == "network") & select(Network.id).where(col(Network.id) == item, col(Network.merged_into).is_(None)).exists(),
            ]
    return or_(*conditions) if conditions else false()


def scopes(places_read: Readable | None, query: Query) -> list[list[tuple[str, bool]]]:
    """The index's scope tokens a search asks for with its words: entries of any other scope cannot be visible.

    Visitors: public kinds. Members: the workspaces they read and everything outside workspaces (which `_visible`
    sorts out), or the one workspace searched in. Asked together with the words, they let the full-text engine
    intersect its lists instead of the query testing each match of a common word.
    """
    if places_read is None:
        return [[(kind_token(kind), False) for kind in PUBLIC_KINDS]]
    if query.workspace_id:
        return [[(workspace_token(query.workspace_id), False)]]
    if len(places_read.workspace_ids) > SCOPE_WORKSPACES_MAX:
        return []
    return [[(workspace_token(workspace_id), False) for workspace_id in [*places_read.workspace_ids, None]]]


def _matching(session: Session, groups: list[list[tuple[str, bool]]], scope: list[list[tuple[str, bool]]], *columns):
    """A select of entries matching the query's terms within the scope, on this database, newest entries first."""
    if session.get_bind().dialect.name == "postgresql":
        matched = cast(bindparam("match", tsquery(groups + scope), type_=String), TSQUERY)
        return select(*columns).where(entries.c.tsv.op("@@")(matched)).order_by(entries.c.id.desc())
    # The full-text table's own rowid order: FTS5 walks its matches newest first and stops at the limit.
    return (
        select(*columns)
        .select_from(_FTS.join(entries, entries.c.id == _FTS.c.rowid))
        .where(text("search_fts MATCH :match").bindparams(match=fts5_match(groups + scope)))
        .order_by(_FTS.c.rowid.desc())
    )


def _ranked(session: Session, found, groups: list[list[tuple[str, bool]]]):
    """The rows a select of matches reads, each with its relevance by the words alone (higher is better).

    Only the rows read are scored: scoring every match of a common word is what made its search slow. PostgreSQL
    would compute a column for every match before keeping the newest, so it scores the kept rows in an outer query.
    """
    if session.get_bind().dialect.name == "postgresql":
        kept = found.add_columns(entries.c.tsv).subquery()
        words = cast(bindparam("words", tsquery(groups), type_=String), TSQUERY)
        return select(*(column for column in kept.c if column.name != "tsv"), func.ts_rank(kept.c.tsv, words).label("score")).order_by(kept.c.id.desc())
    # The scope column (the second) weighs nothing: a small workspace's rare token must not rank its entries higher.
    return found.add_columns((-literal_column("bm25(search_fts, 1.0, 0.0)")).label("score"))


def _candidates(session: Session, groups: list, scope: list, visible, *, kind: str = "", ranked: bool) -> tuple[list, bool]:
    """The newest `CANDIDATES_MAX` visible matches (of one kind, if given), and whether there were more."""
    if kind:
        scope = [*scope, [(kind_token(kind), False)]]
    wanted = CANDIDATES_MAX + 1
    # A thousand candidates' dates cost a millisecond to read: only a sort by date needs them.
    columns = (entries.c.id, entries.c.kind) if ranked else (entries.c.id, entries.c.kind, entries.c.at)
    if scope and session.get_bind().dialect.name == "postgresql":
        rows = _newest_visible_on_postgresql(session, groups, scope, visible, kind, columns, ranked, wanted)
    else:  # FTS5 walks its matches newest first; PostgreSQL, unnarrowed, walks the newest entries testing their words
        found = _matching(session, groups, scope, *columns).where(visible)
        if kind:
            found = found.where(entries.c.kind == kind)
        found = found.limit(wanted)
        rows = session.execute(_ranked(session, found, groups) if ranked else found).all()
    return rows[:CANDIDATES_MAX], len(rows) > CANDIDATES_MAX


def _newest_visible_on_postgresql(session: Session, groups: list, scope: list, visible, kind: str, columns: tuple, ranked: bool, wanted: int) -> list:
    """The newest `wanted` visible matches within a scope, testing who may see them only among the newest matches where that suffices.

    A GIN index yields its matches unordered, so a single query tests every match in scope (5 000 lookups for a
    member's common word) before keeping the newest. The newest matches are found first, by their ids alone, a quarter
    more than wanted; only when too few of those are visible, and there were more, is every match tested.
    """
    tested = wanted + wanted // 4
    # Ordered by `id + 0`, which no index holds: walking the primary key backwards and testing each entry's words
    # (the plan PostgreSQL otherwise guesses is cheaper for a common word) reads 45 000 entries' texts for 2 000.
    matching = _matching(session, groups, scope, entries.c.id).order_by(None).order_by((entries.c.id + 0).desc())
    if kind:
        matching = matching.where(entries.c.kind == kind)
    newest = session.execute(matching.limit(tested)).scalars().all()
    if not newest:
        return []

    def visible_among(among) -> list:
        found = select(*columns).where(among, visible).order_by(entries.c.id.desc()).limit(wanted)
        return session.execute(_ranked(session, found, groups) if ranked else found).all()

    rows = visible_among(_one_of(entries.c.id, newest, postgres=True))
    if len(rows) < wanted and len(newest) == tested:  # too few of the newest are visible, and there are more: test every match
        rows = visible_among(entries.c.id.in_(matching))
    return rows


def search(viewer: Viewer | None, query: Query, *, language: str = "fi") -> Results:
    """One page of what the viewer may see matching every word of the query, with the count of each kind."""
    query = query.cleaned()
    member = viewer is not None and viewer.is_member
    groups = alternatives(query.text)
    with transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            # psycopg prepares a statement run five times, and PostgreSQL then plans it once for any words: a plan
            # that scans every match of a common word (0.9 s instead of 20 ms). Each search is planned for its words.
            session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        places_read = readable(session, viewer) if member else None
        scope_name = ""
        if query.workspace_id and places_read is not None and query.workspace_id in places_read.workspace_ids:
            scope_name = session.get(Workspace, query.workspace_id).name
        if not groups:
            return Results(query=query, hits=[], counts={}, total=0, pages=0, scope_name=scope_name)
        scope = scopes(places_read, query)
        visible = _visible(viewer if member else None, places_read, query, postgres=session.get_bind().dialect.name == "postgresql")
        if not member:
            visible = visible & entries.c.kind.in_(PUBLIC_KINDS)
        ranked = query.sort == "relevance"
        # With a kind asked for, every kind's matches are only counted: the kind's own are found (and ranked) apart,
        # since the newest matches of every kind may hold too few of it.
        every_kind, more = _candidates(session, groups, scope, visible, ranked=ranked and not query.kind)
        counts = dict(collections.Counter(row.kind for row in every_kind))
        at_least = set(KINDS) | {""} if more else set()
        shown = every_kind
        if query.kind:
            shown, kind_more = _candidates(session, groups, scope, visible, kind=query.kind, ranked=ranked)
            counts[query.kind] = len(shown)
            if not kind_more:
                at_least.discard(query.kind)
        start = (query.page - 1) * PAGE_SIZE
        in_order = sorted(shown, key=lambda row: (-row.score, row.id)) if ranked else sorted(shown, key=lambda row: (row.at, row.id), reverse=True)
        page_ids = [row.id for row in in_order[start:start + PAGE_SIZE]]
        # Only the page's entries are read whole: sorting every match with its text would carry whole documents along.
        columns = (entries.c.id, entries.c.kind, entries.c.item_id, entries.c.part, entries.c.title, entries.c.body, entries.c.at)
        whole = {row.id: row for row in session.execute(select(*columns).where(entries.c.id.in_(page_ids or [0]))).all()}
        rows = [whole[entry_id] for entry_id in page_ids]
        hits = _hits(session, rows, groups, language)
    total = len(shown)
    return Results(query=query, hits=hits, counts=counts, total=total, pages=min(-(-total // PAGE_SIZE), PAGES_MAX), scope_name=scope_name, at_least=frozenset(at_least))


def _hits(session: Session, rows: list, groups: list[list[tuple[str, bool]]], language: str) -> list[Hit]:
    """The page's results with their addresses and places, read in one query per kind."""
    ids: dict[str, list[int]] = {}
    for row in rows:
        ids.setdefault(row.kind, []).append(row.item_id)
    # Only the kinds on the page are read: each query is a round trip to the database.
    posts = {post_id: (thread_id, thread_title, name) for post_id, thread_id, thread_title, name in session.execute(
        select(Post.id, Thread.id, Thread.title, func.coalesce(Workspace.name, Network.name, Area.name))
        .join(Thread, col(Thread.id) == col(Post.thread_id))
        .outerjoin(Workspace, col(Workspace.id) == col(Thread.workspace_id))
        .outerjoin(Network, col(Network.id) == col(Thread.network_id))
        .outerjoin(Area, col(Area.id) == col(Thread.area_id))
        .where(col(Post.id).in_(ids["post"]))
    ).all()} if "post" in ids else {}
    documents = {document_id: (workspace_id, name) for document_id, workspace_id, name in session.execute(
        select(Document.id, Document.workspace_id, Workspace.name).join(Workspace, col(Workspace.id) == col(Document.workspace_id)).where(col(Document.id).in_(ids["document"]))
    ).all()} if "document" in ids else {}
    item_ids = ids.get("content", []) + ids.get("event", [])
    items = {item.id: item for item in session.exec(select(ContentItem).where(col(ContentItem.id).in_(item_ids))).all()} if item_ids else {}
    named_activities = {a.id: a for a in session.exec(select(Activity).where(col(Activity.id).in_(ids["activity"]))).all()} if "activity" in ids else {}
    hits, known = [], {}
    for row in rows:
        place, link, title = "", "", row.title
        if row.kind == "post":
            thread_id, title, place = posts[row.item_id]  # a post is named by its discussion
            link = f"/threads/{thread_id}#post-{row.item_id}"
        elif row.kind == "document":
            workspace_id, place = documents[row.item_id]
            link = f"/workspaces/{workspace_id}/documents"
        elif row.kind in ("content", "event"):
            link = content.url_of(items[row.item_id], row.part.split("-")[0])
        else:
            link = {"activity": "/activities", "member": "/people", "workspace": "/workspaces", "network": "/networks"}[row.kind] + f"/{row.item_id}"
        if row.kind == "activity":
            title = activities.display_name(named_activities[row.item_id], language)
        hits.append(Hit(kind=row.kind, title=title, link=link, place=place or "", at=row.at, snippet=snippet(row.body, groups, known)))
    return hits


def _matches(word: str, groups: list[list[tuple[str, bool]]], known: dict[str, bool]) -> bool:
    """Whether a word of a text is one the query found: one of its index terms is a term of the query.

    `known` holds the answers for words already tested in this search's snippets: texts repeat their words.
    """
    if (answer := known.get(word)) is None:
        found_by = word_terms(word.casefold())
        answer = known[word] = any(made == term or (prefix and made.startswith(term)) for group in groups for term, prefix in group for made in found_by)
    return answer


def snippet(body: str, groups: list[list[tuple[str, bool]]], known: dict[str, bool] | None = None) -> list[tuple[str, bool]]:
    """A short passage of the text around its first matching word, in pieces, each marked when it matched the query."""
    known = {} if known is None else known
    body = " ".join(body.split())
    # Words are tested up to the first match, then within the passage only: a document's text is long.
    first = next((match for match in WORD.finditer(body) if _matches(match.group(), groups, known)), None)
    start = 0
    if first:
        start = max(0, first.start() - SNIPPET_BEFORE)
        start = body.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(body), start + SNIPPET_LENGTH)
    if end < len(body) and (space := body.rfind(" ", start, end)) > start:
        end = space
    pieces, at = [], start
    for match in WORD.finditer(body, start):
        if match.end() > end:
            break
        if not _matches(match.group(), groups, known):
            continue
        if match.start() > at:
            pieces.append((body[at:match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < end:
        pieces.append((body[at:end], False))
    if start > 0:
        pieces.insert(0, ("… ", False))
    if end < len(body):
        pieces.append((" …", False))
    return pieces


def index_is_current() -> bool:
    """Whether the index was built, and by this host's normaliser (a host that gained or lost Voikko makes other terms)."""
    with transaction() as session:
        made_by = session.execute(select(search_index.meta.c.value).where(search_index.meta.c.key == "normaliser")).scalar_one_or_none()
    return made_by == search_index.normaliser()


def reindex() -> int:
    """Rebuild the whole index in one transaction; how many entries it holds."""
    with transaction() as session:
        return search_index.reindex(session)
