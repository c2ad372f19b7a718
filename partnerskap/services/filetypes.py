"""What a file really is, judged by its first bytes (not only its name), and whether an office zip is a bomb."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import IO

from partnerskap.i18n import N_

SNIFF_BYTES = 8192
OFFICE_ZIP = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
OLE_OFFICE = {".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint"}
TEXT = {".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv"}
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
ZIP_MAX_RATIO = 100
INFLATE_READ_BYTES = 64 * 1024
# A zip entry's local header: signature, version, flags, method, time, date, CRC, sizes, name and extra lengths.
LOCAL_HEADER = struct.Struct("<4s5H3L2H")
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/markdown", "text/csv"}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# What people call each kind of file the library takes (translated where shown).
KIND_NAMES = {
    "application/pdf": N_("PDF document"),
    "image/png": N_("PNG image"),
    "image/jpeg": N_("JPEG image"),
    "image/gif": N_("GIF image"),
    "image/webp": N_("WebP image"),
    "text/plain": N_("Text file"),
    "text/markdown": N_("Text file"),
    "text/csv": N_("CSV table"),
    OFFICE_ZIP[".docx"]: N_("Word document"),
    OFFICE_ZIP[".xlsx"]: N_("Excel spreadsheet"),
    OFFICE_ZIP[".pptx"]: N_("PowerPoint presentation"),
    OFFICE_ZIP[".odt"]: N_("OpenDocument text"),
    OFFICE_ZIP[".ods"]: N_("OpenDocument spreadsheet"),
    OFFICE_ZIP[".odp"]: N_("OpenDocument presentation"),
    OLE_OFFICE[".doc"]: N_("Word document"),
    OLE_OFFICE[".xls"]: N_("Excel spreadsheet"),
    OLE_OFFICE[".ppt"]: N_("PowerPoint presentation"),
}


def kind_name(content_type: str) -> str:
    """The kind of a file as people name it ("PDF document"), untranslated; "File" for anything else."""
    return KIND_NAMES.get(content_type, N_("File"))


def extension(name: str) -> str:
    """The lower-case extension of a file name, with its dot."""
    return PurePosixPath(name).suffix.lower()


def detect(name: str, head: bytes) -> str | None:
    """The content type of an allowed file, from its first bytes and name; None if it is not allowed."""
    ext = extension(name)
    if head.startswith(b"%PDF-"):
        return "application/pdf" if ext == ".pdf" else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png" if ext == ".png" else None
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg" if ext in (".jpg", ".jpeg") else None
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif" if ext == ".gif" else None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp" if ext == ".webp" else None
    if head.startswith(b"PK\x03\x04"):
        return OFFICE_ZIP.get(ext)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE_OFFICE.get(ext)
    if head.startswith(b"{\\rtf"):
        return "application/rtf" if ext == ".rtf" else None
    if ext in TEXT and _is_text(head):
        return TEXT[ext]
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character may be cut at the end of the sniffed bytes.
        return error.start >= len(head) - 3
    return True


def is_zip_bomb(spooled: IO[bytes], compressed_size: int) -> bool:
    """Whether an office zip expands too far (entries, total size or ratio), or is not a readable zip at all.

    The sizes an archive declares may lie, and an office program inflates what is really there: each entry's
    data is inflated (never kept) until the archive's total passes the bound, and only then is it refused.
    """
    try:
        with zipfile.ZipFile(spooled) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                return True
            room = min(ZIP_MAX_UNCOMPRESSED, ZIP_MAX_RATIO * max(compressed_size, 1))
            for entry in entries:
                room -= _inflated_size(spooled, entry, room)
                if room < 0:
                    return True
    except (zipfile.BadZipFile, OSError, ValueError, zlib.error, struct.error):
        return True
    return False


def _inflated_size(spooled: IO[bytes], entry: zipfile.ZipInfo, bound: int) -> int:
    """How far an entry's data really inflates, read from its local header on (not its declared sizes); stops past `bound`."""
    spooled.seek(entry.header_offset)
    signature, _version, flags, method, *_sizes, name_length, extra_length = LOCAL_HEADER.unpack(spooled.read(LOCAL_HEADER.size))
    if signature != b"PK\x03\x04" or flags & 0x1:
        raise zipfile.BadZipFile("not a local file header, or encrypted")
    spooled.seek(name_length + extra_length, 1)
    if method == zipfile.ZIP_STORED:
        return entry.compress_size  # stored bytes are as many as the archive holds; nothing inflates
    if method != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile("office files are stored or deflated")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    inflated = 0
    while not inflater.eof and inflated <= bound:
        pending = inflater.unconsumed_tail or spooled.read(INFLATE_READ_BYTES)
        inflated_now = len(inflater.decompress(pending, INFLATE_READ_BYTES))
        if not pending and not inflated_now:
            raise zipfile.BadZipFile("the archive ends inside a deflate stream")
        inflated += inflated_now
    return inflated
