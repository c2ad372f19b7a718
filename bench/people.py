"""How fast the member directory and a big network are: seed 5 000 members and 50 000 posts, time what members do.

    python -m bench.people                      # a fresh SQLite file in a temporary directory
    python -m bench.people --database-url postgresql+psycopg://postgres@127.0.0.1:5432/partnerskap_bench

The database is created and migrated with Alembic, then seeded with bulk inserts: 5 000 approved members with
profiles (an organisation type, a region, two or three themes, one to three languages; a third of them public,
each public field chosen at random), one network that all of them belong to, holding 100 threads and 50 000
posts (the biggest thread 5 000 of them), plus 50 smaller networks. The services are then called as the app's
states call them and timed as `bench.discussions` times them (same table, same warm-up, no assertion anywhere).
"""

from __future__ import annotations

import argparse
import random
import shutil
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text
from sqlmodel import select

from bench.discussions import (
    RUN_DIR,
    Recorder,
    _explain,
    _scratch_postgres,
    _use_database,
    machine,
    measure,
    table,
)
from partnerskap.db import engine, transaction
from partnerskap.migrations import migrate
from partnerskap.models import (
    Network,
    NetworkMember,
    Post,
    Profile,
    ProfileLanguage,
    ProfileTheme,
    Status,
    Thread,
    ThreadReader,
    User,
)
from partnerskap.models.accounts import folded
from partnerskap.services import discussions, networks, people
from partnerskap.services.people_lists import (
    ORGANISATION_TYPES,
    REGIONS,
    SPOKEN_LANGUAGES,
    THEMES,
)
from partnerskap.services.sessions import Viewer

FIRST = ("Aino", "Erik", "Samira", "Matti", "Sofia", "Ahmed", "Liisa", "Johan", "Fatima", "Pekka", "Anna", "Omar", "Helmi", "Nils", "Leyla")
LAST = ("Virtanen", "Lindqvist", "Haddad", "Korhonen", "Nieminen", "Ali", "Mäkinen", "Berg", "Hassan", "Laine", "Holm", "Yusuf")


