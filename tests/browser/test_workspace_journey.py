"""The workspace journey in Chromium: create, ask to join, accept, discuss live, mention; outsiders see nothing; controls follow
the permission policy (Remove on one's own event only; an administrator moderates a closed workspace); axe on every page."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import signal
import unicodedata
from collections.abc import Iterator

from playwright.sync_api import Page, expect

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import Role, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import calendar, discussions, workspaces
from partnerskap.services.sessions import Viewer
from partnerskap.services.workspaces import WorkspaceForm
from partnerskap.state.discussions import NOT_SENT_YET
from tests.browser.axe import assert_accessible
from tests.browser.test_membership_journey import log_in, open_page, switch_language
from tests.conftest import PASSWORD
from tests.live_server import ADMIN_TOTP_SECRET, LiveServer, enrol_second_factor

WORKSPACE = {"name": "Nordic Choir Exchange", "purpose": "Choirs from Turku and Uppsala sing together in 2026."}
THREAD = {"title": "Rehearsal weekend", "body": "Shall we meet in Turku in March?"}
LIVE_REPLY = "March works for the Uppsala singers."
SECRET = {"name": "Hidden Harbour Board", "purpose": "Confidential budget talks", "title": "Budget cuts 2027", "body": "The ferry grant ends next year."}


@contextlib.contextmanager
def live_database(server: LiveServer) -> Iterator[None]:
    """Point the services at the live instance's database for the block (its own tests use a copy of a template)."""
    previous = config.settings
    config.settings = dataclasses.replace(previous, database_url=server.database_url)
    try:
        yield
    finally:
        config.settings = previous


def approved_member(server: LiveServer, password_hash: str, name: str) -> User:
    """A member who may log in at once; registering and approval have their own journey."""
    # Journeys share one server: the whole name makes the address, so two journeys' "Sami"s are two people.
    letters = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    with live_database(server), transaction() as session:
        user = User(
            email=".".join(letters.split()) + ".workspaces@example.org",
            name=name,
            organisation=f"{name.split()[-1]} ry",
            password_hash=password_hash,
            status=Status.APPROVED,
            language="en",
            email_confirmed_at=utcnow(),
            terms_accepted_at=utcnow(),
        )
        session.add(user)
    return user


def viewer_of(user: User) -> Viewer:
    with transaction() as session:
        return Viewer.of(session.get(User, user.id))


def check_in_every_language(page: Page, label: str) -> None:
    """Run axe in Finnish, Swedish and then English again, switched with the header buttons."""
    for language in ("fi", "sv", "en"):
        switch_language(page, language)
        assert_accessible(page, f"{label} [{language}]")


def drafts_of(server: LiveServer, user: User) -> list[str]:
    return [row[0] for row in server.query("SELECT body FROM draft WHERE user_id = :id", id=user.id)]


def unread_for(server: LiveServer, user: User) -> int:
    return server.query("SELECT count(*) FROM notification WHERE user_id = :id AND read_at IS NULL", id=user.id)[0][0]


