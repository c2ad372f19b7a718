"""How much memory a big upload takes: stream 100 MB and 1 GB files through IncomingFile, report peak memory and throughput.

    python -m bench.upload                              # 100 MiB and 1 GiB into local storage
    python -m bench.upload --backends local,s3 --clamd  # also into SeaweedFS, every byte scanned by a real clamd

Each file is a plain-text document made up chunk by chunk while it is sent, so the benchmark itself never holds
more than one chunk. It goes through the real streaming path: documents.IncomingFile fed chunk after chunk, as
the library page's upload handler feeds what Reflex's chunked upload yields, then finish() (type check, scanner
verdict, fsync or multipart completion, the database row). Memory is read from the kernel: the peak resident
set (VmHWM, reset with /proc/self/clear_refs before each upload, so Linux only) and tracemalloc's peak of
Python allocations. Scratch database, storage folder, SeaweedFS and clamd all live in a temporary directory
that is removed at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

RUN_DIR = Path(tempfile.mkdtemp(prefix="partnerskap-bench-"))
# Settings are read once at import: point them at the scratch directory before anything imports partnerskap.
os.environ["PARTNERSKAP_DATA_DIR"] = str(RUN_DIR / "data")
os.environ.setdefault("PARTNERSKAP_SECRET_KEY", "bench-secret-key")
os.environ["DATABASE_URL"] = f"sqlite:///{RUN_DIR / 'bench.db'}"

from partnerskap import settings as config  # noqa: E402
from partnerskap.migrations import migrate  # noqa: E402
from partnerskap.db import engine, transaction  # noqa: E402
from partnerskap.models import Status, User  # noqa: E402
from partnerskap.models.base import utcnow  # noqa: E402
from partnerskap.services import documents, workspaces  # noqa: E402
from partnerskap.services.sessions import Viewer  # noqa: E402
from partnerskap.storage import get_storage  # noqa: E402

MIB = 1024 * 1024
LINE = b"Kokouksen muistio / meeting minutes: spring plan, budget, volunteers, next steps.\n"


@dataclasses.dataclass(frozen=True)
class Result:
    """One upload measured."""

    backend: str
    scanned: bool
    size: int
    chunk: int
    seconds: float
    rss_before: int
    rss_peak: int
    python_peak: int

    @property
    def throughput(self) -> float:
        """MiB per second."""
        return self.size / MIB / self.seconds


def text_chunks(size: int, chunk: int) -> Iterator[bytes]:
    """A plain-text file of `size` bytes, one fresh chunk at a time (as a request body arrives, never whole)."""
    block = LINE * (chunk // len(LINE) + 2)
    sent = 0
    number = 0
    while sent < size:
        length = min(chunk, size - sent)
        header = b"Chunk %09d\n" % number
        yield header[:length] + block[: max(0, length - len(header))]
        sent += length
        number += 1


def _status_kib(field: str, pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {field}")


def _reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # 5: reset the peak RSS (VmHWM) to the current RSS


def uploader() -> tuple[Viewer, int]:
    """A member who accepted the upload terms, and a workspace of theirs."""
    user = User(
        email="uploader@example.org",
        name="Uploader",
        organisation="Bench",
        password_hash="!",
        status=Status.APPROVED,
        role="member",
        language="en",
        email_confirmed_at=utcnow(),
        terms_accepted_at=utcnow(),
    )
    with transaction() as session:
        session.add(user)
        session.flush()
        viewer = Viewer.of(user)
    workspace = workspaces.create(viewer, workspaces.WorkspaceForm(name="Big files", purpose="Uploads", access="request"))
    documents.accept_upload_terms(viewer)
    return viewer, workspace.id


def measure(viewer: Viewer, workspace_id: int, *, backend: str, scanned: bool, size: int, chunk: int) -> Result:
    """Upload one generated file through IncomingFile; then delete what was stored, so the disk does not fill."""
    _reset_peak_rss()
    tracemalloc.reset_peak()
    rss_before = _status_kib("VmRSS") * 1024
    started = time.perf_counter()
    incoming = documents.IncomingFile(viewer, workspace_id, f"minutes-{size // MIB}MiB-{backend}.txt")
    for piece in text_chunks(size, chunk):
        incoming.add(piece)
    version = incoming.finish()
    seconds = time.perf_counter() - started
    python_peak = tracemalloc.get_traced_memory()[1]
    rss_peak = _status_kib("VmHWM") * 1024
    assert version.size == size and version.content_type == "text/plain"
    get_storage().delete(version.storage_key)
    return Result(backend, scanned, size, chunk, seconds, rss_before, rss_peak, python_peak)


def machine(storage_dir: Path) -> dict[str, str]:
    """Facts about where the numbers came from."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = _meminfo_gib("MemTotal")
    disk = shutil.disk_usage(storage_dir)
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "memory": f"{memory:.1f} GiB",
        "Python": platform.python_version(),
        "kernel": platform.release(),
        "local storage folder": f"{storage_dir} ({disk.free / 1024**3:.0f} GiB free)",
        "load average (1, 5, 15 min) after the run": ", ".join(f"{load:.2f}" for load in os.getloadavg()),
    }


