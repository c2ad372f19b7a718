"""The library journey in Chromium: confirm the rights, upload with progress, add a version, download an old one; outsiders see nothing."""

from __future__ import annotations

import re
import select
import socket
import struct
import zlib
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect
from reflex.utils.format import format_event_handler

from partnerskap.pages.library import LICENCE_LABELS
from partnerskap.services import documents, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from partnerskap.state.library import LibraryState
from tests.browser.axe import assert_accessible
from tests.browser.test_membership_journey import log_in, open_page
from tests.browser.test_workspace_journey import (
    approved_member,
    check_in_every_language,
    live_database,
    viewer_of,
)
from tests.conftest import PASSWORD
from tests.live_server import LiveServer

RIGHTS = "I hold the rights to what I upload and take responsibility for it"
MINUTES = b"Minutes of the spring meeting in Vaasa.\n" * (20 * 1024 * 1024 // 40)  # 20 MB: big enough to watch progress
UPLOAD_BYTES_PER_SECOND = 8 * 1024 * 1024  # throttled so the progress bar is on screen for a few seconds


def png(red: int, green: int, blue: int) -> bytes:
    """A real 2×2 PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + bytes([red, green, blue]) * 2 for _ in range(2))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


POSTER_V1 = png(200, 30, 30)
POSTER_V2 = png(30, 30, 200)


def file(name: str, mime_type: str, data: bytes) -> dict:
    return {"name": name, "mimeType": mime_type, "buffer": data}


def throttle_uploads(page: Page) -> None:
    """Slow the page's outgoing bytes, as on a real connection, so an upload takes long enough to be seen."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": UPLOAD_BYTES_PER_SECOND})


def downloaded(page: Page, link) -> tuple[str, bytes]:
    """Click a download link; the name the browser would save under and the bytes it got."""
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    with open(download.path(), "rb") as saved:
        return download.suggested_filename, saved.read()


def document_id(server: LiveServer, workspace_id: int, name: str) -> int:
    return server.query("SELECT id FROM document WHERE workspace_id = :w AND name = :n", w=workspace_id, n=name)[0][0]


def document_row(page: Page, name: str):
    return page.locator(".site-main table").first.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def test_member_uploads_adds_a_version_and_downloads_the_first_while_outsiders_see_nothing(live_server: LiveServer, new_context, password_hash: str):
    greta = approved_member(live_server, password_hash, "Greta Arkivist")
    hugo = approved_member(live_server, password_hash, "Hugo Utomstående")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(greta), WorkspaceForm(name="Archive Exchange", purpose="Sharing the minutes of 2026.", access="request", language="en"))
    library = f"{live_server.url}/workspaces/{workspace.id}/documents"

    owner = new_context().new_page()
    log_in(owner, live_server, greta.email, PASSWORD)
    open_page(owner, library)
    expect(owner.get_by_role("heading", name="Documents", level=1)).to_be_visible()
    expect(owner.get_by_text("No documents here yet.")).to_be_visible()
    expect(owner.locator("#library-upload")).to_have_count(0)
    check_in_every_language(owner, "library before the rights confirmation")

    # Greta confirms the rights, then drops two files at once; the big one shows its progress.
    owner.get_by_role("button", name=RIGHTS).click()
    picker = owner.locator("#library-upload input[type=file]")
    expect(picker).to_be_attached()
    assert_accessible(owner, "library with the upload zone")
    throttle_uploads(owner)
    picker.set_input_files([file("minutes.txt", "text/plain", MINUTES), file("poster.png", "image/png", POSTER_V1)])
    progress = owner.get_by_role("progressbar", name="Upload progress")
    expect(progress).to_be_visible()
    expect(owner.get_by_text(re.compile(r"^[1-9]\d* %$"))).to_be_visible()
    expect(owner.locator("#upload-name")).to_contain_text(re.compile(r"minutes\.txt|poster\.png"))
    expect(owner.locator(".notice")).to_contain_text("Saved: ", timeout=60000)
    expect(progress).to_have_count(0)
    expect(owner.locator(".notice")).to_contain_text("minutes.txt")
    expect(owner.locator(".notice")).to_contain_text("poster.png")

    # An upload can be cancelled while it is sent: nothing of it is kept.
    picker.set_input_files([file("unwanted.txt", "text/plain", MINUTES)])
    expect(owner.locator("#upload-name")).to_contain_text("unwanted.txt")
    owner.get_by_role("button", name="Cancel").click()
    expect(progress).to_have_count(0)
    expect(owner.get_by_role("link", name="unwanted.txt")).to_have_count(0)

    minutes, poster = document_row(owner, "minutes.txt"), document_row(owner, "poster.png")
    # The name heads its row (th scope=row); the other cells follow.
    expect(minutes.get_by_role("rowheader")).to_have_text("minutes.txt" + "Rights: Greta Arkivist · All rights reserved")
    expect(minutes.get_by_role("cell")).to_have_text(["20 MB", "Text file", greta.name, re.compile(r"\d"), "View" + "Versions (1)"])
    expect(poster.get_by_role("cell").nth(0)).to_have_text(re.compile(r"^\d+ B$"))
    expect(poster.get_by_role("cell").nth(1)).to_have_text("PNG image")
    expect(poster.get_by_role("cell").nth(2)).to_have_text(greta.name)

    # A file of the same name uploaded while the poster's versions are open becomes its version 2.
    poster.get_by_role("button", name="Versions (1)").click()
    panel = owner.locator(".rt-Card").filter(has=owner.get_by_role("heading", name="Versions", level=2))
    expect(panel.get_by_role("row")).to_have_count(2)
    picker.set_input_files([file("poster.png", "image/png", POSTER_V2)])
    expect(poster.get_by_role("button", name="Versions (2)")).to_be_visible(timeout=30000)
    expect(minutes.get_by_role("button", name="Versions (1)")).to_be_visible()
    panel.get_by_role("button", name="Close").click()
    poster.get_by_role("button", name="Versions (2)").click()
    expect(panel.get_by_role("row")).to_have_count(3)
    assert_accessible(owner, "library with the versions panel")

    # The details open filled in from the document; changing the licence keeps the rights holder (it was lost once).
    details = panel.get_by_role("form", name="Document details")
    expect(details.get_by_label("Name")).to_have_value("poster.png")
    expect(details.get_by_label("Copyright holder")).to_have_value(greta.name)
    details.get_by_label("Licence for others").select_option("cc-by-4.0")
    details.get_by_role("button", name="Save").click()
    expect(owner.locator(".notice")).to_contain_text("The document was saved.")
    expect(poster.get_by_role("rowheader")).to_contain_text(f"Rights: {greta.name} · {LICENCE_LABELS['cc-by-4.0']}")
    expect(details.get_by_label("Copyright holder")).to_have_value(greta.name)

    first = panel.get_by_role("row").filter(has=owner.get_by_role("cell", name="1", exact=True))
    assert downloaded(owner, first.get_by_role("link", name="Download")) == ("poster.png", POSTER_V1)
    assert downloaded(owner, poster.get_by_role("link", name="poster.png", exact=True)) == ("poster.png", POSTER_V2)
    check_in_every_language(owner, "library with documents and versions")

    # Hugo, a member of the instance but not of the workspace, gets nothing: no bytes, no list, no upload zone.
    outsider = new_context().new_page()
    frames: list[str] = []
    outsider.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.append(str(frame))))
    log_in(outsider, live_server, hugo.email, PASSWORD)
    poster_url = f"{live_server.url}/documents/{document_id(live_server, workspace.id, 'poster.png')}/download"
    for query in ("", "?version=1", "?inline=1"):
        refused = outsider.context.request.get(poster_url + query)
        assert refused.status in (403, 404)
        assert POSTER_V1 not in refused.body() and POSTER_V2 not in refused.body()
    open_page(outsider, library)
    expect(outsider.locator(".notice")).to_have_text(re.compile("^Only the workspace.s members can do this."))
    for secret in ("minutes.txt", "poster.png", RIGHTS):
        expect(outsider.locator("body")).not_to_contain_text(secret)
        assert not [frame for frame in frames if secret in frame], f"the server sent the outsider {secret!r}"
    assert frames, "no websocket frames were seen"
    expect(outsider.locator("#library-upload")).to_have_count(0)
    assert_accessible(outsider, "refused library")


