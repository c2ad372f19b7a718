"""The document routes of a running instance over real HTTP: who may download, how files are named and sandboxed, logs, export."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from reflex.utils.format import format_event_handler

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import DocumentVersion, User
from partnerskap.services import documents, sessions, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from partnerskap.state.library import LibraryState
from tests.conftest import make_person, viewer
from tests.live_server import LiveServer, running_instance

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n% minutes of the board, marker kokous-5b1e\n" + b"0" * 3000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"poster marker juliste-77c2" + b"\0" * 200
TEXT = "Pöytäkirja: marker muistio-0d4f\n".encode()
TRASHED = b"%PDF-1.4\n% marker roskis-9a0b\n%%EOF\n"
BUDGET = b"%PDF-1.4\n% Bob's budget, marker budjetti-31c8\n%%EOF\n"
MARKERS = [b"kokous-5b1e", b"juliste-77c2", b"muistio-0d4f", b"roskis-9a0b", b"budjetti-31c8"]


def office_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>marker asiakirja-e2a7</w:document>")
    return buffer.getvalue()


DOCX = office_file()


@dataclasses.dataclass
class Library:
    """The instance, its people (alice owns the workspace, bob is a member, charlie an outsider, dora owns another) and documents."""

    server: LiveServer
    people: dict[str, User]
    workspace_id: int
    ids: dict[str, int]
    keys: dict[str, str]


@contextlib.contextmanager
def live_instance(server: LiveServer) -> Iterator[None]:
    """Point this process's services at the instance's database and document folder for the block."""
    previous = config.settings
    config.settings = dataclasses.replace(previous, database_url=server.database_url, storage_backend="local", storage_dir=server.data_dir / "documents")
    try:
        yield
    finally:
        config.settings = previous


def upload(user: User, workspace_id: int, name: str, data: bytes, **where) -> DocumentVersion:
    incoming = documents.IncomingFile(viewer(user), workspace_id, name, **where)
    incoming.add(data)
    return incoming.finish()


@pytest.fixture(scope="module")
def library(password_hash: str) -> Iterator[Library]:
    """One instance for the module, with a workspace whose library holds a document of each kind and one in the trash."""
    with running_instance() as server, live_instance(server):
        people = {name: make_person(password_hash, name.capitalize()) for name in ("alice", "bob", "charlie", "dora")}
        alice, bob = viewer(people["alice"]), viewer(people["bob"])
        workspace = workspaces.create(alice, WorkspaceForm(name="Kuntaliitto Board", purpose="Board papers of 2026.", access="open", language="fi"))
        workspaces.join(bob, workspace.id)
        workspaces.create(viewer(people["dora"]), WorkspaceForm(name="Other Board", purpose="Someone else's papers.", access="open"))
        for person in (alice, bob):
            documents.accept_upload_terms(person)
        versions = {
            "pdf": upload(people["alice"], workspace.id, "Kokous ÄÖ.pdf", PDF),
            "png": upload(people["alice"], workspace.id, "poster.png", PNG),
            "txt": upload(people["alice"], workspace.id, "muistio.txt", TEXT),
            "docx": upload(people["alice"], workspace.id, "minutes.docx", DOCX),
            "trashed": upload(people["alice"], workspace.id, "old.pdf", TRASHED),
            "budget": upload(people["bob"], workspace.id, "Bobs budget.pdf", BUDGET, folder_id=documents.create_folder(bob, workspace.id, "Talous").id),
        }
        documents.delete_document(alice, versions["trashed"].document_id)
        yield Library(
            server,
            people,
            workspace.id,
            {kind: version.document_id for kind, version in versions.items()},
            {kind: version.storage_key for kind, version in versions.items()},
        )


def session_cookie(server: LiveServer, user: User) -> dict[str, str]:
    """A live session for someone, as the cookie route sets it after logging in."""
    browser = "login-value-of-the-test-client"  # as /auth/begin gives every browser that opens the login page
    with live_instance(server), transaction() as session:
        ticket = sessions.issue_ticket(user.id, session=session, browser=browser)
    response = httpx.get(server.url + "/auth/complete", params={"ticket": ticket}, headers={"cookie": f"{sessions.LOGIN_COOKIE}={browser}"}, follow_redirects=False)
    assert response.status_code == 303
    return {sessions.COOKIE_NAME: response.cookies[sessions.COOKIE_NAME]}


@pytest.fixture(scope="module")
def clients(library: Library) -> Iterator[dict[str, httpx.Client]]:
    """An HTTP client per person, logged in, and one for a visitor without a session."""
    with contextlib.ExitStack() as stack:
        made = {
            name: stack.enter_context(httpx.Client(base_url=library.server.url, cookies=session_cookie(library.server, user), timeout=30))
            for name, user in library.people.items()
        }
        made["visitor"] = stack.enter_context(httpx.Client(base_url=library.server.url, timeout=30))
        yield made


def download(client: httpx.Client, library: Library, kind: str, query: str = "") -> httpx.Response:
    return client.get(f"/documents/{library.ids[kind]}/download{query}")


def assert_no_document_bytes(response: httpx.Response) -> None:
    leaked = [marker for marker in MARKERS if marker in response.content] + [len(data) for data in (PDF, PNG, TEXT, DOCX, TRASHED, BUDGET) if data in response.content]
    assert not leaked, f"{response.request.url} answered with document bytes: {leaked}"


def downloads_logged(library: Library, user: User, kind: str) -> list[tuple]:
    return library.server.query(
        "SELECT version_id, at, inline FROM downloadlog WHERE user_id = :u AND document_id = :d ORDER BY id", u=user.id, d=library.ids[kind]
    )


def test_member_downloads_a_file_as_an_attachment_under_its_exact_name(library, clients):
    response = download(clients["bob"], library, "pdf")
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-disposition"] == "attachment; filename=\"Kokous __.pdf\"; filename*=UTF-8''Kokous%20%C3%84%C3%96.pdf"
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-length"] == str(len(PDF))
    assert set(response.headers.get_list("x-content-type-options")) == {"nosniff"}
    policies = response.headers.get_list("content-security-policy")
    assert any("sandbox" in [directive.strip() for directive in policy.split(";")] for policy in policies), policies


@pytest.mark.parametrize(("kind", "content_type", "data"), [("pdf", "application/pdf", PDF), ("png", "image/png", PNG), ("txt", "text/plain", TEXT)])
def test_inline_shows_safe_types_with_their_real_type(library, clients, kind, content_type, data):
    response = download(clients["bob"], library, kind, "?inline=1")
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-disposition"].startswith("inline; filename=")
    assert response.headers["content-type"].split(";")[0] == content_type
    assert any("sandbox" in policy for policy in response.headers.get_list("content-security-policy"))


def test_inline_of_an_office_file_still_downloads_as_an_attachment(library, clients):
    response = download(clients["bob"], library, "docx", "?inline=1")
    assert response.status_code == 200
    assert response.content == DOCX
    assert response.headers["content-disposition"] == "attachment; filename=\"minutes.docx\"; filename*=UTF-8''minutes.docx"
    assert response.headers["content-type"] == "application/octet-stream"


@pytest.mark.parametrize("who", ["visitor", "charlie", "dora"])
@pytest.mark.parametrize("query", ["", "?version=1", "?inline=1"])
def test_it_checks_membership_for_every_download(library, clients, who, query):
    for kind in ("pdf", "png", "docx", "budget"):
        response = download(clients[who], library, kind, query)
        assert response.status_code in (403, 404), (who, kind, response.status_code)
        assert_no_document_bytes(response)
    if who != "visitor":
        assert downloads_logged(library, library.people[who], "pdf") == []


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_document_in_the_trash_cannot_be_downloaded(library, clients, who):
    for query in ("", "?version=1", "?inline=1"):
        response = download(clients[who], library, "trashed", query)
        assert response.status_code == 404
        assert_no_document_bytes(response)


def test_every_download_is_logged_with_who_what_and_when(library, clients):
    # Alice views the poster nowhere else in this module, so her first view in the browser today is still to come.
    alice = library.people["alice"]
    before = downloads_logged(library, alice, "png")
    assert not [row for row in before if row[2]], "another test viewed Alice's poster in the browser first"
    started = datetime.now(UTC) - timedelta(seconds=5)
    assert download(clients["alice"], library, "png").status_code == 200
    assert download(clients["alice"], library, "png", "?inline=1&version=1").status_code == 200
    assert download(clients["alice"], library, "png", "?inline=1").status_code == 200  # a second view today is not noted again
    logged = downloads_logged(library, alice, "png")[len(before) :]
    version_id = library.server.query("SELECT id FROM documentversion WHERE storage_key = :k", k=library.keys["png"])[0][0]
    assert [(row[0], bool(row[2])) for row in logged] == [(version_id, False), (version_id, True)]
    for row in logged:
        at = row[1] if isinstance(row[1], datetime) else datetime.fromisoformat(row[1])
        assert started <= (at if at.tzinfo else at.replace(tzinfo=UTC)) <= datetime.now(UTC)


def test_the_public_upload_folder_does_not_serve_documents(library, clients):
    paths = [f"/_upload/{key}" for key in library.keys.values()]
    paths += [f"/_upload/documents/{library.keys['pdf']}", f"/_upload/workspaces/{library.workspace_id}/", "/_upload/workspaces/", "/_upload/"]
    for client in (clients["visitor"], clients["alice"]):
        for path in paths:
            response = client.get(path)
            assert response.status_code == 404, (path, response.status_code)
            assert_no_document_bytes(response)


def archive_of(response: httpx.Response) -> dict[str, bytes]:
    assert response.status_code == 200, response.status_code
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_member_exports_their_own_documents_in_their_folders(library, clients):
    assert archive_of(clients["bob"].get(f"/workspaces/{library.workspace_id}/export.zip?scope=mine")) == {"Talous/Bobs budget.pdf": BUDGET}


def test_the_owner_exports_the_whole_library_but_not_the_trash(library, clients):
    mine = archive_of(clients["alice"].get(f"/workspaces/{library.workspace_id}/export.zip?scope=mine"))
    assert mine == {"Kokous ÄÖ.pdf": PDF, "poster.png": PNG, "muistio.txt": TEXT, "minutes.docx": DOCX}
    everything = archive_of(clients["alice"].get(f"/workspaces/{library.workspace_id}/export.zip?scope=all"))
    assert everything == {**mine, "Talous/Bobs budget.pdf": BUDGET}


@pytest.mark.parametrize(("who", "scope"), [("bob", "all"), ("charlie", "mine"), ("charlie", "all"), ("dora", "all"), ("visitor", "mine")])
def test_it_checks_who_may_export(library, clients, who, scope):
    response = clients[who].get(f"/workspaces/{library.workspace_id}/export.zip?scope={scope}")
    assert response.status_code in (403, 404)
    assert_no_document_bytes(response)


@pytest.mark.parametrize("cookie", [None, "forged-session-token"])
@pytest.mark.parametrize("path", ["/_upload", "/_upload/"])
def test_an_upload_without_a_live_session_is_refused(library, path, cookie):
    stored = sorted((library.server.data_dir / "documents").rglob("*"))
    response = httpx.post(
        library.server.url + path,
        files={"files": ("sneaky.pdf", PDF, "application/pdf")},
        headers={"Reflex-Client-Token": "a-guessed-token", "Reflex-Event-Handler": format_event_handler(LibraryState.receive)},
        cookies={sessions.COOKIE_NAME: cookie} if cookie else None,
    )
    assert response.status_code == 403
    assert response.text == "Log in to continue."
    assert sorted((library.server.data_dir / "documents").rglob("*")) == stored
