"""The scenarios: start an instance (the app or the bare reference), seed its members, open tabs, drive the paced load."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import hashlib
import os
import random
import re
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psutil
from sqlalchemy import create_engine, text

from bench.load import ROOT
from bench.load.client import EVENT_TIMEOUT, WORDS, Member, Protocol, Sample, Tab, body_text
from bench.load.report import log, percentile, summarise
from partnerskap.models import AuthSession, Membership, Post, Status, Thread, ThreadReader, User, Workspace
from partnerskap.services.markdown import render
from tests.live_server import free_port, running_instance

BARE_DIR = ROOT / "bench" / "bare_app"
CONFIGS = ("app-memory", "app-redis", "bare-memory", "bare-redis")


@dataclasses.dataclass
class Instance:
    """A running server and how to find its process tree, compiled frontend and data."""

    kind: str  # "app" or "bare"
    url: str
    pid: int
    data_dir: Path
    web_dir: Path
    database_url: str
    redis_url: str
    workers: int

    def processes(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss(self) -> int:
        total = 0
        for process in self.processes():
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
        return total

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in self.processes():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def pin(self, cpus: list[int], priority: int = 0) -> None:
        """Pin every thread of the tree to these cores (and give it this nice value; threads made later inherit both)."""
        for process in self.processes():
            with contextlib.suppress(psutil.Error):
                process.cpu_affinity(cpus)
                for thread in process.threads():
                    with contextlib.suppress(OSError):
                        os.sched_setaffinity(thread.id, cpus)
                        if priority:
                            os.setpriority(os.PRIO_PROCESS, thread.id, priority)

    def log_problems(self) -> dict[str, int]:
        """Tracebacks and error lines in the server log."""
        path = self.data_dir / "server.log"
        if not path.exists():
            return {}
        content = path.read_text(errors="replace")
        warnings = [line.strip()[:160] for line in content.splitlines() if re.search(r"\bWARNING\b|\bWarning:", line) and "Node.js" not in line and "higher." not in line]
        return {
            "tracebacks": content.count("Traceback (most recent call last)"),
            "error_lines": len(re.findall(r"\bERROR\b", content)),
            "warning_lines": len(warnings),
            "warnings_sample": sorted(set(re.sub(r"[0-9a-f-]{20,}|\d+(\.\d+)?", "#", line) for line in warnings))[:5],
            "first_traceback": content[start : start + 3000] if (start := content.find("Traceback (most recent call last)")) >= 0 else "",
        }


def _stable_rss(instance: Instance, samples: int = 3) -> int:
    values = []
    for _ in range(samples):
        values.append(instance.rss())
        time.sleep(0.3)
    return int(statistics.median(values))


def fresh_postgres(url: str, *, create: bool = True) -> None:
    """Drop and create (or only drop) the named PostgreSQL database (its name must contain 'bench'); the instance migrates it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database or ""
    if "bench" not in name or not name.replace("_", "").isalnum():
        sys.exit(f"refusing to drop and create database {name!r}: its name must contain 'bench'")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if create:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


@contextlib.contextmanager
def app_instance(redis_url: str, workers: int, database_url: str) -> Iterator[Instance]:
    if database_url.startswith("postgresql"):
        fresh_postgres(database_url)
    extra = {"GRANIAN_WORKERS": str(workers)}
    if redis_url:
        extra["REDIS_URL"] = redis_url
    if database_url:
        extra["DATABASE_URL"] = database_url
    with running_instance(**extra) as server:
        yield Instance("app", server.url, server.process.pid, server.data_dir, server.data_dir / "web", server.database_url, redis_url, workers)


