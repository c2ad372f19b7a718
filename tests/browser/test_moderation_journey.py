"""The moderation journey in Chromium: Bob reports Olivia's post; the administrator, on a 360 px phone, hides it with a
reason; Bob (in Swedish) and Olivia (in Finnish) read the outcome; Olivia appeals; another administrator decides; the
administrator closes the workspace and its members read it, with the reason, and download their own files."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
import zipfile
from collections.abc import Iterator

from playwright.sync_api import expect
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import Membership, Post, Role, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import discussions, documents, workspaces
from partnerskap.services.sessions import Viewer
from partnerskap.services.workspaces import WorkspaceForm
from tests.browser.test_membership_journey import log_in, open_page
from tests.conftest import PASSWORD
from tests.live_server import ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_TOTP_SECRET, LiveServer, enrol_second_factor

REASON = "Advertising is not allowed in this workspace."
CLOSING = "The workspace shared material without the rights to it."


@contextlib.contextmanager
def live_instance(server: LiveServer) -> Iterator[None]:
    """Point the services at the live instance's database and document store for the block."""
    previous = config.settings
    config.settings = dataclasses.replace(previous, database_url=server.database_url, storage_dir=server.data_dir / "documents")
    try:
        yield
    finally:
        config.settings = previous


def person(server: LiveServer, password_hash: str, name: str, language: str, role: str = Role.MEMBER) -> User:
    """Someone who may log in at once with PASSWORD."""
    with live_instance(server), transaction() as session:
        user = User(
            email=f"{name.lower()}.moderation@example.org",
            name=name,
            password_hash=password_hash,
            status=Status.APPROVED,
            role=role,
            language=language,
            email_confirmed_at=utcnow(),
            terms_accepted_at=utcnow(),
        )
        session.add(user)
    return user


def viewer_of(user: User) -> Viewer:
    with transaction() as session:
        return Viewer.of(session.get(User, user.id))


