"""`python -m bench.load`: the command line (see the package's docstring for what it measures)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import bench.load
from bench.load.report import log, machine, markdown, report
from bench.load.scenarios import CONFIGS, cold_start, one_configuration


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=bench.load.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated, of {', '.join(CONFIGS)}")
    parser.add_argument("--levels", default="50,200,500", help="connected tabs, comma-separated")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load per level")
    parser.add_argument("--rate", type=float, default=50, help="events per second in total")
    parser.add_argument("--mix", default="0.11,0.06,0.11", help="shares of post_reply, load_earlier and open_thread (following a link to another thread of the workspace) among a tab's own events; the rest is load_new")
    parser.add_argument("--settle", type=float, default=4, help="seconds idle before measuring memory")
    parser.add_argument("--workspace-size", type=int, default=25)
    parser.add_argument("--threads-per-workspace", type=int, default=5)
    parser.add_argument("--posts-per-thread", type=int, default=40)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11", help="a Redis database this bench may flush")
    parser.add_argument("--redis-workers", type=int, default=2)
    parser.add_argument("--database-url", default="", help="the app's database (default: SQLite in its data folder)")
    parser.add_argument("--server-cpu", default="0", help="cores for the server's process tree")
    parser.add_argument("--generator-cpu", default="1", help="cores for this generator")
    parser.add_argument("--quiet-wait", type=float, default=0, help="before each load, wait up to this many seconds for other programs to leave the cores (shared machines)")
    parser.add_argument("--priority", type=int, default=0, help="nice value for the server's threads and this generator (e.g. -10 on a shared machine; negative needs root)")
    parser.add_argument("--cold-start", action="store_true", help="also time `make run` to the first 200 on /")
    parser.add_argument("--profile", default="", help="a folder: record py-spy folded stacks (raw format, GIL holders) of the server during the largest load")
    parser.add_argument("--json", default="", help="write all results here")
    parser.add_argument("--keep", action="store_true", help="keep the instances' data folders (server logs) in the temporary directory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-minutes", type=float, default=8, help="upper bound for one configuration")
    parser.add_argument("--report", nargs="+", metavar="JSON", help="print one table from earlier runs' --json files, then stop")
    options = parser.parse_args()
    if options.report:
        print(report(options.report))
        return
    options.levels = sorted(int(level) for level in options.levels.split(","))
    options.mix = (*(float(share) for share in options.mix.split(",")), 0.0, 0.0)[:3]
    options.server_cpus = [int(cpu) for cpu in options.server_cpu.split(",")]
    generator_cpus = {int(cpu) for cpu in options.generator_cpu.split(",")}
    os.sched_setaffinity(0, generator_cpus)
    if options.priority:
        os.setpriority(os.PRIO_PROCESS, 0, options.priority)  # before any thread starts: they inherit it
    if "redis" in options.configs and not re.search(r"/\d+$", options.redis_url):
        sys.exit("--redis-url must name a database number this bench may flush")

    results = {"machine": machine(), "options": {k: v for k, v in vars(options).items() if k != "current"}, "configurations": []}
    started = time.monotonic()
    for name in options.configs.split(","):
        if name not in CONFIGS:
            sys.exit(f"unknown configuration {name}")
        results["configurations"].append(one_configuration(name, options))
        if options.json:
            Path(options.json).write_text(json.dumps(results, indent=1, default=str))
    if options.cold_start:
        results["cold_start"] = cold_start(options)
        log(f"make run: first 200 after {results['cold_start']['seconds_to_first_200']} s")
    results["total_seconds"] = round(time.monotonic() - started, 1)
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=1, default=str))
    print(markdown(results))


if __name__ == "__main__":
    main()
