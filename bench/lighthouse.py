"""Lighthouse on a production instance with the demo content: the front page, a member's home and a thread.

    python -m bench.lighthouse                       # installs lighthouse 12 into .tools/lighthouse the first time
    LIGHTHOUSE_DIR=/tmp/lh python -m bench.lighthouse --runs 1 --desktop

An instance is prepared and served as the browser tests serve one (`reflex run --env prod --single-port`, SQLite,
PARTNERSKAP_DEMO=1). A session for the demo member Aino is issued in the instance's own environment, and its
cookie goes to Lighthouse as an extra header, so /home and the demo thread are measured signed in. Lighthouse 12
(the last line that runs on Node 20) drives Debian's Chromium with its default mobile emulation and simulated
throttling (`--desktop`: its desktop preset). The script prints a markdown table of the median run per page and the failing audits of each page;
the JSON reports stay in the scratch directory it names. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.live_server import prepared_instance, serving

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12"
CATEGORIES = ("performance", "accessibility", "best-practices")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
# Run in the instance's environment (its database and secret key): a session for Aino, and the demo thread.
_SESSION = """
from sqlmodel import select
from partnerskap.db import transaction
from partnerskap.models import Thread, User
from partnerskap.services import demo, sessions
with transaction() as session:
    aino = session.exec(select(User).where(User.email == demo.DEMO_PEOPLE[0][0])).one()
    thread = session.exec(select(Thread).order_by(Thread.id)).first()
    ticket = sessions.issue_ticket(aino.id, session=session)
print(sessions.COOKIE_NAME, sessions.exchange_ticket(ticket), thread.id)
"""


def lighthouse_binary() -> Path:
    """The lighthouse command, installed with npm into LIGHTHOUSE_DIR (default .tools/lighthouse) if missing."""
    home = Path(os.environ.get("LIGHTHOUSE_DIR", ROOT / ".tools" / "lighthouse"))
    binary = home / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(home), f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return binary


def measure(binary: Path, url: str, report: Path, cookie: str = "", *, desktop: bool = False) -> dict:
    """One Lighthouse run of one address; its JSON report."""
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if desktop:
        command.append("--preset=desktop")
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")})
    return json.loads(report.read_text())


def scores(result: dict) -> dict[str, float]:
    """The three category scores (0-100) and the largest contentful paint in seconds."""
    found = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    found["lcp"] = result["audits"]["largest-contentful-paint"]["numericValue"] / 1000
    found["tbt"] = result["audits"]["total-blocking-time"]["numericValue"]
    found["cls"] = result["audits"]["cumulative-layout-shift"]["numericValue"]
    return found


def failing(result: dict) -> list[str]:
    """The audits of the three categories that did not pass, each with its title and shown value."""
    weighted = {ref["id"] for name in CATEGORIES for ref in result["categories"][name]["auditRefs"]}
    lines = []
    for audit_id in sorted(weighted):
        audit = result["audits"][audit_id]
        if audit["score"] is not None and audit["scoreDisplayMode"] in {"binary", "numeric", "metricSavings"} and audit["score"] < 0.9:
            lines.append(f"{audit_id}: {audit['title']} ({audit.get('displayValue', '')}, score {audit['score']})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the table shows the median")
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset instead of its mobile default")
    args = parser.parse_args()
    binary = lighthouse_binary()
    scratch = Path(tempfile.mkdtemp(prefix="partnerskap-lighthouse-"))
    server = prepared_instance(PARTNERSKAP_DEMO="1")
    with serving(server):
        name, token, thread_id = subprocess.run([sys.executable, "-c", _SESSION], cwd=ROOT, env=server.env, check=True, capture_output=True, text=True).stdout.split()
        cookie = f"{name}={token}"
        pages = {"front page /": ("/", ""), "member's home /home": ("/home", cookie), f"thread /threads/{thread_id}": (f"/threads/{thread_id}", cookie)}
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        print(f"Lighthouse {version}, commit {commit}, load average {os.getloadavg()[0]:.1f}, reports in {scratch}", flush=True)
        print("| page | performance | accessibility | best practices | LCP s | TBT ms | CLS |\n|---|---:|---:|---:|---:|---:|---:|")
        problems = {}
        for label, (path, sent_cookie) in pages.items():
            results = [measure(binary, server.url + path, scratch / f"{path.strip('/').replace('/', '-') or 'front'}-{run}.json", sent_cookie, desktop=args.desktop) for run in range(args.runs)]
            # The run with the median performance score stands for the page.
            results.sort(key=lambda result: result["categories"]["performance"]["score"])
            median = results[len(results) // 2]
            found = scores(median)
            landed = median["finalDisplayedUrl"].removeprefix(server.url)
            assert landed.rstrip("/") == path.rstrip("/"), f"{label} ended at {landed}: not signed in?"
            print(f"| {label} | {found['performance']} | {found['accessibility']} | {found['best-practices']} | {found['lcp']:.1f} | {found['tbt']:.0f} | {found['cls']:.3f} |", flush=True)
            problems[label] = failing(median)
            if args.runs > 1:
                performance = [round(result["categories"]["performance"]["score"] * 100) for result in results]
                problems[label].insert(0, f"performance of each run: {performance}, median {statistics.median(performance)}")
        print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}")
        for label, lines in problems.items():
            print(f"\n{label}:")
            for line in lines:
                print(f"- {line}")


if __name__ == "__main__":
    main()