def test_a_report_is_hidden_appealed_decided_again_and_the_workspace_closed(live_server: LiveServer, new_context, password_hash: str):
    olivia = person(live_server, password_hash, "Olivia", "fi")
    bob = person(live_server, password_hash, "Bob", "sv")
    frank = person(live_server, password_hash, "Frank", "en", Role.ADMIN)
    enrol_second_factor(live_server.env, frank.email, ADMIN_TOTP_SECRET)  # administrators sign in with a second factor
    with live_instance(live_server):
        workspace = workspaces.create(viewer_of(olivia), WorkspaceForm(name="Harbour Choir", purpose="Singing by the sea"))
        with transaction() as session:
            session.add(Membership(workspace_id=workspace.id, user_id=bob.id))
            session.exec(select(User).where(User.email == ADMIN_EMAIL)).one().language = "en"
        thread = discussions.start_thread(viewer_of(olivia), workspace.id, "Concert", "Buy cheap watches at my shop!", discussions.new_key())
        documents.accept_upload_terms(viewer_of(bob))
        incoming = documents.IncomingFile(viewer_of(bob), workspace.id, "bobs-notes.txt")
        incoming.add(b"Bob's own notes\n")
        incoming.finish()
        with transaction() as session:
            post_id = session.exec(select(Post.id).where(Post.thread_id == thread.id)).one()

    # Bob reports Olivia's post from its action menu (journeys share the server: other journeys' cases may wait too).
    open_before = live_server.query("SELECT count(*) FROM moderationcase WHERE status IN ('open', 'appealed')")[0][0]
    bobs_page = new_context(locale="sv-SE").new_page()
    log_in(bobs_page, live_server, bob.email, PASSWORD)
    open_page(bobs_page, f"{live_server.url}/threads/{thread.id}")
    bobs_page.locator(f"#post-{post_id}").get_by_role("button", name=re.compile("^" + t("Actions for the post by", "sv"))).click()
    bobs_page.get_by_role("menuitem", name=t("Report", "sv")).click()
    bobs_page.locator("#report-reason").select_option("spam")
    bobs_page.locator("#report-note").fill("A shop advertisement")
    bobs_page.get_by_role("button", name=t("Send the report", "sv")).click()
    expect(bobs_page.get_by_text(t("Thank you. Your report arrived and the moderators will look at it.", "sv"))).to_be_visible()

    # The administrator, on a phone, hides it with a reason.
    phone = new_context().new_page()
    phone.set_viewport_size({"width": 360, "height": 740})
    log_in(phone, live_server, ADMIN_EMAIL, ADMIN_PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(phone, live_server.url + "/admin")
    expect(phone.locator("#open-cases-count")).to_have_text(str(open_before + 1))
    open_page(phone, live_server.url + "/moderation")
    card = phone.locator(".case-card").filter(has_text="Buy cheap watches")
    expect(card).to_contain_text("Buy cheap watches")
    expect(card).to_contain_text("A shop advertisement")
    assert card.bounding_box()["width"] <= 360
    card.locator("select[name=decision]").select_option("hide")
    card.locator("textarea[name=reason]").fill(REASON)
    card.get_by_role("button", name="Decide").click()
    expect(card).to_have_count(0)  # decided: it left the queue

    # Bob reads the outcome in Swedish; the post is gone for him.
    open_page(bobs_page, live_server.url + "/notifications")
    expect(bobs_page.get_by_text(re.compile("har avgjorts: dold"))).to_be_visible()
    open_page(bobs_page, f"{live_server.url}/threads/{thread.id}")
    expect(bobs_page.locator(f"#post-{post_id}")).to_have_count(0)

    # Olivia reads the decision in Finnish and appeals.
    olivias_page = new_context(locale="fi-FI").new_page()
    log_in(olivias_page, live_server, olivia.email, PASSWORD)
    open_page(olivias_page, live_server.url + "/notifications")
    olivias_page.get_by_text(re.compile("Moderaattorin päätös")).click()
    olivias_page.wait_for_url(re.compile(r"/moderation/cases/\d+"))
    expect(olivias_page.locator("#case-decision")).to_contain_text("Piilota")
    expect(olivias_page.locator("#case-reason")).to_contain_text(REASON)
    olivias_page.locator("#appeal-note").fill("It was a concert ticket offer.")
    olivias_page.get_by_role("button", name=t("Appeal", "fi")).click()
    expect(olivias_page.get_by_text(t("Your appeal was sent. Another administrator will decide.", "fi"))).to_be_visible()

    # The administrator who decided does not get the appeal; Frank does, and restores the post.
    open_page(phone, live_server.url + "/moderation")
    expect(phone.locator(".case-card").filter(has_text="Buy cheap watches")).to_have_count(0)
    franks_page = new_context().new_page()
    log_in(franks_page, live_server, frank.email, PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(franks_page, live_server.url + "/moderation")
    appealed = franks_page.locator(".case-card").filter(has_text="Buy cheap watches")
    expect(appealed).to_contain_text("It was a concert ticket offer.")
    appealed.locator("select[name=decision]").select_option("dismiss")
    appealed.locator("textarea[name=reason]").fill("A harmless offer among members.")
    appealed.get_by_role("button", name="Decide").click()
    expect(appealed).to_have_count(0)
    open_page(bobs_page, f"{live_server.url}/threads/{thread.id}")
    expect(bobs_page.locator(f"#post-{post_id}")).to_contain_text("Buy cheap watches")

    # The administrator closes the workspace; Bob reads it, with the reason, and downloads his own files.
    open_page(phone, f"{live_server.url}/workspaces/{workspace.id}")
    phone.locator("#close-reason").fill(CLOSING)
    phone.get_by_role("button", name="Close the workspace").click()
    expect(phone.locator("#closed-notice")).to_contain_text(CLOSING)
    open_page(bobs_page, f"{live_server.url}/workspaces/{workspace.id}")
    expect(bobs_page.locator("#closed-notice")).to_contain_text(CLOSING)
    expect(bobs_page.get_by_role("button", name=t("Start the discussion", "sv"))).to_have_count(0)
    download = bobs_page.request.get(f"{live_server.url}/workspaces/{workspace.id}/export.zip")
    assert download.status == 200
    assert zipfile.ZipFile(io.BytesIO(download.body())).namelist() == ["bobs-notes.txt"]
