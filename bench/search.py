"""How fast search is at scale: seed 100 000 posts, 10 000 documents with text and 10 000 activities, build the
index, time the searches members and visitors make.

    python -m bench.search                      # a fresh SQLite file in a temporary directory
    python -m bench.search --database-url postgresql+psycopg://postgres@127.0.0.1:5432/partnerskap_bench_search
    python -m bench.search --posts 20000 --documents 2000 --activities 2000   # smaller
    python -m bench.search --database-url … --again     # time a database an earlier --keep run left, settled

The database is created and migrated with Alembic, then bulk-inserted: 500 members, 300 workspaces (the member
searching belongs to 20 of them), 5 000 threads with the posts (bench.discussions' vocabulary in Finnish and English,
with inflected Finnish forms), documents each with a version and 200–600 words of extracted text, and activities as
bench.activities makes them. A rare word is planted in 10 posts. The index is built with `search.reindex()` (timed),
then each search is called through `search.search` as the page calls it: 3 untimed warm-up calls, then the timed
ones, reported as bench.discussions reports them. Nothing here is a test: no time is asserted anywhere.
"""

from __future__ import annotations

import argparse
import shutil
import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, text
from sqlmodel import select

from bench.activities import _form
from bench.discussions import RUN_DIR, WORDS, Recorder, _scratch_postgres, _use_database, machine, measure, table
from partnerskap.db import engine, transaction
from partnerskap.migrations import migrate
from partnerskap.models import Activity, Document, DocumentText, DocumentVersion, Membership, Post, Role, Status, Thread, User, Workspace
from partnerskap.services import activities, search, search_index
from partnerskap.services.search import Query
from partnerskap.services.sessions import Viewer

INFLECTED = "työpajoissa työpajan kokouksessa kokouksen hankkeessa hankkeen kuntien kunnissa vapaaehtoisten perheille".split()
RARE = "vuosikellotyöpaja"


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS + INFLECTED, k=rng.randint(low, high)))


def seed(*, posts: int, documents: int, activity_count: int, rng: random.Random) -> dict:
    """Bulk-insert everything; returns the ids the timing needs."""
    now = datetime.now(UTC)
    with transaction() as session:
        connection = session.connection()
        users = [
            {"email": f"searcher{i}@example.org", "name": f"Member {i}", "organisation": f"Organisation {i % 70}", "password_hash": "!", "status": Status.APPROVED,
             "role": Role.ADMIN if i == 1 else Role.MEMBER, "language": "fi", "terms_accepted_at": now, "created_at": now, "status_reason": ""}
            for i in range(500)
        ]
        connection.execute(insert(User), users)
        user_ids = [row[0] for row in connection.execute(text("SELECT id FROM \"user\" ORDER BY id"))]
        spaces = [
            {"name": f"Workspace {i}", "name_key": f"workspace {i}", "purpose": _text(rng, 5, 12), "description": "", "kind": "project", "language": "fi", "colour": "teal",
             "lifecycle": "active", "access": ("open", "request", "invitation")[i % 3], "created_by": user_ids[i % len(user_ids)], "created_at": now, "last_activity_at": now,
             "premoderation_days": 0, "closed_reason": ""}
            for i in range(300)
        ]
        connection.execute(insert(Workspace), spaces)
        workspace_ids = [row[0] for row in connection.execute(text("SELECT id FROM workspace ORDER BY id"))]
        searcher = user_ids[0]
        connection.execute(insert(Membership), [{"workspace_id": w, "user_id": searcher, "role": "member", "joined_at": now} for w in workspace_ids[:20]])
        connection.execute(insert(Thread), [
            {"workspace_id": workspace_ids[i % len(workspace_ids)], "title": _text(rng, 3, 6), "author_id": user_ids[i % len(user_ids)], "pinned": False, "created_at": now, "last_post_at": now, "post_count": 0}
            for i in range(5000)
        ])
        thread_ids = [row[0] for row in connection.execute(text("SELECT id FROM thread ORDER BY id"))]
        rare = set(rng.sample(range(posts), 10))
        batch = []
        for i in range(posts):
            body = _text(rng, 12, 60) + (f" {RARE}" if i in rare else "")
            batch.append({"thread_id": thread_ids[i % len(thread_ids)], "author_id": user_ids[i % len(user_ids)], "body": body, "html": "", "idempotency_key": f"bench-{i}",
                          "created_at": now - timedelta(minutes=posts - i), "held": ""})
            if len(batch) == 5000:
                connection.execute(insert(Post), batch)
                batch = []
        if batch:
            connection.execute(insert(Post), batch)
        connection.execute(insert(Document), [
            {"workspace_id": workspace_ids[i % len(workspace_ids)], "name": f"raportti-{i}.pdf", "description": _text(rng, 0, 10), "rights_holder": "", "licence": "all-rights-reserved",
             "created_by": user_ids[i % len(user_ids)], "created_at": now, "updated_at": now, "held": ""}
            for i in range(documents)
        ])
        document_ids = [row[0] for row in connection.execute(text("SELECT id FROM document ORDER BY id"))]
        connection.execute(insert(DocumentVersion), [
            {"document_id": d, "number": 1, "storage_key": f"bench/{d}", "size": 1000, "content_type": "application/pdf", "sha256": "0" * 64, "uploaded_by": searcher, "uploaded_at": now}
            for d in document_ids
        ])
        version_ids = [row[0] for row in connection.execute(text("SELECT id FROM documentversion ORDER BY id"))]
        for start in range(0, len(version_ids), 2000):
            connection.execute(insert(DocumentText), [{"version_id": v, "state": "text", "text": _text(rng, 200, 600), "extracted_at": now} for v in version_ids[start:start + 2000]])
        known = activities.choices()
        rows = []
        for index in range(activity_count):
            values, _warnings = activities._check(_form(rng, index), known)
            values.pop("search_words")
            rows.append({**values, "submitted_by": searcher, "status": activities.PUBLISHED, "created_at": now, "updated_at": now, "published_at": now, "confirmed_at": now,
                         "proposed": "", "review_note": ""})
            if len(rows) == 1000:
                connection.execute(insert(Activity), rows)
                rows = []
        if rows:
            connection.execute(insert(Activity), rows)
    return {"member": searcher, "admin": user_ids[1], "workspace": workspace_ids[0]}


