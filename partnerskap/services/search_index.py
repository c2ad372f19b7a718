"""The search index: one language-aware normaliser, its table on both databases, and keeping it in step with writes.

Words are normalised in Python and stored as terms tagged with their language, so SQLite's FTS5 and PostgreSQL's text
search match the same terms without either database's own language support. Finnish words are reduced to their base
forms by Voikko when the host has it (Debian's `libvoikko1` and `voikko-fi`): "työtiloissa" is "fityötila", and a
compound is also found by its parts ("kotoutumistyö" by "työ"). Swedish and English words, Finnish words Voikko does
not know, and every Finnish word on a host without Voikko are stemmed by Snowball ("fityötil"). The index holds text
and each entry's scope (`scope_tokens`), which only narrows a search: who may read an entry is decided when searching,
from the rows it came from (`services/search.py`), so a hidden post or a membership that ended is never found even
before the index hears of it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

import snowballstemmer
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, UniqueConstraint, delete, func, insert
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Session, col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from partnerskap import memory
from partnerskap.models import (
    Activity,
    ContentItem,
    ContentKind,
    ContentVersion,
    Document,
    DocumentText,
    DocumentVersion,
    Network,
    Post,
    Profile,
    Status,
    Thread,
    User,
    Workspace,
)

LANGUAGES = ("fi", "sv", "en")
_STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}
WORD = re.compile(r"[^\W_]+")
WORD_MAX = 40  # longer "words" are noise (hashes, base64): not indexed, not asked for
TEXT_KEPT = 100_000  # characters of one entry kept for snippets and terms (a long document's beginning)
FINNISH_VOWELS = "aeiouyäö"

# Every table (and FTS5's shadow tables) of the index starts with this: the schema comparison and the backups leave them out.
PREFIX = "search_"
metadata = MetaData()
entries = Table(
    "search_entry",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("item_id", Integer, nullable=False),
    Column("part", String(16), nullable=False, default=""),
    Column("workspace_id", Integer, nullable=True),
    Column("title", Text, nullable=False, default=""),
    Column("body", Text, nullable=False, default=""),
    Column("terms", Text, nullable=False, default=""),
    Column("scope", Text, nullable=False, default=""),  # `scope_tokens`: a search matches them with its words
    Column("at", UTCDateTime, nullable=False),
    Column("tsv", TSVECTOR),  # PostgreSQL only, generated from `terms`
    UniqueConstraint("kind", "item_id", "part"),
)
# Facts about the index itself: "normaliser", what made its terms (written by `reindex`).
meta = Table("search_meta", metadata, Column("key", String(32), primary_key=True), Column("value", Text, nullable=False))


def in_schema(name: str | None, type_: str, _parents: dict) -> bool:
    """Whether the schema comparison looks at a table (alembic's `include_name`): the index's tables are rebuilt, not migrated."""
    return not (type_ == "table" and name is not None and name.startswith(PREFIX))


_REBUILT = "search rows being rebuilt"  # the session.info key under which a rebuild gathers its entries
REBUILT_AT_ONCE = 1000


@lru_cache(maxsize=None)
def _stemmer(language: str):
    return snowballstemmer.stemmer(_STEMMERS[language])


@lru_cache(maxsize=50_000)
def stem(language: str, word: str) -> str:
    """The word's stem in one language (remembered: the same words come back all the time)."""
    return _stemmer(language).stemWord(word)


log = logging.getLogger(__name__)
_voikko_lock = threading.Lock()  # one Voikko handle must not be used by two threads at once
_WORD_BASE = re.compile(r"\+([^+()]+)\(([^()]+)\)")  # "+kotoutumis(kotoutua)+palvel(palvella)+u(+u)": each part and its base form


@lru_cache(maxsize=1)
def _voikko():
    """Voikko's Finnish analyser, or None where the host lacks libvoikko or its Finnish dictionary."""
    try:
        import libvoikko

        return libvoikko.Voikko("fi")
    except Exception as error:  # noqa: BLE001  (an ImportError, an OSError, or libvoikko's own VoikkoException)
        log.warning("Finnish words are stemmed by Snowball: Voikko is not available (%s)", error)
        return None


def normaliser() -> str:
    """The name of what makes this host's Finnish terms; an index made by another is rebuilt (`index_is_current`)."""
    return "voikko" if _voikko() is not None else "snowball"


def kind_token(kind: str) -> str:
    """The token every entry of a kind carries."""
    return f"zzk{kind}"


def workspace_token(workspace_id: int | None) -> str:
    """The token every entry of a workspace (its posts and documents) carries; `None`: every entry outside workspaces."""
    return f"zzw{workspace_id if workspace_id is not None else 'none'}"


def scope_tokens(kind: str, workspace_id: int | None) -> str:
    """An entry's scope: its kind, and its workspace or none.

    A search asks for the scopes the viewer may read together with the words, so the full-text engine leaves out
    the rest itself instead of the query testing each match. The tokens start with "zz", which no word's term does
    (they start with a language: "fi", "sv", "en"), so no query word ever matches one. Who may read an entry is
    still decided by its rows (`search._visible`): a scope only narrows what is tested.
    """
    return f"{kind_token(kind)} {workspace_token(workspace_id)}"


@lru_cache(maxsize=50_000)
def finnish_base_forms(word: str, *, parts: bool) -> tuple[str, ...]:
    """Voikko's base forms of a Finnish word, with those of its compound parts if `parts`; empty when Voikko does not know it."""
    if (voikko := _voikko()) is None:
        return ()
    with _voikko_lock:
        analyses = voikko.analyze(word)
    found = {analysis["BASEFORM"] for analysis in analyses if analysis.get("BASEFORM")}
    if parts:
        for analysis in analyses:
            found |= _compound_parts(voikko, analysis)
    return tuple(sorted({base.casefold() for base in found if len(base) >= 3 and WORD.fullmatch(base)}))


def _compound_parts(voikko, analysis: dict) -> set[str]:
    """The parts of a compound word: each part's base form, and the pieces of the whole word's base form.

    "kotoutumispalveluihin" gives "kotoutua" and, from "kotoutumispalvelu", "kotoutumis" and "palvelu"; a part
    followed by a derivation ("palvel(palvella)+u(+u)") is left out, since "palvella" is not what the word says.
    """
    bases = _WORD_BASE.findall(analysis.get("WORDBASES", ""))
    if len(bases) < 2:
        return set()
    found = {base for (_part, base), (_next, following) in zip(bases, [*bases[1:], ("", "")]) if not base.startswith("+") and not following.startswith("+")}
    whole = analysis.get("BASEFORM", "")
    with _voikko_lock:
        again = voikko.analyze(whole)
    pieces, at = [""], 0
    for mark in again[0].get("STRUCTURE", "") if again else "":
        if mark == "=":
            pieces.append("")
        elif at < len(whole):
            pieces[-1] += whole[at]
            at += 1
    return found | ({piece for piece in pieces if piece} if len([piece for piece in pieces if piece]) > 1 else set())


def word_terms(word: str, languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """One word's index terms: in Finnish its base forms and parts where Voikko knows it, else each language's stem."""
    found = []
    for language in languages:
        bases = finnish_base_forms(word, parts=True) if language == "fi" else ()
        found += [f"fi{base}" for base in bases] or [f"{language}{stem(language, word)}"]
    return found


def words(text: str) -> list[str]:
    """The words of a text, case-folded, as the index and the queries see them."""
    return [word for word in (found.casefold() for found in WORD.findall(text)) if len(word) <= WORD_MAX]


def terms(text: str, languages: Iterable[str] = LANGUAGES) -> str:
    """The index terms of a text: each word's stem in each language it may be in, tagged with the language."""
    languages = tuple(languages)
    return " ".join(term for word in words(text[:TEXT_KEPT]) for term in word_terms(word, languages))


def finnish_prefix(stemmed: str) -> str:
    """A Finnish stem without the end inflection changes: final vowels, and in a long stem the -n, -s, -st or -ks before them."""
    trimmed = stemmed.rstrip(FINNISH_VOWELS)
    if len(trimmed) >= 7 and (trimmed[-1] in "ns" or trimmed.endswith("st")):
        shorter = (trimmed[:-2] if trimmed.endswith(("ks", "st")) else trimmed[:-1]).rstrip(FINNISH_VOWELS)
        if len(shorter) >= 6:  # a shorter prefix finds unrelated words ("vastaus" would find "vastaanotto")
            return shorter
    return trimmed


def query_alternatives(word: str) -> list[tuple[str, bool]]:
    """The terms one word of a query matches, each with whether it is a prefix.

    A Finnish word Voikko knows is asked for by its base forms (not its compound parts: "työtila" should not find
    every "työ"). Otherwise Snowball's stem: Finnish changes a stem's end in inflection ("työtila" → "työtil",
    "työtiloissa" → "työtilo"; "vapaaehtoinen" → "vapaaehtoin", "vapaaehtoisia" → "vapaaehtois"), so the Finnish
    stem is asked for as a prefix without that end (`finnish_prefix`) when at least four letters remain; a prefix
    also finds the base forms that begin with it, as one does while still typing ("kotoutu").
    """
    found = []
    for language in LANGUAGES:
        if language == "fi" and (bases := finnish_base_forms(word, parts=False)):
            found += [(f"fi{base}", False) for base in bases]
            continue
        stemmed = stem(language, word)
        if language == "fi" and len(trimmed := finnish_prefix(stemmed)) >= 4:
            found.append((f"fi{trimmed}", True))
        else:
            found.append((f"{language}{stemmed}", False))
    return found


def _put(
    session: Session, kind: str, item_id: int, *, title: str, body: str, at: datetime, languages: Iterable[str] = LANGUAGES, part: str = "", workspace_id: int | None = None, found_by: str | None = None
) -> None:
    """Write one entry in the caller's transaction, replacing what the index held for it; `found_by` are its terms when the caller made them."""
    body = body[:TEXT_KEPT]
    rebuilding = session.info.get(_REBUILT)
    if rebuilding is None:
        session.connection().execute(delete(entries).where(entries.c.kind == kind, entries.c.item_id == item_id, entries.c.part == part))
    found_by = terms(f"{title}\n{body}", languages) if found_by is None else found_by
    if not found_by:
        return
    row = {"kind": kind, "item_id": item_id, "part": part, "workspace_id": workspace_id, "title": title, "body": body, "terms": found_by, "scope": scope_tokens(kind, workspace_id), "at": at}
    if rebuilding is None:
        session.connection().execute(insert(entries), [row])
    else:
        rebuilding.append(row)
        if len(rebuilding) >= REBUILT_AT_ONCE:
            _write_rebuilt(session)


def _write_rebuilt(session: Session) -> None:
    """Insert the entries a rebuild has gathered, in one statement of many rows."""
    if rows := session.info.get(_REBUILT):
        session.connection().execute(insert(entries), rows)
        rows.clear()


def forget(session: Session, kind: str, item_id: int) -> None:
    """Remove every entry of an item (a post deleted for good, a document purged)."""
    session.connection().execute(delete(entries).where(entries.c.kind == kind, entries.c.item_id == item_id))


def forget_workspace_content(session: Session, workspace_id: int) -> None:
    """Remove a workspace's posts and documents from the index (its content deleted for good)."""
    session.connection().execute(delete(entries).where(entries.c.workspace_id == workspace_id))


def forget_posts_of(session: Session, author_id: int) -> None:
    """Remove every post of a member from the index (their content erased)."""
    session.connection().execute(delete(entries).where(entries.c.kind == "post", entries.c.item_id.in_(select(Post.id).where(Post.author_id == author_id))))


def put_post(session: Session, post: Post, thread: Thread, *, opening: bool) -> None:
    """Index a post; an opening post carries its thread's title."""
    _put(session, "post", post.id, title=thread.title if opening else "", body=post.body, at=post.edited_at or post.created_at, workspace_id=thread.workspace_id)


def put_post_by_id(session: Session, post_id: int) -> None:
    """Index a post read by its id, unless it is a private message (which are never searched)."""
    post = session.get(Post, post_id)
    thread = session.get(Thread, post.thread_id)
    if thread.conversation_id is not None:
        return
    opening = session.exec(select(func.min(Post.id)).where(Post.thread_id == thread.id)).one() == post.id
    put_post(session, post, thread, opening=opening)


def put_document(session: Session, document: Document, text: str | None = None) -> None:
    """Index a document's name, description and the text extracted from its newest version (read here unless given)."""
    from partnerskap.services import extraction

    text = extraction.text_of_newest(session, document.id) if text is None else text
    body = "\n".join(part for part in (document.description, text) if part)
    _put(session, "document", document.id, title=document.name, body=body, at=document.updated_at, workspace_id=document.workspace_id)


def content_kind(item: ContentItem) -> str:
    """The kind an item's entries have: events are searched apart from pages and news."""
    return "event" if item.kind == ContentKind.EVENT else "content"


def put_content_version(session: Session, version: ContentVersion, item: ContentItem) -> None:
    """Index one language version of a page, news item or event (whether it is public is decided when searching)."""
    language = version.language if version.language in LANGUAGES else "fi"
    part = f"{version.language}-plain" if version.plain else version.language
    _put(session, content_kind(item), item.id, part=part, title=version.title, body=f"{version.description}\n{version.body}", at=item.publish_at or item.updated_at, languages=(language,))


def put_content_item(session: Session, item: ContentItem) -> None:
    """Index every language version of an item again (its kind or date changed)."""
    for kind in ("content", "event"):
        forget(session, kind, item.id)
    for version in session.exec(select(ContentVersion).where(ContentVersion.item_id == item.id)).all():
        put_content_version(session, version, item)


def put_activity(session: Session, activity: Activity) -> None:
    """Index an activity once, each language's name and description stemmed in that language."""
    texts = {language: f"{getattr(activity, f'name_{language}')}\n{getattr(activity, f'description_{language}')}" for language in LANGUAGES}
    shared = f"{activity.organisation}\n{activity.address}"
    found_by = " ".join(filter(None, [*(terms(text, (language,)) for language, text in texts.items()), terms(shared)]))
    title = next((getattr(activity, f"name_{language}") for language in LANGUAGES if getattr(activity, f"name_{language}")), "")
    _put(session, "activity", activity.id, title=title, body="\n".join([*(texts[language] for language in LANGUAGES if texts[language].strip()), shared]), at=activity.updated_at, found_by=found_by)


def put_workspace(session: Session, workspace: Workspace) -> None:
    """Index a workspace's name, purpose and description."""
    _put(session, "workspace", workspace.id, title=workspace.name, body=f"{workspace.purpose}\n{workspace.description}", at=workspace.created_at)


def put_network(session: Session, network: Network) -> None:
    """Index a network's name and purpose."""
    _put(session, "network", network.id, title=network.name, body=network.purpose, at=network.created_at)


def put_person(session: Session, user: User, profile: Profile | None = None) -> None:
    """Index a member as the directory shows them to members: name, organisation, title and introduction."""
    profile = profile or session.get(Profile, user.id)
    body = "\n".join(part for part in (user.organisation, profile.title if profile else "", profile.bio if profile else "") if part)
    _put(session, "member", user.id, title=user.name, body=body, at=user.created_at)


def _newest_texts(session: Session) -> dict[int, str]:
    """The text found in each document's newest version that has one, read in one query."""
    newest = select(DocumentVersion.document_id, func.max(DocumentVersion.number).label("number")).join(DocumentText, col(DocumentText.version_id) == col(DocumentVersion.id)).group_by(DocumentVersion.document_id).subquery()
    rows = session.exec(
        select(DocumentVersion.document_id, DocumentText.text)
        .join(DocumentText, col(DocumentText.version_id) == col(DocumentVersion.id))
        .join(newest, (newest.c.document_id == col(DocumentVersion.document_id)) & (newest.c.number == col(DocumentVersion.number)))
    ).all()
    return dict(rows)


def reindex(session: Session) -> int:
    """Rebuild the whole index from the tables (after a restore, or an upgrade that changes the normaliser); the entries written."""
    session.connection().execute(delete(entries))
    session.info[_REBUILT] = []
    openings = dict(session.exec(select(Post.thread_id, func.min(Post.id)).group_by(Post.thread_id)).all())
    threads = {thread.id: thread for thread in session.exec(select(Thread).where(col(Thread.conversation_id).is_(None))).all()}
    for post in session.exec(select(Post).where(col(Post.thread_id).in_(list(threads) or [0]), col(Post.deleted_at).is_(None))).all():
        put_post(session, post, threads[post.thread_id], opening=openings.get(post.thread_id) == post.id)
    texts = _newest_texts(session)
    for document in session.exec(select(Document).where(col(Document.deleted_at).is_(None))).all():
        put_document(session, document, texts.get(document.id, ""))
    items = {item.id: item for item in session.exec(select(ContentItem)).all()}
    for version in session.exec(select(ContentVersion)).all():
        put_content_version(session, version, items[version.item_id])
    for activity in session.exec(select(Activity)).all():
        put_activity(session, activity)
    for workspace in session.exec(select(Workspace)).all():
        put_workspace(session, workspace)
    for network in session.exec(select(Network)).all():
        put_network(session, network)
    profiles = {profile.user_id: profile for profile in session.exec(select(Profile)).all()}
    for user in session.exec(select(User).where(col(User.status) == Status.APPROVED)).all():
        put_person(session, user, profiles.get(user.id))
    _write_rebuilt(session)
    del session.info[_REBUILT]
    session.connection().execute(delete(meta).where(meta.c.key == "normaliser"))
    session.connection().execute(insert(meta), [{"key": "normaliser", "value": normaliser()}])
    return session.connection().execute(select(func.count()).select_from(entries)).scalar_one()


memory.register(
    "Finnish base forms",
    holds="Voikko's base forms of up to 50 000 recent Finnish words (with or without their compound parts)",
    lasts="the process",
    others_learn="nothing to learn: a word's base forms never change",
)
memory.register(
    "stems",
    holds="the Snowball stem of up to 50 000 recent (language, word) pairs",
    lasts="the process",
    others_learn="nothing to learn: a word's stem never changes",
)