def seed(*, members: int, posts: int, threads: int, biggest: int, rng: random.Random) -> dict:
    """Bulk-insert the members, their profiles, the big network, its threads and posts; returns the ids the timing needs."""
    now = datetime.now(UTC)
    with transaction() as session:
        connection = session.connection()
        users = [
            {
                "email": f"member{i}@example.org",
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                "organisation": f"Organisation {i % 700}",
                "password_hash": "!",
                "status": Status.APPROVED,
                "role": "member",
                "language": rng.choice(("fi", "sv", "en")),
                "terms_accepted_at": now,
                "created_at": now,
                "status_reason": "",
            }
            for i in range(members)
        ]
        for user in users:  # what User's write hook sets, which a bulk insert skips
            user["name_key"], user["organisation_key"] = folded(user["name"]), folded(user["organisation"])
        connection.execute(insert(User), users)
        ids = list(session.exec(select(User.id).order_by(User.id)).all())
        profiles, themes, languages = [], [], []
        for user_id in ids:
            public = rng.random() < 1 / 3
            profiles.append(
                {
                    "user_id": user_id,
                    "title": "Coordinator",
                    "organisation_type": rng.choice(ORGANISATION_TYPES)[0],
                    "region": rng.choice(REGIONS)[0],
                    "bio": "",
                    "show_email": rng.random() < 0.5,
                    "messages_from": "everyone",
                    "public": public,
                    **{f"public_{name}": public and rng.random() < 0.5 for name in people.PUBLIC_FIELDS},
                    "updated_at": now,
                }
            )
            themes += [{"user_id": user_id, "theme": theme} for theme in rng.sample([key for key, *_ in THEMES], rng.randint(2, 3))]
            languages += [{"user_id": user_id, "language": code} for code in rng.sample(SPOKEN_LANGUAGES[:8], rng.randint(1, 3))]
        connection.execute(insert(Profile), profiles)
        connection.execute(insert(ProfileTheme), themes)
        connection.execute(insert(ProfileLanguage), languages)
        network_ids = []
        for number in range(51):
            name = "Reception centres in Ostrobothnia" if number == 0 else f"Network {number}"
            network_ids.append(connection.execute(insert(Network).returning(Network.id), {"name": name, "name_key": name.casefold(), "purpose": "", "kind": "theme", "access": "open", "created_by": ids[0], "created_at": now, "member_count": len(ids) if number == 0 else 1}).scalar_one())
        big = network_ids[0]
        connection.execute(insert(NetworkMember), [{"network_id": big, "user_id": user_id, "role": "owner" if user_id == ids[0] else "member", "pending": False, "joined_at": now} for user_id in ids])
        connection.execute(insert(NetworkMember), [{"network_id": network_id, "user_id": rng.choice(ids), "role": "owner", "pending": False, "joined_at": now} for network_id in network_ids[1:]])
        counts = [biggest] + [max(1, (posts - biggest) // (threads - 1))] * (threads - 1)
        biggest_id, biggest_posts = 0, []
        for number, count in enumerate(counts):
            started = now - timedelta(days=threads - number)
            thread_id = connection.execute(
                insert(Thread).returning(Thread.id),
                {"network_id": big, "title": f"Thread {number}", "author_id": ids[number % len(ids)], "pinned": False, "created_at": started, "last_post_at": started, "post_count": count},
            ).scalar_one()
            authors = rng.sample(ids, 40)
            rows = [
                {"thread_id": thread_id, "author_id": authors[i % 40], "body": "Thanks, agreed.", "html": "<p>Thanks, agreed.</p>\n", "idempotency_key": f"b-{thread_id}-{i}", "created_at": started + timedelta(seconds=i)}
                for i in range(count)
            ]
            connection.execute(insert(Post), rows)
            connection.execute(insert(ThreadReader), [{"thread_id": thread_id, "user_id": author, "last_read_post_id": 0, "following": True} for author in authors])
            if number == 0:
                biggest_id = thread_id
                biggest_posts = list(session.exec(select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id)).all())
    if engine().dialect.name == "postgresql":
        with engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return {"members": ids, "network": big, "thread": biggest_id, "posts": biggest_posts}


def run_operations(data: dict, repeat: int, recorder: Recorder) -> list:
    """Time the directory, a member's page and the big network's page, discussion and mention completion."""
    with transaction() as session:
        member = Viewer.of(session.get(User, data["members"][1]))
    network, thread = data["network"], data["thread"]
    results = []
    regions = [key for key, *_ in REGIONS]
    themes = [key for key, *_ in THEMES]
    results.append(measure("people.directory() first page, no filter", lambda i: people.directory(member, people.Filters()).people, repeat, recorder))
    results.append(measure("people.directory() by theme", lambda i: people.directory(member, people.Filters(theme=themes[i % len(themes)])).people, repeat, recorder))
    results.append(
        measure(
            "people.directory() theme + language + region",
            lambda i: people.directory(member, people.Filters(theme=themes[i % len(themes)], language="sv", region=regions[i % len(regions)])).people,
            repeat,
            recorder,
        )
    )
    results.append(measure("people.directory() by name, page 3", lambda i: people.directory(member, people.Filters(text="virtanen"), page=3).people, repeat, recorder))
    results.append(measure("people.directory() visitor, by region (public only)", lambda i: people.directory(None, people.Filters(region=regions[i % len(regions)])).people, repeat, recorder))
    results.append(measure("people.person() a member's page", lambda i: [people.person(member, data["members"][(i * 37) % len(data["members"])])], repeat, recorder))
    results.append(measure("networks.page() 5000 members, 100 threads", lambda i: [networks.page(member, network)], repeat, recorder))
    results.append(measure("networks.listing()", lambda i: networks.listing(member), repeat, recorder))
    results.append(measure(f"discussions.posts() first page ({len(data['posts'])}-post network thread)", lambda i: discussions.posts(member, thread), repeat, recorder))
    results.append(measure("discussions.mention_candidates() typing 'ai'", lambda i: discussions.mention_candidates(member, thread, "ai"), repeat, recorder))

    def post_reply(i: int) -> list:
        mentioned = data["members"][(i * 53) % len(data["members"])]
        return discussions.reply(member, thread, f"Agreed @[Someone](member:{mentioned}) ({i})", discussions.new_key())

    results.append(measure("discussions.reply() in the network (40 followers, a mention)", post_reply, repeat, recorder))
    return results


def main() -> None:
    """Build the database, time, report, clean up."""
    parser = argparse.ArgumentParser(prog="python -m bench.people", description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--posts", type=int, default=50000)
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument("--biggest", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL whose database name contains 'bench'; default: a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="also print the query plan of every SELECT each operation sends")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards (and say where it is)")
    arguments = parser.parse_args()
    url, drop = "", None
    try:
        if arguments.database_url:
            url, drop = _scratch_postgres(arguments.database_url)
        else:
            url = f"sqlite:///{RUN_DIR / 'bench.db'}"
        _use_database(url)
        started = time.perf_counter()
        migrate()
        data = seed(members=arguments.members, posts=arguments.posts, threads=arguments.threads, biggest=arguments.biggest, rng=random.Random(arguments.seed))
        prepared = time.perf_counter() - started
        recorder = Recorder()
        results = run_operations(data, arguments.repeat, recorder)
        print(f"\n## People and networks benchmark: {engine().dialect.name}\n")
        for key, value in machine().items():
            print(f"- {key}: {value}")
        print(f"- data: {len(data['members'])} members with profiles, one network of all of them with {arguments.threads} threads and {arguments.posts} posts (biggest thread {len(data['posts'])}), 50 other networks")
        print(f"- migrate + seed: {prepared:.1f} s\n")
        print(table(results))
        if arguments.explain:
            print("\n### Query plans")
            for result in results:
                print(f"\n  {result.name}")
                _explain(result)
    finally:
        engine().dispose()
        if arguments.keep and drop is not None:
            print(f"\nkept: {url}")
        else:
            if drop is not None:
                drop()
            shutil.rmtree(RUN_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
