"""The text inside uploaded documents (plain text, Word, OpenDocument text, PDF), found for search in the background within fixed bounds.

An upload saves its version with a job (`enqueue`, in the same transaction); each worker's loop (`jobs.extract_texts`)
runs `run_once` off the event loop: it claims the oldest job (`claim`), reads the file (`read`) and writes what it
found and the search entry (`finish`). A hostile file must not stall the queue: only the first `BYTES_READ` bytes are read, at most
`CHARACTERS` characters are kept, at most `PDF_PAGES` pages are read, and reading stops after `SECONDS`. The reading
itself runs in a child process with a memory bound (`MEMORY`), killed if it is still reading `GRACE` seconds after
that: one page can hold millions of drawing operations, and a thread cannot be stopped inside a library's loop. A PDF
whose pages hold no text (a scan) is marked as such, so its missing text is known rather than silent.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import logging
import multiprocessing
import resource
import time
import uuid
import zipfile
from datetime import datetime, timedelta
from typing import IO
from xml.etree import ElementTree

from sqlalchemy import and_, case, delete, or_, update
from sqlmodel import Session, col, select

from partnerskap.db import transaction
from partnerskap.models import Document, DocumentText, DocumentVersion, ExtractionJob
from partnerskap.models.base import utcnow
from partnerskap.services import filetypes, search_index
from partnerskap.storage import get_storage

BYTES_READ = 20 * 1024 * 1024
CHARACTERS = 100_000
PDF_PAGES = 300
SECONDS = 10.0
GRACE = 2.0  # after SECONDS, for a child to return the pages it read before it is killed
MEMORY = 1024 * 1024 * 1024  # of the child's address space: a file inflating past it fails rather than swapping the host
XML_READ = 20 * 1024 * 1024  # of a Word or OpenDocument file's text part, uncompressed
PDF = "application/pdf"
DOCX = filetypes.OFFICE_ZIP[".docx"]
ODT = filetypes.OFFICE_ZIP[".odt"]
TYPES = frozenset({PDF, DOCX, ODT, *filetypes.TEXT.values()})
_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ODF_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# A claim older than this is a crashed or stopped worker's: another worker takes the job. Far longer than one
# extraction may take (`SECONDS` and reading `BYTES_READ` from storage), so a live worker's claim never expires.
LEASE = timedelta(minutes=2)
ATTEMPTS = 3  # claims of one job before it is given up (a file that ends its worker each time, storage that keeps failing)
GAVE_UP = "Given up after {attempts} attempts."

log = logging.getLogger(__name__)


class State(enum.StrEnum):
    """What extraction found in one version."""

    TEXT = "text"
    SCANNED = "scanned"  # a PDF whose pages hold no text: pictures of pages
    NONE = "none"  # a type without text we read (images, spreadsheets, presentations)
    FAILED = "failed"  # damaged, or it took too long


def extract(stream: IO[bytes], content_type: str, seconds: float = SECONDS) -> tuple[State, str]:
    """The text of a file (read from its beginning) and what was found, stopping between pages after `seconds`; never raises for a bad file."""
    if content_type not in TYPES:
        return State.NONE, ""
    data = stream.read(BYTES_READ)
    deadline = time.monotonic() + seconds
    try:
        if content_type == PDF:
            return _pdf(data, deadline)
        if content_type in (DOCX, ODT):
            text = _office(data, content_type)
        else:
            text = data.decode("utf-8", errors="replace")
    except Exception as error:  # a damaged or hostile file of any kind: its text is simply not known
        log.info("no text extracted from a %s upload: %s", content_type, type(error).__name__)
        return State.FAILED, ""
    return State.TEXT, text[:CHARACTERS]


def _pdf(data: bytes, deadline: float) -> tuple[State, str]:
    from pypdf import PdfReader  # only children read PDFs: the app's own processes never import it

    reader = PdfReader(io.BytesIO(data))
    pages, length, read_any_page = [], 0, False
    for number, page in enumerate(reader.pages):
        if number >= PDF_PAGES or length >= CHARACTERS:
            break
        if time.monotonic() > deadline:
            if not read_any_page:
                return State.FAILED, ""
            break
        text = page.extract_text() or ""
        read_any_page = True
        pages.append(text)
        length += len(text)
    text = "\n".join(pages).strip()
    return (State.TEXT, text[:CHARACTERS]) if text else (State.SCANNED, "")


def _office(data: bytes, content_type: str) -> str:
    member, paragraph, run = ("word/document.xml", f"{_WORD_NS}p", f"{_WORD_NS}t") if content_type == DOCX else ("content.xml", None, None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member) as part:
        xml = part.read(XML_READ)
    root = ElementTree.fromstring(xml)  # the standard library's parser expands no external entities
    if content_type == DOCX:
        return "\n".join("".join(node.text or "" for node in block.iter(run)) for block in root.iter(paragraph))
    return "\n".join("".join(block.itertext()) for block in root.iter() if block.tag in (f"{_ODF_TEXT_NS}p", f"{_ODF_TEXT_NS}h"))


def record(session: Session, version_id: int, found: tuple[State, str]) -> None:
    """Keep what was found in a version, in the caller's transaction."""
    state, text = found
    session.add(DocumentText(version_id=version_id, state=state, text=text))
    session.flush()