def test_members_create_join_discuss_live_and_mention(live_server: LiveServer, new_context, password_hash: str):
    ada = approved_member(live_server, password_hash, "Ada Lindqvist")
    bea = approved_member(live_server, password_hash, "Bea Korhonen")
    owner = new_context().new_page()
    joiner = new_context().new_page()
    log_in(owner, live_server, ada.email, PASSWORD)
    log_in(joiner, live_server, bea.email, PASSWORD)

    # Ada creates an on-request workspace.
    open_page(owner, live_server.url + "/workspaces")
    expect(owner.get_by_role("link", name="Create a workspace")).to_be_visible()
    assert_accessible(owner, "workspace list")
    owner.get_by_role("link", name="Create a workspace").click()
    expect(owner.locator("#access")).to_be_visible()
    assert_accessible(owner, "new workspace form")
    owner.locator("#name").fill(WORKSPACE["name"])
    owner.locator("#purpose").fill(WORKSPACE["purpose"])
    owner.locator("#language").select_option("en")
    owner.locator("#access").select_option("request")
    owner.get_by_role("button", name="Create the workspace").click()
    owner.wait_for_url(re.compile(r"/workspaces/\d+/?$"))
    workspace_id = int(re.search(r"/workspaces/(\d+)", owner.url).group(1))
    expect(owner.get_by_role("heading", name=WORKSPACE["name"])).to_be_visible()
    expect(owner.get_by_role("heading", name="Discussions")).to_be_visible()
    check_in_every_language(owner, "workspace front (member)")

    # Bea finds it, sees only the introduction, and asks to join.
    open_page(joiner, live_server.url + "/workspaces")
    card = joiner.locator(".workspace-card").filter(has=joiner.get_by_role("heading", name=WORKSPACE["name"]))
    expect(card).to_contain_text("On request: owners accept members")
    card.get_by_role("link", name=WORKSPACE["name"]).click()
    joiner.wait_for_url(re.compile(rf"/workspaces/{workspace_id}/?$"))
    expect(joiner.get_by_role("button", name="Ask to join")).to_be_visible()
    expect(joiner.locator(".site-main")).to_contain_text(WORKSPACE["purpose"])
    expect(joiner.get_by_role("heading", name="Discussions")).to_have_count(0)
    expect(joiner.get_by_role("heading", name="Members")).to_have_count(0)
    expect(joiner.locator(".site-main")).not_to_contain_text(ada.organisation)
    check_in_every_language(joiner, "workspace front (non-member)")
    joiner.locator("#message").fill("We sing bass and tenor.")
    joiner.get_by_role("button", name="Ask to join").click()
    expect(joiner.locator(".notice")).to_contain_text("Your request was sent.")

    # Ada accepts the request on the members page.
    open_page(owner, live_server.url + f"/workspaces/{workspace_id}/members")
    request = owner.locator(".rt-Card").filter(has_text=bea.name)
    expect(request).to_contain_text("We sing bass and tenor.")
    assert_accessible(owner, "members page with a request")
    request.get_by_role("button", name="Accept").click()
    expect(owner.locator(".notice")).to_contain_text("The request was accepted.")
    expect(owner.get_by_role("rowheader", name=bea.name)).to_be_visible()

    # Bea starts a discussion.
    open_page(joiner, live_server.url + f"/workspaces/{workspace_id}")
    expect(joiner.get_by_role("heading", name="Start a discussion")).to_be_visible()
    assert_accessible(joiner, "workspace front (new member)")
    joiner.locator("#thread-title").fill(THREAD["title"])
    joiner.locator("#thread-body").fill(THREAD["body"])
    joiner.get_by_role("button", name="Start the discussion").click()
    joiner.wait_for_url(re.compile(r"/threads/\d+/?$"))
    thread_id = int(re.search(r"/threads/(\d+)", joiner.url).group(1))
    expect(joiner.locator(".post")).to_contain_text(THREAD["body"])
    check_in_every_language(joiner, "thread")

    # Ada has the thread open; Bea's reply appears there without a reload.
    open_page(owner, live_server.url + f"/threads/{thread_id}")
    expect(owner.locator(".post")).to_have_count(1)
    expect(owner.locator(".post").first).to_contain_text(THREAD["body"])
    owner.evaluate("window.__not_reloaded = true")
    joiner.locator("#reply-body").fill(LIVE_REPLY)
    joiner.get_by_role("button", name="Send").click()
    expect(owner.locator(".post").filter(has_text=LIVE_REPLY)).to_be_visible(timeout=2000)
    assert owner.evaluate("window.__not_reloaded === true"), "Ada's page was reloaded"
    # The update reached Ada's tab as Ada: still signed in as herself, and Bea's post is not hers to edit.
    expect(owner.locator(".site-header")).to_contain_text(ada.name)
    owner.locator(".post").filter(has_text=LIVE_REPLY).get_by_role("button", name=f"Actions for the post by {bea.name}").click()
    expect(owner.get_by_role("menuitem", name="Quote")).to_be_visible()
    expect(owner.get_by_role("menuitem", name="Edit")).to_have_count(0)
    owner.keyboard.press("Escape")
    expect(joiner.locator("#reply-body")).to_have_value("")
    assert_accessible(owner, "thread with a live reply")

    # Ada mentions Bea, chosen from the list that @ opens; Bea is told.
    owner.locator("#reply-body").press_sequentially("@Be")
    owner.locator("#reply-body").press("Enter")
    owner.locator("#reply-body").press_sequentially("could you book the hall?")
    expect(owner.locator("#reply-body")).to_have_value(f"@{bea.name} could you book the hall?")
    owner.get_by_role("button", name="Send").click()
    expect(owner.locator(".post")).to_have_count(3)
    expect(joiner.locator(".post").filter(has_text="could you book the hall?")).to_be_visible()
    assert unread_for(live_server, bea) == 2  # admitted to the workspace, mentioned
    joiner.reload()
    expect(joiner.locator("#unread-count")).to_have_text("2")
    joiner.locator(".site-header").get_by_role("link", name=re.compile("^Notifications")).click()
    joiner.wait_for_url(re.compile(r"/notifications/?$"))
    mention = joiner.get_by_role("button", name=re.compile("mentioned you"))
    expect(mention).to_have_text(f'{ada.name} mentioned you in "{THREAD["title"]}"')
    assert_accessible(joiner, "notifications")
    mention.click()
    joiner.wait_for_url(re.compile(rf"/threads/{thread_id}(#post-\d+)?$"))
    expect(joiner.locator(".post").filter(has_text="could you book the hall?")).to_be_visible()
    expect(joiner.locator("#unread-count")).to_have_text("1")
    # The typing saves were debounced; those that arrived after a send must not have brought the sent text back.
    expect(joiner.locator("#reply-body")).to_have_value("")
    assert drafts_of(live_server, ada) == [] and drafts_of(live_server, bea) == []


