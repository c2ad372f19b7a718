"""Small real files for tests: a PDF with a line of text, a PDF of a scanned page (no text), a PDF slow to read and a Word document."""

from __future__ import annotations

import io
import zipfile
import zlib


def pdf(text: str = "") -> bytes:
    """A one-page PDF showing `text` (Latin-1 letters) in Helvetica; without text, a page with nothing to read, as a scan has."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1") if text else b"0 0 1 rg 10 10 100 100 re f"
    return _one_page_pdf(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")


def pdf_of_many_operations(count: int) -> bytes:
    """A one-page PDF of a few tens of kB whose page inflates to `count` text-drawing operations: reading it takes about 23 µs each."""
    stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td " + b"(a) Tj 1 0 Td " * count + b"ET", 9)
    return _one_page_pdf(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")


def _one_page_pdf(contents: bytes) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        contents,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx(*paragraphs: str) -> bytes:
    """A minimal Word document with these paragraphs."""
    body = "".join(f"<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>" for paragraph in paragraphs)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as office:
        office.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        office.writestr("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    return archive.getvalue()