def _meminfo_gib(field: str) -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024**2
    return 0.0


def table(results: list[Result]) -> str:
    """The results as a markdown table."""
    lines = [
        "| storage | clamd | file | chunk | time s | MiB/s | RSS before MiB | peak RSS MiB | peak − before MiB | tracemalloc peak MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.backend} | {'yes' if r.scanned else 'no'} | {r.size / MIB:,.0f} MiB | {r.chunk / MIB:g} MiB | {r.seconds:.1f} | {r.throughput:.0f} | "
            f"{r.rss_before / MIB:.0f} | {r.rss_peak / MIB:.0f} | {(r.rss_peak - r.rss_before) / MIB:.1f} | {r.python_peak / MIB:.1f} |"
        )
    return "\n".join(lines)


def _sizes(value: str) -> list[int]:
    return [int(size) * MIB for size in value.split(",")]


def main() -> None:
    """Parse the command line, set up, upload every size to every backend, report, clean up."""
    parser = argparse.ArgumentParser(prog="python -m bench.upload", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=_sizes("100,1024"), help="file sizes in MiB, comma-separated (default 100,1024)")
    parser.add_argument("--chunk", type=float, default=1, help="chunk size in MiB handed to IncomingFile.add (default 1)")
    parser.add_argument("--backends", default="local", help="local, s3 (SeaweedFS from tests/s3_server.py), or both comma-separated (default local)")
    parser.add_argument("--clamd", action="store_true", help="also scan every byte with a real clamd from tests/clamd_server.py (Debian's clamav-daemon)")
    parser.add_argument("--storage-dir", type=Path, default=RUN_DIR / "documents", help="where local storage writes (default: in the scratch folder)")
    arguments = parser.parse_args()
    backends = arguments.backends.split(",")
    if not set(backends) <= {"local", "s3"}:
        parser.error("--backends takes local, s3 or local,s3")
    if not Path("/proc/self/clear_refs").exists():
        sys.exit("this benchmark reads peak memory from Linux's /proc/self")
    chunk = int(arguments.chunk * MIB)
    biggest = max(arguments.sizes)

    with ExitStack() as stack:
        stack.callback(shutil.rmtree, RUN_DIR, ignore_errors=True)
        stack.callback(lambda: engine().dispose())
        arguments.storage_dir.mkdir(parents=True, exist_ok=True)
        config.settings = dataclasses.replace(
            config.settings,
            storage_dir=arguments.storage_dir.resolve(),
            max_upload_bytes=biggest,
            workspace_quota_bytes=sum(arguments.sizes) * len(backends) + MIB,  # the rows stay after the bytes are deleted
        )
        started = time.perf_counter()
        migrate()
        viewer, workspace_id = uploader()
        scanner_note = ""
        if arguments.clamd:
            from tests.clamd_server import clamd

            daemon = stack.enter_context(clamd(stream_max_mb=min(biggest // MIB + 1, 4000)))
            config.settings = dataclasses.replace(config.settings, clamd_address=daemon.address)
            scanner_note = f"clamd {daemon.address}, started in {daemon.started_in:.2f} s"
        s3 = {}
        if "s3" in backends:
            from tests.s3_server import ACCESS_KEY, SECRET_KEY, seaweedfs

            seaweed = stack.enter_context(seaweedfs())
            s3 = {"s3_endpoint_url": seaweed.url, "s3_bucket": "bench-uploads", "s3_access_key": ACCESS_KEY, "s3_secret_key": SECRET_KEY, "s3_path_style": True}
        tracemalloc.start()
        prepared = time.perf_counter() - started

        results = []
        for backend in backends:
            config.settings = dataclasses.replace(config.settings, storage_backend=backend, **(s3 if backend == "s3" else {}))
            get_storage().check()  # the bucket or folder exists before the first timed upload
            for size in sorted(arguments.sizes):
                results.append(measure(viewer, workspace_id, backend=backend, scanned=arguments.clamd, size=size, chunk=chunk))
                print(f"  {backend}: {size / MIB:,.0f} MiB in {results[-1].seconds:.1f} s", file=sys.stderr)
        tracemalloc.stop()
        if arguments.clamd:
            scanner_note += f", its own peak RSS {_status_kib('VmHWM', daemon.process.pid) / 1024:.0f} MiB"

        print("\n## Uploads benchmark\n")
        for key, value in machine(config.settings.storage_dir).items():
            print(f"- {key}: {value}")
        print(f"- storage: {', '.join(backends)}; scanner: {scanner_note or 'none'}; setup {prepared:.1f} s")
        print(f"- whole process, ru_maxrss: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB\n")
        print(table(results))


if __name__ == "__main__":
    main()
