"""Workspace and thread handlers as a browser tab calls them: creating, the non-member's view, sending once, drafts, refusals."""

from urllib.parse import urlencode

import pytest
from sqlmodel import func, select

from partnerskap.db import transaction
from partnerskap.models import AuditEntry, Draft, Membership, Post, Thread, User, Workspace
from partnerskap.services import calendar, discussions, workspaces
from partnerskap.services.workspaces import WorkspaceForm
from partnerskap.i18n import t
from partnerskap.state.discussions import NOT_SENT_YET, ThreadState
from partnerskap.state.language import LanguageState
from partnerskap.state.workspaces import WorkspacesState, WorkspaceState
from partnerskap.state import live
from tests.conftest import viewer
from tests.handlers import Tab

CREATE_FORM = {
    "name": "Baltic Bridges",
    "purpose": "Cultural exchange around the Baltic Sea",
    "description": "We meet **every month**.",
    "kind": "project",
    "starts_on": "",
    "ends_on": "",
    "language": "en",
    "colour": "teal",
    "access": "request",
    "lifecycle": "active",
}


def count(model) -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def tab_at(user: User | None, path: str, *, client_token: str = "", **route: int) -> Tab:
    """A tab on a dynamic route: Reflex hands the route's arguments to the page among its query parameters."""
    return Tab.of(user, path=f"{path}?{urlencode(route)}", client_token=client_token)


def redirect_path(result) -> str:
    """Where an rx.redirect returned by a handler sends the browser."""
    return {str(name): value._var_value for name, value in result.args}["path"]


def stored_draft(user: User, place: str) -> str | None:
    with transaction() as session:
        found = session.exec(select(Draft).where(Draft.user_id == user.id, Draft.place == place)).first()
        return found.body if found else None


@pytest.fixture(autouse=True)
def deliveries(monkeypatch) -> list[tuple[str, str, str]]:
    """A Tab has no running event processor to queue events for other tabs: what would be queued is recorded."""
    queued: list[tuple[str, str, str]] = []

    def record(place: str, handler: str, *, sender: str) -> None:
        queued.append((place, handler, sender))

    monkeypatch.setattr("partnerskap.state.discussions.deliver", record)
    monkeypatch.setattr(live, "open_tabs", live.OpenTabs())
    monkeypatch.setattr("partnerskap.state.discussions.open_tabs", live.open_tabs)
    return queued


@pytest.fixture
def request_workspace(owner, member) -> Workspace:
    """An on-request workspace of Olivia's that Bob belongs to."""
    created = workspaces.create(viewer(owner), WorkspaceForm(name="Request Room", purpose="Planning the summer school", description="Ask **us** first.", access="request"))
    with transaction() as session:
        session.add(Membership(workspace_id=created.id, user_id=member.id))
    return created


@pytest.fixture
def thread(owner, request_workspace) -> Thread:
    """Olivia's opening thread in the on-request workspace."""
    return discussions.start_thread(viewer(owner), request_workspace.id, "Kick-off", "Welcome, everyone!", discussions.new_key())


@pytest.fixture
def closed_thread(owner) -> Thread:
    """A thread in Olivia's invitation-only workspace."""
    closed = workspaces.create(viewer(owner), WorkspaceForm(name="Secret Circle", purpose="Inner circle", access="invitation"))
    return discussions.start_thread(viewer(owner), closed.id, "Private plans", "Only for us", discussions.new_key())


# Creating


async def test_member_creates_a_workspace_and_is_sent_to_it(member):
    state, result = await Tab.of(member, path="/workspaces/new").call(WorkspacesState, "create", CREATE_FORM)
    assert state.errors == {} and state.notice == ""
    with transaction() as session:
        created = session.exec(select(Workspace)).one()
        assert workspaces.role_of(session, created.id, member.id) == "owner"
    assert (created.name, created.access) == ("Baltic Bridges", "request")
    assert redirect_path(result) == f"/workspaces/{created.id}"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "Ab"}, "name"),
        ({"starts_on": "2026-06-10", "ends_on": "2026-06-01"}, "ends_on"),
    ],
)
async def test_bad_workspace_form_shows_errors_beside_fields_and_writes_nothing(member, changes, field):
    state, result = await Tab.of(member, path="/workspaces/new").call(WorkspacesState, "create", {**CREATE_FORM, **changes})
    assert result is None
    assert list(state.errors) == [field]
    assert state.errors[field]
    assert count(Workspace) == 0
    assert count(Membership) == 0