def test_outsiders_and_visitors_see_nothing_of_an_invitation_only_workspace(live_server: LiveServer, new_context, password_hash: str):
    olle = approved_member(live_server, password_hash, "Olle Strand")
    carl = approved_member(live_server, password_hash, "Carl Utanför")
    with live_database(live_server):
        hidden = workspaces.create(viewer_of(olle), WorkspaceForm(name=SECRET["name"], purpose=SECRET["purpose"], access="invitation"))
        thread = discussions.start_thread(viewer_of(olle), hidden.id, SECRET["title"], SECRET["body"], discussions.new_key())
    guessed = [f"/workspaces/{hidden.id}", f"/workspaces/{hidden.id}/members", f"/threads/{thread.id}"]

    outsider = new_context().new_page()
    received = []
    outsider.on("websocket", lambda socket: socket.on("framereceived", lambda frame: received.append(str(frame))))
    log_in(outsider, live_server, carl.email, PASSWORD)
    for path in guessed:
        open_page(outsider, live_server.url + path)
        expect(outsider.locator(".notice")).to_contain_text("does not exist or you do not have access to it")
        for secret in SECRET.values():
            expect(outsider.locator("body")).not_to_contain_text(secret)
    assert received, "no websocket frames were seen"
    assert not [frame for frame in received if any(secret in frame for secret in SECRET.values())], "the server sent the outsider the workspace's content"
    assert_accessible(outsider, "refused workspace page")
    calendar = outsider.request.get(live_server.url + f"/workspaces/{hidden.id}/calendar.ics")
    assert calendar.status in (403, 404)
    assert SECRET["name"] not in calendar.text()

    visitor = new_context().new_page()
    for path in guessed:
        visitor.goto(live_server.url + path)
        visitor.wait_for_url(re.compile(r"/login/?$"))
        expect(visitor.locator("#password")).to_be_visible()
        for secret in SECRET.values():
            expect(visitor.locator("body")).not_to_contain_text(secret)
    calendar = visitor.request.get(live_server.url + f"/workspaces/{hidden.id}/calendar.ics")
    assert calendar.status in (403, 404)
    assert SECRET["name"] not in calendar.text()


def test_member_is_offered_remove_only_on_their_own_event(live_server: LiveServer, new_context, password_hash: str):
    paavo = approved_member(live_server, password_hash, "Paavo Virta")
    bea = approved_member(live_server, password_hash, "Beata Nurmi")
    with live_database(live_server):
        place = workspaces.create(viewer_of(paavo), WorkspaceForm(name="Kuopio Reading Circle", purpose="Books in easy Finnish"))
        workspaces.join(viewer_of(bea), place.id)
        for person, title in ((paavo, "Paavo's book evening"), (bea, "Bea's book evening")):
            calendar.add_event(viewer_of(person), place.id, calendar.EventForm(title=title, starts="2030-03-01T18:00", ends="2030-03-01T20:00"))

    page = new_context().new_page()
    log_in(page, live_server, bea.email, PASSWORD)
    open_page(page, live_server.url + f"/workspaces/{place.id}")
    switch_language(page, "fi")
    paavo_s, bea_s = (page.locator(".event-row").filter(has_text=title) for title in ("Paavo's book evening", "Bea's book evening"))
    expect(paavo_s).to_be_visible()
    expect(paavo_s.get_by_role("button", name="Poista tapahtuma")).to_have_count(0)
    bea_s.get_by_role("button", name="Poista tapahtuma").click()
    expect(page.locator(".event-row").filter(has_text="Bea's book evening")).to_have_count(0)
    expect(paavo_s).to_be_visible()
    assert_accessible(page, "workspace front with events [fi]")