@contextlib.contextmanager
def bare_instance(redis_url: str, workers: int, rows: int = 1000) -> Iterator[Instance]:
    """Serve bench/bare_app the way tests/live_server.py serves the app."""
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="partnerskap-bare-"))
    database = data_dir / "bare.db"
    rng = random.Random(7)
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL)")
        connection.executemany("INSERT INTO item (title, body) VALUES (?, ?)", [(" ".join(rng.choices(WORDS, k=5)), body_text(rng)) for _ in range(rows)])
        connection.commit()
    env = {
        **os.environ,
        "PORT": str(port),
        "BARE_DATABASE": str(database),
        "GRANIAN_WORKERS": str(workers),
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "0",
        "REFLEX_WEB_WORKDIR": str(data_dir / "web"),
        "REFLEX_STATES_WORKDIR": str(data_dir / "states"),
        "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    log_file = open(data_dir / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port", "--backend-port", str(port), "--loglevel", "warning"],
        cwd=BARE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the bare app stopped:\n{(data_dir / 'server.log').read_text()[-4000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/ping", timeout=2).status_code == 200 and httpx.get(url + "/", timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the bare app did not start in 600 s")
            time.sleep(1)
        yield Instance("bare", url, process.pid, data_dir, data_dir / "web", f"sqlite:///{database}", redis_url, workers)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        log_file.close()
        for leftover in (BARE_DIR / ".states", BARE_DIR / ".web"):
            shutil.rmtree(leftover, ignore_errors=True)


def seed_app(instance: Instance, count: int, workspace_size: int, threads_per_workspace: int, posts_per_thread: int, seed: int) -> list[Member]:
    """Members, their workspaces and threads with posts, and one live session each, inserted in bulk."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    start = now - timedelta(days=30)
    engine = create_engine(instance.database_url)
    members: list[Member] = []
    try:
        with engine.begin() as connection:
            users = [
                dict(
                    email=f"load{i:04d}@example.org",
                    name=f"Load Member {i:04d}",
                    organisation=f"Organisation {i % 37}",
                    password_hash="!",
                    status=Status.APPROVED,
                    role="member",
                    language=("fi", "sv", "en")[i % 3],
                    email_confirmed_at=start,
                    terms_accepted_at=start,
                    status_reason="",
                    created_at=start,
                )
                for i in range(count)
            ]
            connection.execute(User.__table__.insert(), users)
            user_ids = [row[0] for row in connection.execute(text("SELECT id FROM \"user\" WHERE email LIKE 'load%@example.org' ORDER BY email"))]
            tokens = [secrets.token_urlsafe(32) for _ in user_ids]
            # sessions.resolve() writes last_seen_at once a minute per session: spread the last visits over the past
            # minute, so those writes come at a steady N/60 per second as with members who logged in at different times.
            connection.execute(
                AuthSession.__table__.insert(),
                [dict(token_hash=hashlib.sha256(token.encode()).hexdigest(), user_id=uid, created_at=now - timedelta(hours=1), last_seen_at=now - timedelta(seconds=rng.uniform(0, 60))) for uid, token in zip(user_ids, tokens, strict=True)],
            )
            groups = [user_ids[i : i + workspace_size] for i in range(0, len(user_ids), workspace_size)]
            for number, group in enumerate(groups):
                workspace_id = connection.execute(
                    Workspace.__table__.insert().returning(Workspace.__table__.c.id),
                    dict(name=f"Load workspace {number:03d}", name_key=f"load workspace {number:03d}", purpose="Load test", description="", kind="project", language="fi", colour="teal", lifecycle="active", access="open", created_by=group[0], created_at=start, last_activity_at=start),
                ).scalar_one()
                connection.execute(Membership.__table__.insert(), [dict(workspace_id=workspace_id, user_id=uid, role="owner" if position == 0 else "member", joined_at=start) for position, uid in enumerate(group)])
                thread_ids = []
                for t in range(threads_per_workspace):
                    thread_id = connection.execute(
                        Thread.__table__.insert().returning(Thread.__table__.c.id),
                        dict(workspace_id=workspace_id, title=f"Thread {t}: {' '.join(rng.choices(WORDS, k=4))}", author_id=group[0], pinned=False, created_at=start, last_post_at=now, post_count=posts_per_thread),
                    ).scalar_one()
                    authors = [rng.choice(group) for _ in range(posts_per_thread)]
                    bodies = [body_text(rng) for _ in authors]
                    connection.execute(
                        Post.__table__.insert(),
                        [
                            dict(thread_id=thread_id, author_id=author, body=body, html=render(body), quote_of=None, idempotency_key=secrets.token_hex(16), created_at=start + timedelta(minutes=k))
                            for k, (author, body) in enumerate(zip(authors, bodies, strict=True))
                        ],
                    )
                    newest = connection.execute(text("SELECT max(id) FROM post WHERE thread_id = :t"), dict(t=thread_id)).scalar_one()
                    connection.execute(ThreadReader.__table__.insert(), [dict(thread_id=thread_id, user_id=uid, last_read_post_id=newest, following=True) for uid in sorted(set(authors))])
                    thread_ids.append(thread_id)
                for position, uid in enumerate(group):
                    thread_id = thread_ids[position % len(thread_ids)]
                    language = ("fi", "sv", "en")[(uid - user_ids[0]) % 3]
                    members.append(Member(uid, tokens[user_ids.index(uid)], language, f"/threads/{thread_id}", {"thread_id": str(thread_id)}, tuple(thread_ids)))
    finally:
        engine.dispose()
    return members


class Bench:
    """The tabs on one instance, the pacer that gives them turns, and what was measured."""

    def __init__(self, instance: Instance, members: list[Member], options: argparse.Namespace) -> None:
        self.instance = instance
        self.members = members
        self.options = options
        self.protocol = Protocol.read(instance.web_dir)
        self.rng = random.Random(options.seed)
        if instance.kind == "app":
            self.app_key = self.protocol.state("____app_state")
            self.page_key = self.protocol.state("____thread_state")
            self.own_keys = (self.app_key,)
        else:
            self.app_key = ""
            self.page_key = self.protocol.state("____bare_state")
            self.own_keys = (self.page_key,)
        self.tabs: list[Tab] = []
        self.samples: list[Sample] = []
        self.errors: Counter[str] = Counter()
        self.replies_sent: dict[str, float] = {}  # thread page -> when its latest reply was sent
        self.deliveries: list[float] = []  # seconds from a reply's send to its arrival in another tab of the thread
        self.bytes_received = 0
        self.next_member = 0

    def error(self, what: str) -> None:
        self.errors[what] += 1

    async def open_tabs(self, count: int, concurrency: int = 16) -> list[float]:
        """Open tabs until `count` are connected; returns the seconds each new one took to open."""
        semaphore = asyncio.Semaphore(concurrency)
        new: list[Tab] = []

        async def one(tab: Tab) -> None:
            async with semaphore:
                try:
                    await tab.open()
                except Exception as problem:  # noqa: BLE001  (counted, never fatal)
                    self.error(f"open: {type(problem).__name__}: {str(problem)[:60]}")
                    await tab.close()

        while len(self.tabs) + len(new) < count and self.next_member < len(self.members):
            new.append(Tab(self, self.members[self.next_member]))
            self.next_member += 1
        await asyncio.gather(*(one(tab) for tab in new))
        opened = [tab for tab in new if not tab.gone]
        self.tabs.extend(opened)
        return [tab.open_seconds for tab in opened]

    async def keep_only(self, count: int) -> None:
        leaving, self.tabs = self.tabs[count:], self.tabs[:count]
        await asyncio.gather(*(tab.close() for tab in leaving))

    def choose(self, tab: Tab) -> str:
        if self.instance.kind == "bare":
            return "bare_load"
        roll = self.rng.random()
        post, earlier, navigate = self.options.mix
        if roll < post:
            return "post_reply"
        if roll < post + earlier and tab.has_earlier:
            return "load_earlier"
        if post + earlier <= roll < post + earlier + navigate and len(tab.member.threads) > 1:
            return "open_thread"
        return "load_new"

    async def load(self, seconds: float, rate: float) -> dict:
        """The closed loop: one pacer gives turns at `rate` per second to idle tabs, the longest waiting first."""
        tabs = [tab for tab in self.tabs if not tab.gone]
        self.samples, self.errors, self.deliveries = [], Counter(), []
        ready: deque[Tab] = deque(tabs)
        self.rng.shuffle(ready)
        tasks: set[asyncio.Task] = set()
        me = psutil.Process()
        cpu_before, server_before = sum(me.cpu_times()[:2]), self.instance.cpu_seconds()
        cores_before = psutil.cpu_times(percpu=True)
        started = time.perf_counter()
        deadline = started + seconds
        next_turn = started
        sent = 0
        idle_turns = 0

        async def turn(tab: Tab, kind: str) -> None:
            tab.busy = True
            try:
                await tab.send(kind)
            finally:
                tab.busy = False
                if not tab.gone:
                    ready.append(tab)

        while True:
            now = time.perf_counter()
            if now >= deadline:
                break
            if next_turn > now:
                await asyncio.sleep(next_turn - now)
                continue
            # A turn is due: the tab that has waited longest takes it.
            tab = ready.popleft() if ready else None
            if tab is None:
                idle_turns += 1  # every tab is waiting for an answer: the closed loop holds the rate down
                await asyncio.sleep(0.002)
                next_turn = max(next_turn, time.perf_counter() - 1 / rate)
                continue
            task = asyncio.create_task(turn(tab, self.choose(tab)))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            sent += 1
            next_turn += 1 / rate
        elapsed = time.perf_counter() - started
        if tasks:
            await asyncio.wait(tasks, timeout=EVENT_TIMEOUT + 2)
        cpu_after, server_after = sum(me.cpu_times()[:2]), self.instance.cpu_seconds()
        cores_after = psutil.cpu_times(percpu=True)
        wall = time.perf_counter() - started

        def busy(cpus: list[int]) -> float:
            """Seconds the cores were busy per second, whoever ran on them."""
            total = 0.0
            for cpu in cpus:
                before, after = cores_before[cpu], cores_after[cpu]
                total += (sum(after) - after.idle - after.iowait) - (sum(before) - before.idle - before.iowait)
            return total / wall

        server_cpu, generator_cpu = (server_after - server_before) / wall, (cpu_after - cpu_before) / wall
        return {
            "seconds": round(elapsed, 1),
            "sent": sent,
            "rate": round(sent / elapsed, 1),
            "generator_cpu": round(generator_cpu, 3),
            "server_cpu": round(server_cpu, 3),
            # Other programs on the same cores (the machine may be shared): busy time not used by server or generator.
            "others_on_server_cores": round(max(0.0, busy(self.options.server_cpus) - server_cpu), 3),
            "others_on_generator_cores": round(max(0.0, busy(sorted(os.sched_getaffinity(0))) - generator_cpu), 3),
            "deliveries_ms": {"n": len(self.deliveries), "p50": percentile(self.deliveries, 0.5) * 1000, "p95": percentile(self.deliveries, 0.95) * 1000},
            "samples": [dataclasses.asdict(sample) for sample in self.samples],
            "errors": dict(self.errors),
        }


def wait_for_quiet(instance: Instance, options: argparse.Namespace) -> dict:
    """Wait (at most --quiet-wait seconds) until other programs use under 20 % of the server's and the generator's cores."""
    me = psutil.Process()
    cores = sorted(set(options.server_cpus) | os.sched_getaffinity(0))
    started = time.monotonic()
    others = 1.0
    while True:
        before, ours_before = psutil.cpu_times(percpu=True), instance.cpu_seconds() + sum(me.cpu_times()[:2])
        time.sleep(2)
        after, ours_after = psutil.cpu_times(percpu=True), instance.cpu_seconds() + sum(me.cpu_times()[:2])
        busy = sum((sum(after[c]) - after[c].idle - after[c].iowait) - (sum(before[c]) - before[c].idle - before[c].iowait) for c in cores)
        others = max(0.0, (busy - (ours_after - ours_before)) / 2 / len(cores))
        if others < 0.2 or time.monotonic() - started >= options.quiet_wait:
            return {"waited_seconds": round(time.monotonic() - started, 1), "others_before_load": round(others, 3)}


def redis_state_sizes(redis_url: str, tokens: list[str]) -> dict:
    """Bytes of pickled state Redis holds for each of these client tokens (all its substates)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    sizes = []
    try:
        for token in tokens:
            total = 0
            for key in client.scan_iter(match=f"{token}_*", count=1000):
                total += client.strlen(key)
            sizes.append(total)
        used = client.info("memory")["used_memory"]
    finally:
        client.close()
    return {"per_client_bytes": sizes, "used_memory": used}


async def run_configuration(instance: Instance, members: list[Member], options: argparse.Namespace) -> dict:
    bench = Bench(instance, members, options)
    result: dict = {"config": options.current, "kind": instance.kind, "workers": instance.workers, "redis": bool(instance.redis_url), "levels": {}}
    # Warm-up: a few tabs open and send events (imports, caches, JIT of the templates), then leave.
    await bench.open_tabs(min(5, len(members)))
    await bench.load(3, min(options.rate, 20))
    await bench.keep_only(0)
    await asyncio.sleep(3)
    rss0 = _stable_rss(instance)
    result["rss_0"] = rss0
    redis0 = redis_state_sizes(instance.redis_url, [])["used_memory"] if instance.redis_url else 0
    log(f"{options.current}: RSS with 0 clients {rss0 / 2**20:.1f} MiB")
    # Idle ramp.
    open_times: list[float] = []
    for level in options.levels:
        opened = await bench.open_tabs(level)
        open_times.extend(opened)
        idle_before, idle_started = instance.cpu_seconds(), time.perf_counter()
        await asyncio.sleep(options.settle)
        idle_cpu = (instance.cpu_seconds() - idle_before) / (time.perf_counter() - idle_started)
        rss = _stable_rss(instance)
        connected = sum(1 for tab in bench.tabs if not tab.gone)
        entry = {
            "connected": connected,
            "rss": rss,
            "rss_per_client": (rss - rss0) / connected if connected else float("nan"),
            "open_bytes_median": statistics.median([tab.open_bytes for tab in bench.tabs]) if bench.tabs else 0,
            "open_errors": dict(bench.errors),
            "idle_server_cpu": round(idle_cpu, 3),
        }
        if instance.redis_url:
            sampled = [tab.client_token for tab in bench.tabs[:: max(1, len(bench.tabs) // 25)]]
            sizes = redis_state_sizes(instance.redis_url, sampled)
            entry["redis_state_bytes_median"] = statistics.median(sizes["per_client_bytes"]) if sizes["per_client_bytes"] else 0
            entry["redis_state_bytes_max"] = max(sizes["per_client_bytes"], default=0)
            entry["redis_used_per_client"] = (sizes["used_memory"] - redis0) / connected if connected else float("nan")
        result["levels"][level] = entry
        log(f"{options.current}: {connected} idle tabs, RSS {rss / 2**20:.1f} MiB, {entry['rss_per_client'] / 1024:.0f} KiB per tab, idle server CPU {idle_cpu:.0%}, errors {dict(bench.errors)}")
        bench.errors = Counter()
    result["open_seconds"] = {"p50": percentile(open_times, 0.5), "p95": percentile(open_times, 0.95), "max": max(open_times, default=float("nan"))}
    # Load, largest level first; tabs beyond the level leave.
    for level in sorted(options.levels, reverse=True):
        await bench.keep_only(level)
        await asyncio.sleep(1)
        quiet = await asyncio.to_thread(wait_for_quiet, instance, options) if options.quiet_wait > 0 else {}
        if options.profile and level == max(options.levels):
            profile_task = asyncio.create_task(asyncio.to_thread(py_spy, instance, options))
        else:
            profile_task = None
        outcome = await bench.load(options.duration, options.rate)
        if profile_task is not None:
            result["profile"] = await profile_task
        outcome["latency_ms"] = summarise(outcome.pop("samples"))
        outcome["connected"] = sum(1 for tab in bench.tabs if not tab.gone)
        outcome.update(quiet)
        result["levels"][level]["load"] = outcome
        lat = outcome["latency_ms"]["all"]
        log(
            f"{options.current} @ {level}: {outcome['rate']} ev/s, p50 {lat['p50']:.1f} p95 {lat['p95']:.1f} p99 {lat['p99']:.1f} ms, errors {outcome['errors']}, "
            f"{outcome['deliveries_ms']['n']} deliveries p50 {outcome['deliveries_ms']['p50']:.1f} p95 {outcome['deliveries_ms']['p95']:.1f} ms, "
            f"generator CPU {outcome['generator_cpu']:.0%}, server CPU {outcome['server_cpu']:.0%}, others {outcome['others_on_server_cores']:.0%} / {outcome['others_on_generator_cores']:.0%}"
        )
    await bench.keep_only(0)
    result["server_log"] = instance.log_problems()
    return result


def py_spy(instance: Instance, options: argparse.Namespace) -> str:
    """py-spy's folded stacks (GIL holders) of the server's workers during the largest load, if py-spy is installed."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        return "py-spy not installed"
    outputs = []
    workers = [p for p in instance.processes()[1:]] or instance.processes()
    procs = []
    for process in workers[:2]:
        out = Path(options.profile) / f"{options.current}-{process.pid}.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        procs.append(subprocess.Popen([spy, "record", "--pid", str(process.pid), "--duration", str(int(options.duration) - 2), "--rate", "100", "--format", "raw", "--gil", "--output", str(out), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        outputs.append(str(out))
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=options.duration + 30)
        if proc.poll() is None:
            proc.kill()
    return ", ".join(outputs)


def flush_redis(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()


def one_configuration(name: str, options: argparse.Namespace) -> dict:
    kind, _, manager = name.partition("-")
    redis_url = options.redis_url if manager == "redis" else ""
    workers = options.redis_workers if manager == "redis" else 1
    if redis_url:
        flush_redis(redis_url)
    options.current = name
    started = time.monotonic()
    maker = app_instance(redis_url, workers, options.database_url) if kind == "app" else bare_instance(redis_url, workers)
    with maker as instance:
        cleanup = instance.data_dir
        startup = time.monotonic() - started
        log(f"{name}: up in {startup:.1f} s at {instance.url} (pid {instance.pid})")
        if kind == "app":
            members = seed_app(instance, max(options.levels) + 5, options.workspace_size, options.threads_per_workspace, options.posts_per_thread, options.seed)
        else:
            members = [Member(0, "", "en", "/", {}) for _ in range(max(options.levels) + 5)]
        # Warm-up tabs use the members past the largest level, so the measured tabs' members start fresh.
        members = members[-5:] + members[:-5]
        instance.pin(options.server_cpus, options.priority)
        result = asyncio.run(asyncio.wait_for(run_configuration(instance, members, options), options.max_minutes * 60))
        result["startup_seconds"] = round(startup, 1)
        result["database"] = instance.database_url.split(":", 1)[0].split("+", 1)[0]
    if redis_url:
        flush_redis(redis_url)
    if not options.keep:
        shutil.rmtree(cleanup, ignore_errors=True)
        if kind == "app" and options.database_url.startswith("postgresql"):
            fresh_postgres(options.database_url, create=False)
    return result


def _every_core_normal_priority() -> None:
    os.sched_setaffinity(0, range(os.cpu_count() or 1))
    os.setpriority(os.PRIO_PROCESS, 0, 0)


def cold_start(options: argparse.Namespace) -> dict:
    """`make run` on a prepared machine, to the first 200 on /."""
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="partnerskap-cold-"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PARTNERSKAP_", "REFLEX_", "REDIS_URL", "DATABASE_URL", "GRANIAN_"))}
    env.update({"PORT": str(port), "PARTNERSKAP_DATA_DIR": str(data_dir)})
    log_path = data_dir.parent / f"{data_dir.name}.log"
    started = time.monotonic()
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_every_core_normal_priority,  # as an operator would run it, not pinned like the generator
        )
        first_ok = None
        try:
            while time.monotonic() - started < 600 and process.poll() is None:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"http://localhost:{port}/", timeout=2).status_code == 200:
                        first_ok = time.monotonic() - started
                        break
                time.sleep(0.1)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    shutil.rmtree(data_dir, ignore_errors=True)
    return {"seconds_to_first_200": first_ok, "log": str(log_path)}