# The non-member's view


async def test_non_member_of_on_request_workspace_sees_only_the_introduction(outsider, thread, request_workspace):
    state, _ = await tab_at(outsider, f"/workspaces/{request_workspace.id}", workspace_id=request_workspace.id).call(WorkspaceState, "load")
    assert state.found
    assert state.intro.name == "Request Room"
    assert state.intro.purpose == "Planning the summer school"
    assert "<strong>us</strong>" in state.intro.description_html
    assert state.intro.role == "" and not state.intro.can_read and not state.intro.can_contribute and not state.intro.can_moderate
    assert state.intro.can_join
    assert state.threads == [] and state.members == [] and state.events == []


async def test_member_of_the_same_workspace_sees_threads_and_members(member, thread, request_workspace):
    state, _ = await tab_at(member, f"/workspaces/{request_workspace.id}", workspace_id=request_workspace.id).call(WorkspaceState, "load")
    assert [row.title for row in state.threads] == ["Kick-off"]
    assert {row.name for row in state.members} == {"Olivia", "Bob"}


# Controls follow the permission policy


async def test_member_is_offered_remove_only_on_their_own_event(owner, member, request_workspace):
    for person, title in ((owner, "Olivia's meeting"), (member, "Bob's meeting")):
        calendar.add_event(viewer(person), request_workspace.id, calendar.EventForm(title=title, starts="2030-01-01T10:00", ends="2030-01-01T11:00"))
    as_bob, _ = await tab_at(member, f"/workspaces/{request_workspace.id}", workspace_id=request_workspace.id).call(WorkspaceState, "load")
    as_olivia, _ = await tab_at(owner, f"/workspaces/{request_workspace.id}", workspace_id=request_workspace.id).call(WorkspaceState, "load")
    assert {event.title: event.can_remove for event in as_bob.events} == {"Olivia's meeting": False, "Bob's meeting": True}
    assert {event.title: event.can_remove for event in as_olivia.events} == {"Olivia's meeting": True, "Bob's meeting": True}
    assert (as_bob.intro.can_contribute, as_bob.intro.can_moderate, as_bob.intro.can_own) == (True, False, False)
    assert (as_olivia.intro.can_moderate, as_olivia.intro.can_own) == (True, True)


async def test_admin_opens_an_invitation_only_workspace_to_moderate_it(admin, owner, closed_thread):
    path = f"/workspaces/{closed_thread.workspace_id}"
    state, _ = await tab_at(admin, path, workspace_id=closed_thread.workspace_id).call(WorkspaceState, "load")
    assert state.found and state.notice == ""
    assert [row.title for row in state.threads] == ["Private plans"]
    assert state.intro.role == "" and state.intro.can_read and state.intro.can_moderate
    assert not state.intro.can_contribute and not state.intro.can_join
    with transaction() as session:
        entered = session.exec(select(AuditEntry.action, AuditEntry.workspace_id).where(AuditEntry.actor_id == admin.id)).all()
    assert entered == [("workspace.enter", closed_thread.workspace_id)]


async def test_admin_switching_language_in_a_workspace_is_not_audited_as_entering_it_again(admin, closed_thread):
    tab = tab_at(admin, f"/workspaces/{closed_thread.workspace_id}", workspace_id=closed_thread.workspace_id)
    await tab.call(WorkspaceState, "load")
    _, loaders = await tab.call(LanguageState, "switch_language", "sv")
    assert [loader.fn.__qualname__ for loader in loaders] == ["WorkspaceState.load"]
    state, _ = await tab.call(WorkspaceState, "load")  # what the browser runs after the switch
    assert state.found
    await tab.call(WorkspaceState, "load")  # the page opened once more
    with transaction() as session:
        entered = session.exec(select(AuditEntry.action).where(AuditEntry.actor_id == admin.id)).all()
    assert entered == ["workspace.enter", "workspace.enter"]


