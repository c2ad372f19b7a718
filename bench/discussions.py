"""How fast discussions are in a busy workspace: seed 10 000 posts, time what a member does, print a markdown table.

    python -m bench.discussions                      # a fresh SQLite file in a temporary directory
    python -m bench.discussions --database-url postgresql+psycopg://postgres@127.0.0.1:5432/partnerskap_bench

The database is created, migrated with Alembic (as `partnerskap.cli migrate` does), seeded with bulk inserts
(one workspace with 20 members, 200 threads, 10 000 posts, the biggest thread holding 2 000 of them, a library
of 500 documents with one post in fifty attaching one, plus 49 smaller workspaces for the workspace list), then
every operation is called through the services, exactly as the app's states call them, many times; each call
is timed with time.perf_counter (and time.process_time, the benchmark process's own CPU). A PostgreSQL database
is dropped and created again, so its name must contain "bench"; it is dropped at the end unless --keep.
Nothing here is a test: no time is asserted anywhere.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import random
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

RUN_DIR = Path(tempfile.mkdtemp(prefix="partnerskap-bench-"))
# Settings are read once at import: point them at the scratch directory before anything imports partnerskap.
os.environ["PARTNERSKAP_DATA_DIR"] = str(RUN_DIR / "data")
os.environ.setdefault("PARTNERSKAP_SECRET_KEY", "bench-secret-key")
os.environ["DATABASE_URL"] = f"sqlite:///{RUN_DIR / 'bench.db'}"

from sqlalchemy import create_engine, event, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from partnerskap import settings as config  # noqa: E402
from partnerskap.migrations import migrate  # noqa: E402
from partnerskap.db import engine, transaction  # noqa: E402
from partnerskap.models import (  # noqa: E402
    AccessPolicy,
    Document,
    DocumentVersion,
    Membership,
    NotificationSettings,
    Post,
    PostAttachment,
    Status,
    Thread,
    ThreadReader,
    User,
    Workspace,
    WorkspaceRole,
)
from partnerskap.services import discussions, home, markdown, workspaces  # noqa: E402
from partnerskap.services.sessions import Viewer  # noqa: E402

WORDS = (
    "kotoutuminen integration kumppanuus samarbete project hanke workshop työpaja language course kielikurssi "
    "volunteers vapaaehtoiset funding rahoitus meeting kokous report raportti municipality kunta reception "
    "vastaanotto mentoring families perheet housing asuminen employment työllisyys schedule aikataulu budget "
    "partners kumppanit feedback palaute evaluation arviointi training koulutus outreach event tapahtuma "
    "the a and to of for with we our next week please could you share draft agreed plan update thanks"
).split()
BIGGEST_THREAD_TITLE = "Yhteinen kevään suunnitelma / Our spring plan"


# --- the scratch database -------------------------------------------------------------------------------


def _scratch_postgres(url: str) -> tuple[str, Callable[[], None]]:
    """Drop and create the named database on the server; returns its URL and how to drop it again."""
    parsed = make_url(url)
    name = parsed.database or ""
    if "bench" not in name or not name.replace("_", "").isalnum():
        sys.exit(f"refusing to drop and create database {name!r}: its name must contain 'bench' (e.g. partnerskap_bench)")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return parsed.render_as_string(hide_password=False), drop


def _use_database(url: str) -> None:
    config.settings = dataclasses.replace(config.settings, database_url=url)


# --- seeding ---------------------------------------------------------------------------------------------


def _body(rng: random.Random, members: list[int], names: dict[int, str]) -> str:
    """A plausible markdown post: paragraphs, now and then a list, emphasis, a link, a quote or a mention."""
    paragraphs = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        words = rng.choices(WORDS, k=rng.randint(12, 45))
        if rng.random() < 0.3:
            i = rng.randrange(len(words))
            words[i] = f"**{words[i]}**"
        if rng.random() < 0.15:
            words.append("[https://example.org/materials](https://example.org/materials)")
        paragraphs.append(" ".join(words).capitalize() + ".")
    if rng.random() < 0.15:
        paragraphs.append("\n".join(f"- {' '.join(rng.choices(WORDS, k=rng.randint(3, 8)))}" for _ in range(rng.randint(2, 5))))
    if rng.random() < 0.1:
        paragraphs.insert(0, "> " + " ".join(rng.choices(WORDS, k=15)))
    if rng.random() < 0.1:
        someone = rng.choice(members)
        paragraphs[-1] += f" @[{names[someone]}](member:{someone})"
    return "\n\n".join(paragraphs)


@dataclasses.dataclass
class Seeded:
    """What the timed operations need to know about the seeded data."""

    workspace_id: int
    members: list[int]
    biggest_thread: int
    biggest_post_ids: list[int]
    posts: int
    threads: int
    documents: int
    attachments: int


def _post_counts(rng: random.Random, posts: int, threads: int, biggest: int) -> list[int]:
    """Posts per thread: the first holds `biggest`, the others share the rest unevenly, each at least one."""
    biggest = max(1, min(biggest, posts - (threads - 1)))
    counts = [biggest] + [1] * (threads - 1)
    weights = [rng.expovariate(1.0) for _ in range(threads - 1)]
    for index in rng.choices(range(1, threads), weights=weights, k=posts - biggest - (threads - 1)):
        counts[index] += 1
    return counts


def seed(*, posts: int, threads: int, member_count: int, biggest: int, other_workspaces: int, documents: int, rng: random.Random) -> Seeded:
    """Bulk-insert consistent rows (ids given explicitly, PostgreSQL's sequences moved past them)."""
    now = datetime.now(UTC)
    year_ago = now - timedelta(days=365)
    outsiders = 80
    user_ids = list(range(1, member_count + outsiders + 1))
    members = user_ids[:member_count]
    names = {uid: f"Member {uid:03d}" for uid in user_ids}
    users = [
        dict(
            id=uid,
            email=f"member{uid:03d}@example.org",
            name=names[uid],
            organisation=f"Organisation {uid % 17}",
            password_hash="!",
            status=Status.APPROVED,
            role="member",
            language=("fi", "sv", "en")[uid % 3],
            email_confirmed_at=year_ago,
            terms_accepted_at=year_ago,
            status_reason="",
            created_at=year_ago,
        )
        for uid in user_ids
    ]
    # Some members want replies by e-mail at once, some a daily digest, the rest the defaults.
    notification_settings = [
        dict(user_id=uid, email_kinds="mention,reply,invitation,decision", frequency="immediate" if uid % 2 else "daily")
        for uid in members[::4]
    ]

    workspace_rows, membership_rows = [], []
    for wid in range(1, other_workspaces + 2):
        main = wid == 1
        workspace_rows.append(
            dict(
                id=wid,
                name="Kevät 2026 -hanke" if main else f"Workspace {wid:03d}",
                name_key="kevät 2026 -hanke" if main else f"workspace {wid:03d}",
                purpose="Integration work with the municipality and our partners" if main else f"Purpose {wid}",
                description="",
                kind="project" if wid % 4 else "event",
                language="fi",
                colour="teal",
                lifecycle="active",
                access=AccessPolicy.OPEN if main or wid % 3 else AccessPolicy.INVITATION,
                created_by=1 if main else rng.choice(user_ids),
                created_at=year_ago,
                last_activity_at=now - timedelta(minutes=5) if main else year_ago + timedelta(days=rng.randint(0, 360)),
            )
        )
        in_it = members if main else rng.sample(user_ids, rng.randint(2, 12))
        for position, uid in enumerate(in_it):
            role = WorkspaceRole.OWNER if position == 0 else WorkspaceRole.MODERATOR if position < 3 else WorkspaceRole.MEMBER
            membership_rows.append(dict(workspace_id=wid, user_id=uid, role=role, joined_at=year_ago))
    # The viewer (member 2) belongs to a handful of the other workspaces too.
    for wid in range(2, min(other_workspaces + 2, 8)):
        if not any(m["workspace_id"] == wid and m["user_id"] == 2 for m in membership_rows):
            membership_rows.append(dict(workspace_id=wid, user_id=2, role=WorkspaceRole.MEMBER, joined_at=year_ago))

    # Posts: every thread starts at some point in the year; its posts fall between then and now. Ids follow time.
    counts = _post_counts(rng, posts, threads, biggest)
    timeline = []  # (created_at, thread index)
    starts = []
    for index, count in enumerate(counts):
        start = year_ago + timedelta(seconds=rng.uniform(0, 330 * 86400))
        starts.append(start)
        timeline.append((start, index))
        span = (now - timedelta(minutes=10) - start).total_seconds()
        timeline.extend((start + timedelta(seconds=rng.uniform(1, span)), index) for _ in range(count - 1))
    timeline.sort()
    post_rows = []
    thread_posts: list[list[tuple[int, int]]] = [[] for _ in counts]  # per thread: (post id, author)
    first_author = {}
    for post_id, (created_at, index) in enumerate(timeline, start=1):
        author = rng.choice(members)
        first_author.setdefault(index, author)
        thread_posts[index].append((post_id, author))
        body = _body(rng, members, names)
        post_rows.append(
            dict(
                id=post_id,
                thread_id=index + 1,
                author_id=author,
                body=body,
                html=markdown.render(body),
                quote_of=None,
                idempotency_key=secrets.token_hex(16),
                created_at=created_at,
            )
        )
    created = {index + 1: created_at for created_at, index in reversed(timeline)}  # the earliest wins
    last = {index + 1: created_at for created_at, index in timeline}  # the latest wins
    thread_rows = [
        dict(
            id=index + 1,
            workspace_id=1,
            title=BIGGEST_THREAD_TITLE if index == 0 else f"Thread {index + 1}: {' '.join(rng.choices(WORDS, k=5))}",
            author_id=first_author[index],
            pinned=index in (5, 17),
            created_at=created[index + 1],
            last_post_at=last[index + 1],
            post_count=counts[index],
        )
        for index in range(len(counts))
    ]

    # Readers: whoever posted follows the thread and has read at least up to their own last post (as reply() does);
    # most have read to the end. The viewer also reads some threads without posting in them.
    reader_rows = []
    for index, in_thread in enumerate(thread_posts):
        newest = in_thread[-1][0]
        own_last = {}
        for post_id, author in in_thread:
            own_last[author] = post_id
        for uid, own in own_last.items():
            reader_rows.append(dict(thread_id=index + 1, user_id=uid, last_read_post_id=newest if rng.random() < 0.7 else own, following=True))
        if 2 not in own_last and rng.random() < 0.3:
            reader_rows.append(dict(thread_id=index + 1, user_id=2, last_read_post_id=rng.choice(in_thread)[0], following=False))

    # The library: documents (each with one version) in the workspace and a few in every other one;
    # about one post in fifty has a document of its own workspace attached.
    document_rows, version_rows = [], []
    for wid in range(1, other_workspaces + 2):
        for _ in range(documents if wid == 1 else max(1, documents // 50)):
            did = len(document_rows) + 1
            uploaded = year_ago + timedelta(days=rng.randint(0, 360))
            document_rows.append(
                dict(
                    id=did,
                    workspace_id=wid,
                    name=f"{' '.join(rng.choices(WORDS, k=3))} {did}.pdf",
                    created_by=rng.choice(members if wid == 1 else user_ids),
                    created_at=uploaded,
                    updated_at=uploaded,
                    deleted_at=uploaded if rng.random() < 0.05 else None,
                )
            )
            version_rows.append(
                dict(
                    document_id=did,
                    number=1,
                    storage_key=f"bench/{did}",
                    size=rng.randint(10_000, 5_000_000),
                    content_type="application/pdf",
                    sha256=secrets.token_hex(32),
                    uploaded_by=document_rows[-1]["created_by"],
                    uploaded_at=uploaded,
                )
            )
    in_main = [d["id"] for d in document_rows if d["workspace_id"] == 1 and d["deleted_at"] is None]
    attachment_rows = [dict(post_id=row["id"], document_id=rng.choice(in_main)) for row in post_rows if in_main and rng.random() < 0.02]

    tables = [
        (User, users),
        (NotificationSettings, notification_settings),
        (Workspace, workspace_rows),
        (Membership, membership_rows),
        (Thread, thread_rows),
        (Post, post_rows),
        (ThreadReader, reader_rows),
        (Document, document_rows),
        (DocumentVersion, version_rows),
        (PostAttachment, attachment_rows),
    ]
    with engine().begin() as connection:
        for model, rows in tables:
            for start in range(0, len(rows), 2000):
                connection.execute(model.__table__.insert(), rows[start : start + 2000])
        if connection.dialect.name == "postgresql":
            for model in (User, Workspace, Membership, Thread, Post, ThreadReader, Document, DocumentVersion, PostAttachment):
                table = model.__table__.name
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"))
    if engine().dialect.name == "postgresql":
        # What autovacuum would have done by the time a workspace has this many posts.
        with engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return Seeded(
        workspace_id=1,
        members=members,
        biggest_thread=1,
        biggest_post_ids=[post_id for post_id, _ in thread_posts[0]],
        posts=len(post_rows),
        threads=len(thread_rows),
        documents=len(document_rows),
        attachments=len(attachment_rows),
    )


# --- timing ----------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Result:
    """Timings of one operation."""

    name: str
    samples: list[float]
    cpu: list[float]
    rows: int
    queries: int
    statements: list[tuple[str, object]]

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile, in milliseconds."""
        ordered = sorted(self.samples)
        return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))] * 1000


class Recorder:
    """Counts (and keeps) the SQL statements sent while switched on."""

    def __init__(self) -> None:
        self.on = False
        self.statements: list[tuple[str, object]] = []
        event.listen(engine(), "before_cursor_execute", self._seen)

    def _seen(self, _connection, _cursor, statement, parameters, _context, _executemany) -> None:
        if self.on:
            self.statements.append((statement, parameters))


def measure(name: str, call: Callable[[int], object], repeat: int, recorder: Recorder, *, before: Callable[[int], None] | None = None, warmup: int = 3) -> Result:
    """Call `call(i)` `warmup` times untimed (the first one with its SQL recorded), then `repeat` times timed."""
    recorder.statements = []
    for i in range(warmup):
        if before:
            before(i)
        recorder.on = i == 0
        call(i)
        recorder.on = False
    statements = recorder.statements
    samples, cpu = [], []
    rows = 0
    for i in range(warmup, warmup + repeat):
        if before:
            before(i)
        started, started_cpu = time.perf_counter(), time.process_time()
        outcome = call(i)
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        rows = len(outcome) if isinstance(outcome, list) else 1
    return Result(name, samples, cpu, rows, len(statements), statements)


def run_operations(data: Seeded, repeat: int, recorder: Recorder) -> list[Result]:
    """Time what members do, in the order a member would."""
    with transaction() as session:
        people = {user.id: Viewer.of(user) for user in session.exec(select(User).where(col(User.id).in_(data.members))).all()}
    viewer = people[2]
    thread_id = data.biggest_thread
    ids = data.biggest_post_ids
    results = []

    results.append(measure("workspaces.listing()", lambda i: workspaces.listing(viewer), repeat, recorder))
    results.append(measure("home.home() (a member's home: unread counts, a week's news)", lambda i: home.home(viewer), repeat, recorder))
    listed = min(50, data.threads)  # threads() shows the 50 most recently active
    results.append(
        measure(f"discussions.threads() ({listed} of {data.threads}, unread flags)", lambda i: discussions.threads(viewer, data.workspace_id), repeat, recorder)
    )
    results.append(measure("discussions.open_thread() (open the thread)", lambda i: [discussions.open_thread(viewer, thread_id)], repeat, recorder))

    def unread_again(_i: int) -> None:
        """Untimed: the viewer has not read the last 10 posts, so every timed call also marks the thread read."""
        with transaction() as session:
            session.exec(
                update(ThreadReader).where(col(ThreadReader.thread_id) == thread_id, col(ThreadReader.user_id) == viewer.id).values(last_read_post_id=ids[-11])
            )

    results.append(
        measure(f"discussions.posts() first page ({len(ids)}-post thread)", lambda i: discussions.posts(viewer, thread_id), repeat, recorder, before=unread_again)
    )

    page_size = discussions.PAGE_SIZE
    cursor = {"before": ids[-page_size]}

    def page_back(_i: int) -> list:
        page = discussions.posts(viewer, thread_id, before_id=cursor["before"])
        cursor["before"] = page[0].post.id if len(page) == page_size and page[0].post.id > ids[0] else ids[-page_size]
        return page

    results.append(measure("discussions.posts(before_id) paging back through the thread", page_back, repeat, recorder))
    results.append(measure("discussions.posts(after_id) 3 new posts", lambda i: discussions.posts(viewer, thread_id, after_id=ids[-4]), repeat, recorder))
    behind = min(500, len(ids) - 1)  # 500 is the cap posts(after_id) loads at once
    results.append(
        measure(
            f"discussions.posts(after_id) catching up {behind} posts",
            lambda i: discussions.posts(viewer, thread_id, after_id=ids[-behind - 1]),
            max(10, repeat // 5),
            recorder,
        )
    )

    def post_reply(i: int) -> list:
        author = people[data.members[i % len(data.members)]]
        mentioned = people[data.members[(i + 7) % len(data.members)]]
        body = f"Thanks, agreed. @[{mentioned.name}](member:{mentioned.id}) could you update the **plan** by Friday? ({i})"
        return discussions.reply(author, thread_id, body, discussions.new_key())

    results.append(measure(f"discussions.reply() (notifies {len(data.members) - 1} followers)", post_reply, repeat, recorder))
    return results


def _explain(result: Result) -> None:
    """The database's plan for each SELECT the operation sent."""
    seen = set()
    dialect = engine().dialect.name
    for statement, parameters in result.statements:
        if not statement.lstrip().upper().startswith("SELECT") or statement in seen:
            continue
        seen.add(statement)
        prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        with engine().connect() as connection:
            plan = connection.exec_driver_sql(prefix + statement, parameters).all()
        lines = [row[-1] for row in plan] if dialect == "sqlite" else [row[0] for row in plan]
        print(f"\n    {' '.join(statement.split())[:300]}")
        for line in lines:
            print(f"      {line}")


# --- the report ------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """Facts about where the numbers came from."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with engine().connect() as connection:
        if engine().dialect.name == "sqlite":
            database = f"SQLite {sqlite3.sqlite_version} (WAL, file on {RUN_DIR})"
        else:
            database = connection.execute(text("SELECT version()")).scalar_one().split(",")[0]
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "Python": platform.python_version(),
        "database": database,
        "load average (1, 5, 15 min) after the run": ", ".join(f"{load:.2f}" for load in os.getloadavg()),
    }


def table(results: list[Result]) -> str:
    """The results as a markdown table."""
    lines = [
        "| operation | calls | rows | SQL statements | p50 ms | p95 ms | max ms | p50 CPU ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {len(r.samples)} | {r.rows} | {r.queries} | {statistics.median(r.samples) * 1000:.1f} | {r.percentile(0.95):.1f} | {max(r.samples) * 1000:.1f} | {statistics.median(r.cpu) * 1000:.1f} |"
        )
    return "\n".join(lines)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.discussions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10000, help="posts in the workspace in total (default 10000)")
    parser.add_argument("--threads", type=int, default=200, help="threads in the workspace (default 200)")
    parser.add_argument("--biggest", type=int, default=2000, help="posts in the biggest thread (default 2000)")
    parser.add_argument("--members", type=int, default=20, help="members of the workspace (default 20)")
    parser.add_argument("--other-workspaces", type=int, default=49, help="smaller workspaces for the workspace list (default 49)")
    parser.add_argument("--documents", type=int, default=500, help="documents in the workspace's library; the others get 1 in 50 of that (default 500)")
    parser.add_argument("--repeat", type=int, default=200, help="timed calls per operation (default 200)")
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL whose database name contains 'bench'; default: a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the generated content (default 1)")
    parser.add_argument("--explain", action="store_true", help="also print the query plan of every SELECT each operation sends")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (and say where it is)")
    arguments = parser.parse_args()
    if arguments.threads < 2 or arguments.posts < arguments.threads or arguments.members < 2:
        parser.error("need at least 2 threads, 2 members, and as many posts as threads")
    if arguments.database_url and not arguments.database_url.startswith("postgresql"):
        parser.error("--database-url takes a PostgreSQL URL (SQLite is the default)")
    return arguments


def main() -> None:
    """Parse the command line, build the database, time, report, clean up (also after a failure)."""
    keep, url, drop = False, "", None
    try:
        arguments = _arguments()
        keep = arguments.keep
        if arguments.database_url:
            url, drop = _scratch_postgres(arguments.database_url)
        else:
            url = f"sqlite:///{RUN_DIR / 'bench.db'}"
        _use_database(url)
        started = time.perf_counter()
        migrate()
        data = seed(
            posts=arguments.posts,
            threads=arguments.threads,
            member_count=arguments.members,
            biggest=arguments.biggest,
            other_workspaces=arguments.other_workspaces,
            documents=arguments.documents,
            rng=random.Random(arguments.seed),
        )
        prepared = time.perf_counter() - started
        recorder = Recorder()
        started = time.perf_counter()
        results = run_operations(data, arguments.repeat, recorder)
        timed = time.perf_counter() - started

        facts = machine()
        print(f"\n## Discussions benchmark: {engine().dialect.name}\n")
        for key, value in facts.items():
            print(f"- {key}: {value}")
        print(
            f"- data: 1 workspace, {len(data.members)} members, {data.threads} threads, {data.posts} posts "
            f"(biggest thread {len(data.biggest_post_ids)}), {data.attachments} attachments; "
            f"{arguments.other_workspaces} other workspaces; {data.documents} documents in all"
        )
        print(f"- migrate + seed: {prepared:.1f} s; timed part: {timed:.1f} s\n")
        print(table(results))
        if arguments.explain:
            print("\n### Query plans")
            for result in results:
                print(f"\n  {result.name}")
                _explain(result)
    finally:
        if url:
            engine().dispose()
        if keep and url:
            print(f"\nkept: {url}")
        else:
            if drop:
                drop()
            shutil.rmtree(RUN_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