def test_the_open_versions_panel_shows_a_new_version_at_once(live_server: LiveServer, new_context, password_hash: str):
    iris = approved_member(live_server, password_hash, "Iris Versionsson")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(iris), WorkspaceForm(name="Agenda Drafts", purpose="Drafting agendas together.", access="request", language="en"))
        documents.accept_upload_terms(viewer_of(iris))
    page = new_context().new_page()
    log_in(page, live_server, iris.email, PASSWORD)
    open_page(page, f"{live_server.url}/workspaces/{workspace.id}/documents")
    picker = page.locator("#library-upload input[type=file]")
    picker.set_input_files([file("agenda.txt", "text/plain", b"First draft\n")])
    agenda = document_row(page, "agenda.txt")
    agenda.get_by_role("button", name="Versions (1)").click()
    panel = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Versions", level=2))
    expect(panel.get_by_role("row")).to_have_count(2)
    picker.set_input_files([file("agenda.txt", "text/plain", b"Second draft\n")])
    expect(agenda.get_by_role("button", name="Versions (2)")).to_be_visible()
    expect(panel.get_by_role("row")).to_have_count(3, timeout=5000)


def upload_over_the_wire(server: LiveServer, *, client_token: str, cookies: dict[str, str], declared: int) -> tuple[bytes, int]:
    """POST an upload declaring `declared` bytes, sending the body piece by piece until the server answers; its answer and the bytes sent."""
    boundary = "partnerskap-wire-boundary"
    host, port = urlsplit(server.url).hostname, urlsplit(server.url).port
    head = (
        f"POST /_upload HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {declared}\r\nReflex-Client-Token: {client_token}\r\nReflex-Event-Handler: {format_event_handler(LibraryState.receive)}\r\n"
        f"Cookie: {'; '.join(f'{name}={value}' for name, value in cookies.items())}\r\n\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="huge.txt"\r\nContent-Type: text/plain\r\n\r\n'
    ).encode()
    piece = b"x" * (64 * 1024)
    sent = 0
    with socket.create_connection((host, port)) as connection:
        connection.sendall(head)
        while sent < declared:
            if select.select([connection], [], [], 0.01)[0]:
                return connection.recv(65536), sent
            try:
                connection.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        connection.settimeout(30)
        return connection.recv(65536), sent