def enqueue(session: Session, version: DocumentVersion) -> None:
    """Have a new version's text found in the background, in the caller's transaction (a type without text is marked at once)."""
    if version.content_type in TYPES:
        session.add(ExtractionJob(version_id=version.id))
        session.flush()
    else:
        record(session, version.id, (State.NONE, ""))


def copy(session: Session, from_version_id: int, to_version: DocumentVersion) -> None:
    """Give a restored copy of a version the text found in the original (found again if the original's is not yet)."""
    if (found := session.get(DocumentText, from_version_id)) is not None:
        record(session, to_version.id, (State(found.state), found.text))
    else:
        enqueue(session, to_version)


def forget(session: Session, version_id: int) -> None:
    """Remove a version's text and its waiting job before the version itself goes."""
    session.connection().execute(delete(DocumentText).where(col(DocumentText.version_id) == version_id))
    session.connection().execute(delete(ExtractionJob).where(col(ExtractionJob.version_id) == version_id))


def queue_missing() -> int:
    """Queue every version of a document not deleted whose text was never found nor is waiting (after a restore or an upgrade); how many."""
    has_text = select(DocumentText.version_id).where(DocumentText.version_id == DocumentVersion.id).exists()
    has_job = select(ExtractionJob.id).where(ExtractionJob.version_id == DocumentVersion.id).exists()
    with transaction() as session:
        missing = session.exec(
            select(DocumentVersion).join(Document, col(Document.id) == col(DocumentVersion.document_id)).where(col(Document.deleted_at).is_(None), ~has_text, ~has_job).order_by(col(DocumentVersion.id))
        ).all()
        for version in missing:
            enqueue(session, version)
        return len(missing)


@dataclasses.dataclass(frozen=True)
class Claimed:
    """A job one worker holds: which stored file to read, and the claim that proves the job is still this worker's."""

    job_id: int
    claim: str
    version_id: int
    storage_key: str
    content_type: str


def claim(now: datetime | None = None) -> Claimed | None:
    """Claim the oldest job no live worker holds (as the outbox is claimed: rows locked by others are skipped); None when none waits.

    The claim is one conditional update, written only where the row is still unclaimed or its claim expired, so two
    workers never both hold a job, even where the database does not lock the rows it reads (SQLite, which takes its
    write lock for the statement instead). Jobs whose claims expired `ATTEMPTS` times are given up first.
    """
    now = now or utcnow()
    free = and_(col(ExtractionJob.failed_at).is_(None), or_(col(ExtractionJob.claimed_at).is_(None), col(ExtractionJob.claimed_at) < now - LEASE))
    token = uuid.uuid4().hex
    with transaction() as session:  # an idle worker asks this twice a second: only a read, taking no write lock
        if session.exec(select(ExtractionJob.id).where(free).limit(1)).first() is None:
            return None
    with transaction() as session:
        _give_up(session, free, now)
        oldest = select(ExtractionJob.id).where(free, col(ExtractionJob.attempts) < ATTEMPTS).order_by(col(ExtractionJob.id)).limit(1).with_for_update(skip_locked=True).scalar_subquery()
        taken = session.connection().execute(update(ExtractionJob).where(col(ExtractionJob.id) == oldest, free).values(claimed_at=now, claim=token, attempts=ExtractionJob.attempts + 1))
        if taken.rowcount != 1:
            return None
        job_id, version_id, key, content_type = session.exec(
            select(ExtractionJob.id, DocumentVersion.id, DocumentVersion.storage_key, DocumentVersion.content_type)
            .join(DocumentVersion, col(DocumentVersion.id) == col(ExtractionJob.version_id))
            .where(ExtractionJob.claim == token)
        ).one()
        return Claimed(job_id, token, version_id, key, content_type)