def test_admin_opens_an_invitation_only_workspace_and_pins_a_thread(live_server: LiveServer, new_context, password_hash: str):
    owner = approved_member(live_server, password_hash, "Oona Saari")
    alice = approved_member(live_server, password_hash, "Alma Admin")
    with live_database(live_server), transaction() as session:
        promoted = session.get(User, alice.id)
        promoted.role = Role.ADMIN
        session.add(promoted)
    enrol_second_factor(live_server.env, alice.email, ADMIN_TOTP_SECRET)
    with live_database(live_server):
        hidden = workspaces.create(viewer_of(owner), WorkspaceForm(name="Quiet Harbour Board", purpose="Confidential talks", access="invitation"))
        thread = discussions.start_thread(viewer_of(owner), hidden.id, "Heated thread", "Please calm down, everyone.", discussions.new_key())

    page = new_context().new_page()
    log_in(page, live_server, alice.email, PASSWORD, totp_secret=ADMIN_TOTP_SECRET)
    open_page(page, live_server.url + f"/workspaces/{hidden.id}")
    switch_language(page, "sv")
    expect(page.get_by_role("heading", name="Quiet Harbour Board")).to_be_visible()
    expect(page.locator(".notice")).to_have_count(0)
    page.get_by_role("link", name="Heated thread").click()
    page.wait_for_url(re.compile(rf"/threads/{thread.id}/?$"))
    expect(page.locator(".post")).to_contain_text("Please calm down, everyone.")
    expect(page.locator("#reply-body")).to_have_count(0)  # administrators moderate; they do not write in others' workspaces
    page.get_by_role("button", name="Fäst").click()
    expect(page.get_by_role("button", name="Lossa")).to_be_visible()
    assert_accessible(page, "thread moderated by an administrator [sv]")
    entries = live_server.query("SELECT action FROM auditentry WHERE actor_id = :id AND workspace_id = :workspace", id=alice.id, workspace=hidden.id)
    assert [row[0] for row in entries] == ["workspace.enter", "workspace.enter"]  # the workspace's page, then the thread's


def test_words_typed_as_the_server_dies_come_back_after_the_restart_and_are_posted_once(live_server: LiveServer, new_context, password_hash: str):
    veera = approved_member(live_server, password_hash, "Veera Virtanen")
    with live_database(live_server):
        workspace = workspaces.create(viewer_of(veera), WorkspaceForm(name="Harbour Singers", purpose="Singing by the sea.", access="open", language="en"))
        thread = discussions.start_thread(viewer_of(veera), workspace.id, "Autumn concert", "Which songs?", discussions.new_key())
    page = new_context().new_page()
    log_in(page, live_server, veera.email, PASSWORD)
    open_page(page, f"{live_server.url}/threads/{thread.id}")
    expect(page.locator(".post").first).to_contain_text("Which songs?")

    words = "Sea shanties, and one lullaby."
    page.locator("#reply-body").fill(words)
    live_server.stop(signal.SIGKILL)  # well within the 0.6 s before the typed words would be saved
    live_server.start()
    live_server.wait_until_up()

    # The tab reconnects by itself: the words are back, with a notice, and sending them posts them once.
    expect(page.get_by_text(t(NOT_SENT_YET, "en"))).to_be_visible(timeout=60000)
    expect(page.locator("#reply-body")).to_have_value(words)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".post").last).to_contain_text(words)
    expect(page.locator("#reply-body")).to_have_value("")
    assert live_server.query("SELECT count(*) FROM post WHERE body = :body", body=words)[0][0] == 1