def test_an_upload_past_the_limit_is_answered_before_its_body_is_sent(live_server: LiveServer, new_context, password_hash: str):
    ines = approved_member(live_server, password_hash, "Ines Lagrare")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(ines), WorkspaceForm(name="Big Files", purpose="Too big to share.", access="request", language="en"))
    page = new_context().new_page()
    log_in(page, live_server, ines.email, PASSWORD)
    open_page(page, f"{live_server.url}/workspaces/{workspace.id}/documents")
    page.get_by_role("button", name=RIGHTS).click()
    expect(page.locator("#library-upload input[type=file]")).to_be_attached()

    limit = 100 * 1024 * 1024  # the instance's PARTNERSKAP_MAX_UPLOAD_MB
    answer, sent = upload_over_the_wire(
        live_server,
        client_token=page.evaluate("() => window.sessionStorage.getItem('token')"),
        cookies={cookie["name"]: cookie["value"] for cookie in page.context.cookies()},
        declared=limit + 50 * 1024 * 1024,
    )
    assert answer.startswith(b"HTTP/1.1 4"), answer[:200]
    assert sent < 8 * 1024 * 1024, f"the server read {sent} bytes of a refused upload"
    expect(page.locator(".notice")).to_contain_text("The upload is larger than the limit of 100 MB.")
    assert live_server.query("SELECT count(*) FROM document WHERE workspace_id = :w", w=workspace.id)[0][0] == 0
