"""The text inside uploaded documents (plain text, Word, OpenDocument text, PDF), found for search within fixed bounds.

A hostile file must not stall an upload: only the first `BYTES_READ` bytes are read, at most `CHARACTERS` characters
are kept, at most `PDF_PAGES` pages are read, and reading stops after `SECONDS`. A PDF whose pages hold no text
(a scan) is marked as such, so its missing text is known rather than silent.
"""

from __future__ import annotations

import enum
import io
import logging
import time
import zipfile
from typing import IO
from xml.etree import ElementTree

from sqlalchemy import delete
from sqlmodel import Session, col, select

from partnerskap.models import DocumentText, DocumentVersion
from partnerskap.services import filetypes

BYTES_READ = 20 * 1024 * 1024
CHARACTERS = 100_000
PDF_PAGES = 300
SECONDS = 10.0
XML_READ = 20 * 1024 * 1024  # of a Word or OpenDocument file's text part, uncompressed
PDF = "application/pdf"
DOCX = filetypes.OFFICE_ZIP[".docx"]
ODT = filetypes.OFFICE_ZIP[".odt"]
TYPES = frozenset({PDF, DOCX, ODT, *filetypes.TEXT.values()})
_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ODF_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

log = logging.getLogger(__name__)


class State(enum.StrEnum):
    """What extraction found in one version."""

    TEXT = "text"
    SCANNED = "scanned"  # a PDF whose pages hold no text: pictures of pages
    NONE = "none"  # a type without text we read (images, spreadsheets, presentations)
    FAILED = "failed"  # damaged, or it took too long


def extract(stream: IO[bytes], content_type: str) -> tuple[State, str]:
    """The text of a file (read from its beginning) and what was found; never raises for a bad file."""
    if content_type not in TYPES:
        return State.NONE, ""
    data = stream.read(BYTES_READ)
    deadline = time.monotonic() + SECONDS
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
    from pypdf import PdfReader

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


def copy(session: Session, from_version_id: int, to_version_id: int) -> None:
    """Give a restored copy of a version the text found in the original."""
    if (found := session.get(DocumentText, from_version_id)) is not None:
        record(session, to_version_id, (State(found.state), found.text))


def forget(session: Session, version_id: int) -> None:
    """Remove a version's text before the version itself goes."""
    session.connection().execute(delete(DocumentText).where(col(DocumentText.version_id) == version_id))


def text_of_newest(session: Session, document_id: int) -> str:
    """The text found in a document's newest version ("" when none was)."""
    found = session.exec(
        select(DocumentText.text).join(DocumentVersion, col(DocumentVersion.id) == col(DocumentText.version_id)).where(DocumentVersion.document_id == document_id).order_by(col(DocumentVersion.number).desc()).limit(1)
    ).first()
    return found or ""


def state_of_newest(session: Session, document_id: int) -> str:
    """What extraction found in a document's newest version ("" when it was never tried)."""
    found = session.exec(
        select(DocumentText.state).join(DocumentVersion, col(DocumentVersion.id) == col(DocumentText.version_id)).where(DocumentVersion.document_id == document_id).order_by(col(DocumentVersion.number).desc()).limit(1)
    ).first()
    return found or ""