async def test_outsider_is_told_an_invitation_only_workspace_does_not_exist(outsider, closed_thread):
    state, _ = await tab_at(outsider, f"/workspaces/{closed_thread.workspace_id}", workspace_id=closed_thread.workspace_id).call(WorkspaceState, "load")
    assert not state.found
    assert state.notice == "This workspace does not exist or you do not have access to it."


# Replying


async def test_same_reply_key_sent_twice_saves_one_post(member, thread):
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    send = {"body": "Count me in.", "key": state.reply_key}
    await tab.call(ThreadState, "post_reply", send)
    state, _ = await tab.call(ThreadState, "post_reply", send)
    assert state.errors == {} and state.notice == ""
    with transaction() as session:
        assert session.exec(select(func.count()).select_from(Post).where(Post.body == "Count me in.")).one() == 1
    assert sum("Count me in." in post.html for post in state.posts + state.fresh) == 1


async def test_reply_with_a_chosen_mention_stores_it_and_shows_the_name_as_a_link(owner, member, thread):
    tab = tab_at(owner, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    assert [row.name for row in state.members] == ["Bob"]
    state, _ = await tab.call(ThreadState, "post_reply", {"body": "@Bob can you come?", "key": state.reply_key, "mentions": f"{member.id},x,-3"})
    [post] = state.fresh
    assert f'<a href="/people/{member.id}" rel="noopener noreferrer nofollow ugc">@Bob</a>' in post.html and "member:" not in post.html
    with transaction() as session:
        assert session.exec(select(Post.body).where(Post.id == post.id)).one() == f"@[Bob](member:{member.id}) can you come?"


async def test_new_thread_offers_the_other_members_and_stores_the_chosen_one(owner, member, request_workspace):
    tab = tab_at(owner, f"/workspaces/{request_workspace.id}", workspace_id=request_workspace.id)
    state, _ = await tab.call(WorkspaceState, "load")
    assert [row.name for row in state.mentionable] == ["Bob"]
    form = {"title": "Summer school", "body": "@Bob can you plan it?", "key": state.thread_key, "mentions": f"{member.id},x"}
    state, result = await tab.call(WorkspaceState, "start_thread", form)
    assert state.errors == {}
    with transaction() as session:
        opened = session.exec(select(Thread).where(Thread.title == "Summer school")).one()
        assert session.exec(select(Post.body).where(Post.thread_id == opened.id)).one() == f"@[Bob](member:{member.id}) can you plan it?"
    assert redirect_path(result) == f"/threads/{opened.id}"


async def test_editing_a_post_shows_its_mentions_as_names_and_saving_keeps_them(owner, member, thread):
    [sent] = discussions.reply(viewer(owner), thread.id, "@Bob hi", discussions.new_key(), mentions=(member.id,))
    tab = tab_at(owner, f"/threads/{thread.id}", thread_id=thread.id)
    await tab.call(ThreadState, "load")
    state, _ = await tab.call(ThreadState, "start_editing", sent.id)
    assert (state.editing_id, state.edit_text, state.edit_mentions) == (sent.id, "@Bob hi", str(member.id))
    state, _ = await tab.call(ThreadState, "save_edit", {"post_id": str(sent.id), "body": "@Bob hi again", "mentions": state.edit_mentions})
    with transaction() as session:
        assert session.exec(select(Post.body).where(Post.id == sent.id)).one() == f"@[Bob](member:{member.id}) hi again"


async def test_quoting_puts_names_not_mention_syntax_into_the_reply_box(owner, member, thread):
    [sent] = discussions.reply(viewer(owner), thread.id, "@Bob hi", discussions.new_key(), mentions=(member.id,))
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    await tab.call(ThreadState, "load")
    state, _ = await tab.call(ThreadState, "quote", sent.id)
    assert state.draft == "> **Olivia:**\n> @Bob hi\n\n"


async def test_half_written_reply_survives_a_reload(member, thread):
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    await tab.call(ThreadState, "save_draft", "Half a thought", state.reply_key, thread.id)

    reloaded, _ = await tab_at(member, f"/threads/{thread.id}", thread_id=thread.id).call(ThreadState, "load")
    assert reloaded.draft == "Half a thought"


async def test_preview_shows_the_reply_as_it_will_look_and_sending_goes_back_to_writing(member, thread):
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    state, _ = await tab.call(ThreadState, "preview", True, "- **one**\n- two")
    assert state.previewing and state.preview_html == "<ul>\n<li><strong>one</strong></li>\n<li>two</li>\n</ul>\n"
    state, _ = await tab.call(ThreadState, "post_reply", {"body": "- **one**\n- two", "key": state.reply_key})
    assert not state.previewing


async def test_late_draft_save_does_not_bring_back_a_sent_reply(member, thread):
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    sent_key = state.reply_key
    await tab.call(ThreadState, "save_draft", "A whole thou", sent_key, thread.id)
    await tab.call(ThreadState, "post_reply", {"body": "A whole thought", "key": sent_key})
    # The debounced save of the last keystrokes reaches the server after the send.
    state, _ = await tab.call(ThreadState, "save_draft", "A whole thought", sent_key, thread.id)
    assert state.draft == ""
    assert stored_draft(member, f"thread-{thread.id}") is None

    reloaded, _ = await tab_at(member, f"/threads/{thread.id}", thread_id=thread.id).call(ThreadState, "load")
    assert reloaded.draft == ""


async def test_words_typed_as_the_server_restarted_come_back_with_a_notice_and_are_saved_once(member, thread):
    before = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await before.call(ThreadState, "load")
    typed_key = state.reply_key
    # The server restarts: the tab's state is filled anew, and then the save the browser kept arrives.
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    await tab.call(ThreadState, "load")
    state, _ = await tab.call(ThreadState, "save_draft", "Words typed at the last moment", typed_key, thread.id)
    assert (state.draft, state.reply_key) == ("Words typed at the last moment", typed_key)
    assert state.notice == t(NOT_SENT_YET, "en")

    send = {"body": "Words typed at the last moment", "key": state.reply_key}
    await tab.call(ThreadState, "post_reply", send)
    await tab.call(ThreadState, "post_reply", send)  # the send the browser kept, too
    with transaction() as session:
        assert session.exec(select(func.count()).select_from(Post).where(Post.body == "Words typed at the last moment")).one() == 1


async def test_words_saved_before_the_restarted_tab_loads_come_back_when_it_does(member, thread):
    before = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await before.call(ThreadState, "load")
    typed_key = state.reply_key
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    await tab.call(ThreadState, "save_draft", "Words typed at the last moment", typed_key, thread.id)
    state, _ = await tab.call(ThreadState, "load")
    assert (state.draft, state.reply_key) == ("Words typed at the last moment", typed_key)
    assert state.notice == t(NOT_SENT_YET, "en")


async def moved_to_another_thread(owner, member, thread) -> tuple[Tab, Thread, str]:
    """Bob's tab on the thread, moved in the app to another one (the browser shows its address; the state still holds
    the first until the other loads), and the key of the reply box still on screen."""
    other = discussions.start_thread(viewer(owner), thread.workspace_id, "Agenda", "What shall we discuss?", discussions.new_key())
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    tab.move_to(f"/threads/{other.id}?{urlencode({'thread_id': other.id})}")
    return tab, other, state.reply_key


async def test_words_typed_after_moving_to_another_thread_before_it_loaded_stay_with_that_thread(owner, member, thread):
    tab, other, typed_key = await moved_to_another_thread(owner, member, thread)
    await tab.call(ThreadState, "save_draft", "Typed at once", typed_key, other.id)
    assert stored_draft(member, f"thread-{thread.id}") is None and stored_draft(member, f"thread-{other.id}") == "Typed at once"
    state, _ = await tab.call(ThreadState, "load")
    assert (state.thread_id, state.draft, state.reply_key) == (other.id, "Typed at once", typed_key)
    assert state.notice == t(NOT_SENT_YET, "en")


async def test_words_typed_before_the_other_thread_loaded_but_saved_after_come_back_in_its_box(owner, member, thread):
    tab, other, typed_key = await moved_to_another_thread(owner, member, thread)
    await tab.call(ThreadState, "load")  # the other thread loads first, with a reply box of its own key
    state, _ = await tab.call(ThreadState, "save_draft", "Typed at once", typed_key, other.id)
    assert (state.draft, state.reply_key, state.notice) == ("Typed at once", typed_key, t(NOT_SENT_YET, "en"))
    assert stored_draft(member, f"thread-{thread.id}") is None


async def test_a_sent_reply_is_confirmed_by_its_key_so_the_browser_forgets_the_words_it_kept(member, thread):
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    sent_key = state.reply_key
    state, _ = await tab.call(ThreadState, "post_reply", {"body": "Kept in the browser, sent once", "key": sent_key})
    assert state.sent_key == sent_key and state.reply_key != sent_key


async def test_words_kept_by_the_browser_whose_key_was_sent_after_all_stay_out_of_the_box(member, thread):
    before = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await before.call(ThreadState, "load")
    kept_key = state.reply_key
    await before.call(ThreadState, "post_reply", {"body": "Sent before the reload", "key": kept_key})
    # A reload: the new page offers the words the browser kept under the same key.
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    await tab.call(ThreadState, "load")
    state, _ = await tab.call(ThreadState, "save_draft", "Sent before the reload", kept_key, thread.id)
    assert (state.draft, state.sent_key, state.notice) == ("", kept_key, "")
    assert state.reply_key != kept_key


async def test_member_sees_a_new_post_without_the_shown_posts_being_resent(owner, member, thread):
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    shown = [post.id for post in state.posts]
    discussions.reply(viewer(owner), thread.id, "Room 4 is booked.", discussions.new_key())
    tab.root._clean()
    state, _ = await tab.call(ThreadState, "load_new")
    changed = tab.root.get_delta()[ThreadState.get_full_name()]
    assert [post.id for post in state.posts] == shown
    assert ["Room 4 is booked." in post.html for post in state.fresh] == [True]
    assert any(name.startswith("fresh") for name in changed) and not any(name.startswith("posts") for name in changed)


async def test_a_reply_is_delivered_to_the_other_tabs_of_the_thread_as_their_own_member(owner, member, thread, deliveries):
    reader = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id, client_token="bobs-tab")
    writer = tab_at(owner, f"/threads/{thread.id}", thread_id=thread.id, client_token="olivias-tab")
    await reader.call(ThreadState, "load")
    state, _ = await writer.call(ThreadState, "load")
    assert await live.open_tabs.tabs(f"thread-{thread.id}") == {"bobs-tab", "olivias-tab"}

    await writer.call(ThreadState, "post_reply", {"body": "See you at nine.", "key": state.reply_key})
    assert deliveries == [(f"thread-{thread.id}", f"{ThreadState.get_full_name()}.deliver_new", "olivias-tab")]
    reader.root._clean()
    received, _ = await reader.call(ThreadState, "deliver_new")
    assert [(post.author, post.mine) for post in received.fresh] == [("Olivia", False)]


