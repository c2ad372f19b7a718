"""How long after an upload's commit its text is found by search: the workers' background loop, measured live.

    python -m bench.extraction                      # a fresh SQLite file in a temporary directory
    python -m bench.extraction --database-url postgresql+psycopg://postgres@127.0.0.1:5432/partnerskap_bench_extraction
    python -m bench.extraction --workers 2          # two loops claiming from one queue, as two workers do

The database is created and migrated with Alembic. The loop each worker runs (`jobs.extract_texts`) runs as a task of
this process, `--workers` times. A member then uploads files one at a time at random moments (so each arrives
somewhere in the loop's half-second wait): a one-page PDF, a Word document, a plain-text file and a 50-page PDF, each
with a word of its own. The lag is from the upload's commit (`IncomingFile.finish` returning) until `search.search`,
called every 20 ms as the results page calls it, finds the document by that word in its text. Then a burst: `--burst` uploads committed at once,
and how long until the last is found. Nothing here is a test: no time is asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import random
import shutil
import statistics
import time

from bench.discussions import RUN_DIR, _scratch_postgres, _use_database, machine
from bench.upload import RUN_DIR as UPLOAD_RUN_DIR
from bench.upload import uploader
from partnerskap import jobs, offload
from partnerskap.db import engine
from partnerskap.migrations import migrate
from partnerskap.services import documents, search
from partnerskap.services.search import Query
from partnerskap.services.sessions import Viewer
from tests.sample_files import docx, pdf

POLL_SECONDS = 0.02


def pdf_pages(pages: int, phrase: str) -> bytes:
    """A PDF of `pages` pages of text, the phrase on the last one (every page is read before it is found)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for number in range(pages):
        writer.add_page(PdfReader(io.BytesIO(pdf(f"Sivu {number + 1}: kokouksen muistio ja toimintasuunnitelma" if number < pages - 1 else phrase))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


KINDS = {
    "PDF, 1 page": lambda phrase: ("muistio.pdf", pdf(phrase)),
    "Word (.docx)": lambda phrase: ("ohjeet.docx", docx("Perehdytys uusille vapaaehtoisille", phrase)),
    "plain text": lambda phrase: ("muistio.txt", f"Kokousmuistio\n{phrase}\n".encode()),
    "PDF, 50 pages": lambda phrase: ("vuosikertomus.pdf", pdf_pages(50, phrase)),
}


def upload(viewer: Viewer, workspace_id: int, name: str, data: bytes) -> None:
    """Upload one file as the library's handler does."""
    incoming = documents.IncomingFile(viewer, workspace_id, name)
    incoming.add(data)
    incoming.finish()


def word(number: int) -> str:
    """A made-up word found in one file only: the number spelled in letters (its stem may begin another file's word)."""
    return "vuosikello" + "".join("abcdefghij"[int(digit)] for digit in str(number))


async def found(viewer: Viewer, number: int) -> None:
    """Search until a document is found by its file's own word, marked in its passage."""
    while not any((word(number), True) in hit.snippet for hit in (await offload.read(search.search, viewer, Query(text=word(number), kind="document"))).hits):
        await asyncio.sleep(POLL_SECONDS)


async def uploaded(viewer: Viewer, workspace_id: int, number: int, make) -> None:
    """Upload the file `make` makes with the number's word, under a name of its own (one of the same name would be a new version)."""
    name, data = make(word(number))
    await offload.write(upload, viewer, workspace_id, f"{number}-{name}", data)


async def run(viewer: Viewer, workspace_id: int, *, each: int, burst: int, workers: int, rng: random.Random) -> tuple[dict[str, list[float]], float]:
    """Measure each kind `each` times, one upload at a time, then a burst; returns the lags and the burst's last."""
    loops = [asyncio.create_task(jobs.extract_texts()) for _ in range(workers)]
    try:
        lags: dict[str, list[float]] = {kind: [] for kind in KINDS}
        number = 0
        for _round in range(each):
            for kind, make in KINDS.items():
                number += 1
                await asyncio.sleep(rng.uniform(0, 1))
                await uploaded(viewer, workspace_id, number, make)
                committed = time.perf_counter()
                await found(viewer, number)
                lags[kind].append(time.perf_counter() - committed)
        numbers = range(number + 1, number + 1 + burst)
        await asyncio.gather(*(uploaded(viewer, workspace_id, n, make) for n, make in zip(numbers, rng.choices(list(KINDS.values())[:3], k=burst))))
        committed = time.perf_counter()
        for n in numbers:
            await found(viewer, n)
        return lags, time.perf_counter() - committed
    finally:
        for loop in loops:
            loop.cancel()
        for loop in loops:
            with contextlib.suppress(asyncio.CancelledError):
                await loop


def main() -> None:
    """Build the database, measure, report."""
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.split("\n\n")[0])
    parser.add_argument("--each", type=int, default=20, help="uploads of each kind, one at a time")
    parser.add_argument("--burst", type=int, default=20, help="uploads committed at once")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL whose database name contains 'bench'; default: a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    drop = None
    try:
        if arguments.database_url:
            url, drop = _scratch_postgres(arguments.database_url)
        else:
            url = f"sqlite:///{RUN_DIR / 'bench.db'}"
        _use_database(url)
        migrate()
        viewer, workspace_id = uploader()
        lags, burst = asyncio.run(run(viewer, workspace_id, each=arguments.each, burst=arguments.burst, workers=arguments.workers, rng=random.Random(arguments.seed)))
        print(f"\n## Extraction lag benchmark: {engine().dialect.name}, {arguments.workers} worker loop(s)\n")
        for key, value in machine().items():
            print(f"- {key}: {value}")
        print(f"- {arguments.each} uploads of each kind, one at a time at random moments; search polled every {POLL_SECONDS * 1000:.0f} ms\n")
        print("| file | uploads | p50 s | p95 s | max s |")
        print("|---|---:|---:|---:|---:|")
        for kind, found in lags.items():
            found.sort()
            print(f"| {kind} | {len(found)} | {statistics.median(found):.2f} | {found[max(0, round(len(found) * 0.95) - 1)]:.2f} | {found[-1]:.2f} |")
        if arguments.burst:
            print(f"\n{arguments.burst} uploads committed at once: the last found {burst:.2f} s after they were all committed.")
    finally:
        engine().dispose()
        if drop:
            drop()
        shutil.rmtree(RUN_DIR, ignore_errors=True)
        shutil.rmtree(UPLOAD_RUN_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