def _seeded() -> dict:
    """The searcher, the administrator and the first workspace of a database `seed` filled earlier."""
    with transaction() as session:
        first, second = session.exec(select(User.id).order_by(User.id).limit(2)).all()
        return {"member": first, "admin": second, "workspace": session.exec(select(Workspace.id).order_by(Workspace.id).limit(1)).one()}


def _entries() -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(search_index.entries)).one()


def run_operations(data: dict, repeat: int, recorder: Recorder) -> list:
    """Time what members, an administrator and visitors search."""
    with transaction() as session:
        member = Viewer.of(session.get(User, data["member"]))
        admin = Viewer.of(session.get(User, data["admin"]))
    cases = [
        ("member, one common word", member, Query(text="kokous")),
        ("member, one common word, newest first", member, Query(text="kokous", sort="date")),
        ("member, one common word, page 5", member, Query(text="kokous", page=5)),
        ("member, two words", member, Query(text="rahoitus kokous")),
        ("member, three words", member, Query(text="vapaaehtoiset perheet työpaja")),
        ("member, an inflected Finnish word", member, Query(text="työpajoissa")),
        ("member, a rare word", member, Query(text=RARE)),
        ("member, a word found nowhere", member, Query(text="zyxwvuts")),
        ("member, only documents", member, Query(text="raportti", kind="document")),
        ("member, inside one workspace", member, Query(text="kokous", workspace_id=data["workspace"])),
        ("administrator (every workspace), one common word", admin, Query(text="kokous")),
        ("visitor, an activity word", None, Query(text="kielikahvila")),
    ]
    return [measure(name, lambda i, viewer=viewer, query=query: search.search(viewer, query).hits, repeat, recorder) for name, viewer, query in cases]


def main() -> None:
    """Build the database, time, report."""
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL whose database name contains 'bench'; default: a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards, to examine plans")
    parser.add_argument("--again", action="store_true", help="time a PostgreSQL database kept by an earlier --keep run, settled, without seeding it again")
    arguments = parser.parse_args()
    drop = None
    try:
        if arguments.database_url and not arguments.again:
            url, drop = _scratch_postgres(arguments.database_url)
        else:
            url = arguments.database_url or f"sqlite:///{RUN_DIR / 'bench.db'}"
        _use_database(url)
        migrate()
        started = time.perf_counter()
        data = _seeded() if arguments.again else seed(posts=arguments.posts, documents=arguments.documents, activity_count=arguments.activities, rng=random.Random(arguments.seed))
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        entries = _entries() if arguments.again else search.reindex()
        indexed = time.perf_counter() - started
        if engine().dialect.name == "postgresql":
            with engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
                # The load's dirty pages written now, not by the checkpointer while the searches are timed.
                connection.execute(text("CHECKPOINT"))
        else:
            with engine().connect() as connection:
                connection.exec_driver_sql("ANALYZE")
        recorder = Recorder()
        results = run_operations(data, arguments.repeat, recorder)
        print(f"\n## Search benchmark: {engine().dialect.name}\n")
        for key, value in machine().items():
            print(f"- {key}: {value}")
        print(f"- data: {arguments.posts} posts, {arguments.documents} documents with text, {arguments.activities} activities, 300 workspaces; {entries} index entries")
        print("- seeded and indexed by an earlier run, then settled\n" if arguments.again else f"- seed: {seeded:.1f} s; reindex: {indexed:.1f} s\n")
        print(table(results))
    finally:
        engine().dispose()
        if drop and not arguments.keep:
            drop()
        shutil.rmtree(RUN_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
