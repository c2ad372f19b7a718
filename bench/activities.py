"""How fast the public activity search is with 10 000 published activities: seed, time the searches visitors make, print a markdown table.

    python -m bench.activities                      # a fresh SQLite file in a temporary directory
    python -m bench.activities --database-url postgresql+psycopg://postgres@127.0.0.1:5432/partnerskap_bench_activities

The database is created and migrated with Alembic, then 10 000 published activities are bulk-inserted with the
column values the service itself computes from a form (`activities._check`), spread over every municipality
(a third in the ten largest cities), with random kinds, languages, target groups, themes, days, times and
schedules; one in ten is online, one in three costs something, one in twenty is an unconfirmed one that is
hidden. Each search is called through `activities.search` as the directory page calls it, 3 untimed warm-up
calls, then 200 timed ones (time.perf_counter), reported as p50, p95 and max in milliseconds; "and cards" also
builds the 30 result cards the page shows (for a search by region) (names, labels, schedule text and next date). A PostgreSQL database is
dropped and created again, so its name must contain "bench"; it is dropped at the end unless --keep. Nothing
here is a test: no time is asserted anywhere.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

RUN_DIR = Path(tempfile.mkdtemp(prefix="partnerskap-bench-"))
os.environ["PARTNERSKAP_DATA_DIR"] = str(RUN_DIR / "data")
os.environ.setdefault("PARTNERSKAP_SECRET_KEY", "bench-secret-key")
os.environ["DATABASE_URL"] = f"sqlite:///{RUN_DIR / 'bench.db'}"

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from partnerskap import settings as config  # noqa: E402
from partnerskap.cli import migrate  # noqa: E402
from partnerskap.db import engine, transaction  # noqa: E402
from partnerskap.models import Activity, ActivitySearch, Role, Status, User  # noqa: E402
from partnerskap.models.base import utcnow  # noqa: E402
from partnerskap.services import activities  # noqa: E402
from partnerskap.services.activities import ActivityForm, Query  # noqa: E402
from partnerskap.services.municipalities import MUNICIPALITIES  # noqa: E402

ACTIVITIES = 10_000
RUNS = 200
WARM_UP = 3
LARGEST = ["helsinki", "espoo", "tampere", "vantaa", "oulu", "turku", "jyvaskyla", "kuopio", "lahti", "pori"]
WORDS = ["kielikahvila", "vertaisryhmä", "neuvonta", "kerho", "liikunta", "ruoanlaitto", "lukupiiri", "kuoro", "työnhaku", "läksyapu", "ompelu", "puutarha"]
SEARCHES = {
    "first page, no filters": {},
    "free text (one word)": {"q": "kielikahvila"},
    "free text (two words)": {"q": "kerho helsinki"},
    "municipality": {"municipality": "tampere"},
    "region and language": {"region": "uusimaa", "language": "ar"},
    "target group and theme": {"target": "women", "theme": "wellbeing"},
    "day and time of day": {"day": "tue", "time": "evening"},
    "free and online": {"free": "1", "online": "1"},
    "municipality, language and day": {"municipality": "espoo", "language": "sv", "day": "tue"},
    "everything at once": {"q": "kahvila", "region": "uusimaa", "language": "fi", "target": "adults", "theme": "language", "day": "wed", "time": "evening", "free": "1"},
    "page 20 of all": {"page": "20"},
}


def _form(rng: random.Random, index: int) -> ActivityForm:
    known_lists = activities.DEFAULT_CHOICES
    municipality = rng.choice(LARGEST) if rng.random() < 0.33 else rng.choice(list(MUNICIPALITIES))
    word = rng.choice(WORDS)
    recurrence = rng.choices(["weekly", "monthly", "once"], weights=[7, 2, 1])[0]
    online = rng.random() < 0.1
    start_hour = rng.randint(8, 19)
    return ActivityForm(
        organisation=f"Yhdistys {index % 700} ry",
        name_fi=f"{word.capitalize()} {index}",
        name_sv=f"Verksamhet {index}" if rng.random() < 0.5 else "",
        description_fi=f"Tervetuloa mukaan: {word}, {MUNICIPALITIES[municipality][0]}. " + "Lisätietoa toiminnasta. " * rng.randint(2, 20),
        description_sv="Välkommen med. " * rng.randint(2, 10),
        kind=rng.choice(list(known_lists["kind"])),
        municipality=municipality,
        address="" if online else f"Katu {index % 90 + 1}",
        latitude="" if online else f"{rng.uniform(60.0, 68.0):.5f}",
        longitude="" if online else f"{rng.uniform(21.0, 30.0):.5f}",
        online=online,
        online_url="https://meet.example.org/x" if online else "",
        languages=tuple(rng.sample(list(activities.ACTIVITY_LANGUAGES), rng.randint(1, 3))),
        target_groups=tuple(rng.sample(list(known_lists["target"]), rng.randint(1, 2))),
        themes=tuple(rng.sample(list(known_lists["theme"]), rng.randint(1, 2))),
        recurrence=recurrence,
        days=(rng.choice(activities.DAYS),) if recurrence != "once" else (),
        week_of_month=str(rng.randint(1, 5)) if recurrence == "monthly" else "",
        start_date=(utcnow() + timedelta(days=rng.randint(-300, 60))).date().isoformat(),
        start_time=f"{start_hour:02d}:00",
        end_time=f"{start_hour + 2:02d}:00",
        free=rng.random() < 0.67,
        price="" if rng.random() < 0.67 else "5 €",
    )


def seed() -> None:
    """10 000 published activities, one in twenty unconfirmed for long enough to be hidden."""
    rng = random.Random(15)
    known = activities.choices()
    with transaction() as session:
        organiser = User(email="bench@example.org", name="Bench", password_hash="!", status=Status.APPROVED, role=Role.MEMBER, terms_accepted_at=utcnow())
        session.add(organiser)
        session.flush()
        now = utcnow()
        rows, words = [], []
        for index in range(ACTIVITIES):
            values, _warnings = activities._check(_form(rng, index), known)
            confirmed = now - timedelta(days=400 if rng.random() < 0.05 else rng.randint(0, 150))
            words.append({"activity_id": index + 1, "words": values.pop("search_words")})
            rows.append({**values, "id": index + 1, "submitted_by": organiser.id, "status": activities.PUBLISHED, "created_at": now, "updated_at": confirmed,
                         "published_at": confirmed, "confirmed_at": confirmed, "proposed": "", "review_note": ""})
        for start in range(0, len(rows), 1000):
            session.execute(insert(Activity), rows[start:start + 1000])
            session.execute(insert(ActivitySearch), words[start:start + 1000])
    if engine().dialect.name == "postgresql":  # as autovacuum would soon after: statistics, and the visibility map index-only scans need
        with engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine().connect() as connection:
            connection.exec_driver_sql("ANALYZE")


@dataclasses.dataclass
class Timing:
    """One operation's timings in milliseconds."""

    name: str
    results: int
    samples: list[float]

    def row(self) -> str:
        ordered = sorted(self.samples)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        return f"| {self.name} | {self.results} | {statistics.median(ordered):.1f} | {p95:.1f} | {ordered[-1]:.1f} |"


def timed(name: str, call: Callable[[], int]) -> Timing:
    results = 0
    for _ in range(WARM_UP):
        results = call()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(name, results, samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true")
    arguments = parser.parse_args()
    url = arguments.database_url
    if url:
        name = make_url(url).database or ""
        if "bench" not in name:
            raise SystemExit("the PostgreSQL database's name must contain 'bench': it is dropped and created again")
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        config.settings = dataclasses.replace(config.settings, database_url=url)
    migrate()
    started = time.perf_counter()
    seed()
    print(f"Seeded {ACTIVITIES} activities in {time.perf_counter() - started:.1f} s on {engine().dialect.name}, {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs\n")
    from partnerskap.state.activities import card

    known = activities.choices()
    print("| search | results | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|")
    for name, params in SEARCHES.items():
        query = Query.parse(params, known=known)
        print(timed(name, lambda query=query: activities.search(query).total).row())
    region = Query.parse({"region": "uusimaa"}, known=known)
    print(timed("region, and its first 30 as cards", lambda: len([card(activity, known, "fi") for activity in activities.search(region).activities])).row())
    if url and not arguments.keep:
        engine().dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)"))
    shutil.rmtree(RUN_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