def _give_up(session: Session, free, now: datetime) -> None:
    """Fail the jobs claimed too often, keeping them for the record; their versions are marked as ones whose text could not be found."""
    given_up = session.connection().execute(
        update(ExtractionJob)
        .where(free, col(ExtractionJob.attempts) >= ATTEMPTS)
        .values(failed_at=now, error=case((ExtractionJob.error == "", GAVE_UP.format(attempts=ATTEMPTS)), else_=ExtractionJob.error))
        .returning(ExtractionJob.version_id, ExtractionJob.error)
    ).all()
    for version_id, error in given_up:
        log.warning("Text extraction of document version %s given up after %s attempts: %s", version_id, ATTEMPTS, error)
        if session.get(DocumentText, version_id) is None:
            record(session, version_id, (State.FAILED, ""))


def read(job: Claimed) -> tuple[State, str]:
    """Find the text of a claimed job's file (blocking: run it off the event loop); raises only if storage fails."""
    head = io.BytesIO()
    for chunk in get_storage().open(job.storage_key):
        head.write(chunk[: BYTES_READ - head.tell()])
        if head.tell() >= BYTES_READ:
            break
    return extract_bounded(head.getvalue(), job.content_type)


def extract_bounded(data: bytes, content_type: str) -> tuple[State, str]:
    """`extract` in a child process killed past the time bound, or dead of its memory bound: then the file failed."""
    # A fork server's children are forked from a small process started once, not from this threaded one.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "pypdf"])  # read when the server starts: each child then imports nothing
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_extract_in_child, args=(sending, data, content_type, SECONDS, MEMORY), daemon=True)
    child.start()
    sending.close()
    try:
        if receiving.poll(SECONDS + GRACE):
            return receiving.recv()
        log.info("no text extracted from a %s upload: still reading after %s s", content_type, SECONDS + GRACE)
    except EOFError:  # the child died before it answered (its memory bound)
        log.info("no text extracted from a %s upload: its reading ended without an answer", content_type)
    finally:
        receiving.close()
        child.kill()
        child.join()
    return State.FAILED, ""


def _extract_in_child(answer, data: bytes, content_type: str, seconds: float, memory: int) -> None:
    """A child process's whole work: read the file within the memory bound and send what was found."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    answer.send(extract(io.BytesIO(data), content_type, seconds))


def finish(job: Claimed, found: tuple[State, str]) -> bool:
    """Keep what was found and index it with the document, if the job is still this worker's; whether it was.

    The document may have been trashed or deleted meanwhile: a trashed one keeps its text for a restore, out of the
    index; a deleted one's job went with its version, so nothing is written.
    """
    with transaction() as session:
        done = session.connection().execute(delete(ExtractionJob).where(col(ExtractionJob.id) == job.job_id, col(ExtractionJob.claim) == job.claim, col(ExtractionJob.failed_at).is_(None)))
        if done.rowcount != 1:
            return False
        record(session, job.version_id, found)
        document = session.get(Document, session.get(DocumentVersion, job.version_id).document_id)
        if document.deleted_at is None:
            search_index.put_document(session, document)
        return True


def fail(job: Claimed, error: BaseException) -> None:
    """Note why a claimed job failed; its claim is left to expire, so the job is tried again after the lease."""
    log.warning("Text extraction job %s failed; tried again later", job.job_id, exc_info=error)
    with transaction() as session:
        session.connection().execute(update(ExtractionJob).where(col(ExtractionJob.id) == job.job_id, col(ExtractionJob.claim) == job.claim).values(error=f"{type(error).__name__}: {error}"[:500]))


def run_once(now: datetime | None = None) -> bool:
    """Claim, read and finish one job (blocking: a worker's loop runs it in a writing thread); whether there was one."""
    job = claim(now)
    if job is None:
        return False
    try:
        found = read(job)
    except Exception as error:  # noqa: BLE001  (storage failed: noted, and tried again once the claim expires)
        fail(job, error)
    else:
        finish(job, found)
    return True



def text_of_newest(session: Session, document_id: int) -> str:
    """The text found in a document's newest version ("" when none was)."""
    found = session.exec(
        select(DocumentText.text).join(DocumentVersion, col(DocumentVersion.id) == col(DocumentText.version_id)).where(DocumentVersion.document_id == document_id).order_by(col(DocumentVersion.number).desc()).limit(1)
    ).first()
    return found or ""

