"""The report: percentiles, the machine a run was on, and markdown tables of one run or of several."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

from bench.load import ROOT


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (NaN for no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summarise(samples: list[dict]) -> dict:
    def stats(values: list[float]) -> dict:
        return {"n": len(values), "p50": percentile(values, 0.5) * 1000, "p95": percentile(values, 0.95) * 1000, "p99": percentile(values, 0.99) * 1000, "max": max(values, default=float("nan")) * 1000}

    kinds = sorted({sample["kind"] for sample in samples})
    summary = {"all": stats([sample["seconds"] for sample in samples]), **{kind: stats([s["seconds"] for s in samples if s["kind"] == kind]) for kind in kinds}}
    for kind in kinds:
        summary[kind]["answer_bytes_p50"] = statistics.median([s["size"] for s in samples if s["kind"] == kind])
    return summary


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), cpu)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, cwd=ROOT, capture_output=True, text=True).stdout.strip()
    changed = subprocess.run(["git", "status", "--porcelain", "--", "partnerskap"], check=False, cwd=ROOT, capture_output=True, text=True).stdout.split("\n")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "commit": commit,
        "app_files_changed_since_commit": [line[3:] for line in changed if line.strip()],
        "load_average_at_start": os.getloadavg(),
    }


def markdown(results: dict) -> str:
    lines = [
        "| configuration | tabs | events/s | p50 ms | p95 ms | p99 ms | max ms | errors | RSS/tab KiB | state/tab KB | gen. CPU | server CPU | others on server / gen. core |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    opens = ["| configuration | database | startup s | RSS, 0 tabs MiB | open p50 ms | open p95 ms | server log problems |", "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for result in results["configurations"]:
        seconds = result.get("open_seconds", {})
        opens.append(
            f"| {result['config']} | {result.get('database', '')} | {result.get('startup_seconds', 0):.1f} | {result.get('rss_0', 0) / 2**20:.0f} "
            f"| {seconds.get('p50', 0) * 1000:.0f} | {seconds.get('p95', 0) * 1000:.0f} | {result.get('server_log', {})} |"
        )
    for result in results["configurations"]:
        for level, entry in sorted(result["levels"].items(), key=lambda item: int(item[0])):
            load = entry.get("load", {})
            lat = load.get("latency_ms", {}).get("all", {})
            state = entry.get("redis_state_bytes_median", entry.get("open_bytes_median", 0)) / 1000
            errors = sum(load.get("errors", {}).values()) + sum(entry.get("open_errors", {}).values())
            lines.append(
                f"| {result['config']} | {level} | {load.get('rate', 0):.1f} | {lat.get('p50', 0):.1f} | {lat.get('p95', 0):.1f} | {lat.get('p99', 0):.1f} | {lat.get('max', 0):.0f} | {errors} "
                f"| {entry['rss_per_client'] / 1024:.0f} | {state:.1f} | {load.get('generator_cpu', 0):.0%} | {load.get('server_cpu', 0):.0%} "
                f"| {load.get('others_on_server_cores', 0):.0%} / {load.get('others_on_generator_cores', 0):.0%} |"
            )
    lines.append("")
    lines.append("| configuration | tabs | event | n | p50 ms | p95 ms | p99 ms | answer bytes (median) |")
    lines.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for result in results["configurations"]:
        for level, entry in sorted(result["levels"].items(), key=lambda item: int(item[0])):
            for kind, stats in entry.get("load", {}).get("latency_ms", {}).items():
                if kind != "all":
                    lines.append(f"| {result['config']} | {level} | {kind} | {stats['n']} | {stats['p50']:.1f} | {stats['p95']:.1f} | {stats['p99']:.1f} | {stats.get('answer_bytes_p50', 0):.0f} |")
            if (delivered := entry.get("load", {}).get("deliveries_ms", {})).get("n"):
                lines.append(f"| {result['config']} | {level} | delivery to another tab (from the reply's send) | {delivered['n']} | {delivered['p50']:.1f} | {delivered['p95']:.1f} | | |")
    lines.append("")
    lines.extend(opens)
    facts = results["machine"]
    lines.append("")
    lines.append(f"Commit {facts['commit']}, app files changed since: {facts['app_files_changed_since_commit'] or 'none'}; load average at start {facts['load_average_at_start']}.")
    if results.get("cold_start"):
        lines.append("")
        lines.append(f"`make run` to the first 200 on /: {results['cold_start']['seconds_to_first_200']:.1f} s")
    return "\n".join(lines)


def report(paths: list[str]) -> str:
    """One table from several runs: for each configuration, database and level, the load least disturbed by
    other programs (with the range of p95 over all runs), and the memory of the run it came from."""
    rows: dict[tuple, list[tuple[dict, dict, str]]] = {}
    commits = set()
    for path in paths:
        results = json.loads(Path(path).read_text())
        commits.add(results["machine"]["commit"] + ("+changes" if results["machine"].get("app_files_changed_since_commit") else ""))
        for result in results["configurations"]:
            for level, entry in result["levels"].items():
                if "load" in entry:
                    rows.setdefault((result["config"], result.get("database", "sqlite"), int(level)), []).append((result, entry, Path(path).name))
    lines = [
        f"Runs: {len(paths)} ({', '.join(Path(p).name for p in paths)}), commits {', '.join(sorted(commits))}. Each row is the run whose load was least disturbed by other programs.",
        "",
        "| configuration | database | tabs | runs | p50 ms | p95 ms | p99 ms | errors | p95 over all runs ms | RSS/tab KiB | state/tab KB | gen. CPU | server CPU | others on server / gen. core |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (config, database, level), samples in sorted(rows.items()):
        result, entry, _source = min(samples, key=lambda sample: sample[1]["load"].get("others_on_server_cores", 0) + sample[1]["load"].get("others_on_generator_cores", 0))
        load = entry["load"]
        lat = load["latency_ms"]["all"]
        p95s = sorted(sample[1]["load"]["latency_ms"]["all"]["p95"] for sample in samples)
        state = entry.get("redis_state_bytes_median", entry.get("open_bytes_median", 0)) / 1000
        lines.append(
            f"| {config} | {database} | {level} | {len(samples)} | {lat['p50']:.1f} | {lat['p95']:.1f} | {lat['p99']:.1f} | {sum(load.get('errors', {}).values())} "
            f"| {p95s[0]:.0f}–{p95s[-1]:.0f} | {entry['rss_per_client'] / 1024:.0f} | {state:.1f} | {load['generator_cpu']:.0%} | {load['server_cpu']:.0%} "
            f"| {load.get('others_on_server_cores', 0):.0%} / {load.get('others_on_generator_cores', 0):.0%} |"
        )
    return "\n".join(lines)