async def test_a_delivery_to_a_tab_that_moved_on_changes_nothing_there(member, thread):
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id, client_token="bobs-tab")
    await tab.call(ThreadState, "load")
    tab.move_to(f"/workspaces/{thread.workspace_id}?workspace_id={thread.workspace_id}")
    tab.root._clean()
    state, _ = await tab.call(ThreadState, "deliver_new")
    assert state.notice == ""
    assert ThreadState.get_full_name() not in tab.root.get_delta()
    assert await live.open_tabs.tabs(f"thread-{thread.id}") == set()


async def test_a_delivery_leaves_the_members_message_in_place(member, thread):
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    state.notice = "The post was saved."
    state, _ = await tab.call(ThreadState, "deliver_new")
    assert state.notice == "The post was saved."


async def test_member_with_nothing_new_gets_no_post_list(member, thread):
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    await tab.call(ThreadState, "load")
    tab.root._clean()
    await tab.call(ThreadState, "load_new")
    changed = tab.root.get_delta().get(ThreadState.get_full_name(), {})
    assert not any(name.startswith(("posts", "fresh")) for name in changed)


async def test_a_long_open_tab_keeps_only_the_newest_posts(monkeypatch, owner, member, thread):
    monkeypatch.setattr("partnerskap.state.discussions.FRESH_AT_MOST", 2)
    monkeypatch.setattr("partnerskap.state.discussions.SHOWN_AT_MOST", 3)
    tab = tab_at(member, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    for number in range(1, 5):
        discussions.reply(viewer(owner), thread.id, f"Update {number}", discussions.new_key())
        state, _ = await tab.call(ThreadState, "load_new")
    shown = [post.html for post in state.posts + state.fresh]
    assert len(shown) == 4 and "Update 4" in shown[-1] and "Update 1" in shown[0]
    assert state.has_earlier
    state, _ = await tab.call(ThreadState, "load_earlier")
    assert "Welcome" in state.posts[0].html


async def test_member_whose_thread_state_was_lost_gets_the_thread_back(owner, member, thread):
    discussions.reply(viewer(owner), thread.id, "Still here?", discussions.new_key())
    # A tab whose server-side state is new (the backend restarted) asks for new posts before its page load ran.
    state, _ = await tab_at(member, f"/threads/{thread.id}", thread_id=thread.id).call(ThreadState, "load_new")
    assert state.found and state.thread_id == thread.id
    assert "Still here?" in state.posts[-1].html


# Refusals


async def test_outsider_cannot_open_a_closed_workspaces_thread(outsider, closed_thread):
    state, _ = await tab_at(outsider, f"/threads/{closed_thread.id}", thread_id=closed_thread.id).call(ThreadState, "load")
    assert not state.found
    assert state.notice
    assert state.title == "" and state.posts == state.fresh == [] and state.place_name == "" and state.members == []


async def test_outsider_cannot_reply_in_closed_workspace(outsider, closed_thread):
    tab = tab_at(outsider, f"/threads/{closed_thread.id}", thread_id=closed_thread.id)
    state = await tab.state(ThreadState)
    # A crafted call: the state is pointed at the thread without having been allowed to load it.
    state.thread_id = closed_thread.id
    state, _ = await tab.call(ThreadState, "post_reply", {"body": "Let me in", "key": discussions.new_key()})
    assert state.notice
    assert state.posts == state.fresh == []
    assert count(Post) == 1
    with transaction() as session:
        assert session.get(Thread, closed_thread.id).post_count == 1


async def test_outsider_cannot_open_a_closed_workspace(outsider, closed_thread):
    state, _ = await tab_at(outsider, f"/workspaces/{closed_thread.workspace_id}", workspace_id=closed_thread.workspace_id).call(WorkspaceState, "load")
    assert not state.found
    assert state.intro.name == ""
    assert state.threads == [] and state.members == []


async def test_edited_post_is_refreshed_in_place_with_its_marker(owner, thread):
    tab = tab_at(owner, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    opening = state.posts[0].id
    await tab.call(ThreadState, "save_edit", {"post_id": str(opening), "body": "Welcome, **all** of you!"})
    assert [post.id for post in state.posts] == [opening]
    assert state.posts[0].edited and "<strong>all</strong>" in state.posts[0].html


async def test_deleted_post_stays_in_place_as_deleted(owner, thread):
    tab = tab_at(owner, f"/threads/{thread.id}", thread_id=thread.id)
    state, _ = await tab.call(ThreadState, "load")
    await tab.call(ThreadState, "delete_post", state.posts[0].id)
    assert state.posts[0].deleted and state.posts[0].html == ""


async def test_accepting_an_invitation_is_confirmed_on_the_workspace_it_opens(owner, outsider):
    closed = workspaces.create(viewer(owner), WorkspaceForm(name="Secret Circle", purpose="Inner circle", access="invitation"))
    invitation = workspaces.invite(viewer(owner), closed.id, outsider.email)
    tab = tab_at(outsider, "/workspaces")
    await tab.call(WorkspacesState, "load_list")
    _, result = await tab.call(WorkspacesState, "answer_invitation", invitation.id, True)
    assert redirect_path(result) == f"/workspaces/{closed.id}"
    tab.move_to(f"/workspaces/{closed.id}?workspace_id={closed.id}")
    state, _ = await tab.call(WorkspaceState, "load")
    assert state.found and state.notice == "Welcome to the workspace!"
    state, _ = await tab.call(WorkspaceState, "load")
    assert state.notice == ""
