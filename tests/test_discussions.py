"""Discussions: threads and replies sent once, who reads and writes, edits with history, mentions, unread marks, pages and drafts."""

import contextlib
import itertools
import threading

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from partnerskap import db
from partnerskap.db import transaction
from partnerskap.models import Membership, Notification, Post, PostRevision, Thread, ThreadReader, User, Workspace
from partnerskap.services import discussions, markdown, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.workspaces import WorkspaceForm
from tests.conftest import make_person, use_postgres, viewer
from tests.refusals import NOT_FOUND, AUTHOR_OR_MODERATORS, MANAGERS_ONLY, MEMBERS_ONLY, NOT_APPROVED, NOT_UNDERSTOOD, HIDDEN_THREAD, NO_SUCH_POST, OWN_POSTS_ONLY

_keys = itertools.count(1)


def key() -> str:
    """A fresh idempotency key, as the browser makes one per send."""
    return f"test-key-{next(_keys):06d}"


def count(model) -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def notices(user: User) -> list[Notification]:
    with transaction() as session:
        return list(session.exec(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)).all())


def add(workspace: Workspace, user: User, as_role: str = "member") -> None:
    with transaction() as session:
        session.add(Membership(workspace_id=workspace.id, user_id=user.id, role=as_role))


def saved_read_mark(user: User, thread: Thread) -> int:
    with transaction() as session:
        found = session.exec(select(ThreadReader).where(ThreadReader.thread_id == thread.id, ThreadReader.user_id == user.id)).first()
        return found.last_read_post_id if found else 0


def unread(user: User, workspace: Workspace) -> dict[str, bool]:
    return {row.thread.title: row.unread for row in discussions.threads(viewer(user), workspace.id)}


@pytest.fixture
def thread(owner, workspace) -> Thread:
    """Olivia's opening thread."""
    return discussions.start_thread(viewer(owner), workspace.id, "Kick-off", "Welcome, everyone!", key())


# Writing


def test_member_starts_a_thread_and_others_reply(owner, member, workspace):
    opened = discussions.start_thread(viewer(member), workspace.id, "  Summer   school ", "Who is coming?", key())
    assert opened.title == "Summer school"
    discussions.reply(viewer(owner), opened.id, "We are!", key())
    shown = discussions.posts(viewer(member), opened.id)
    assert [(view.author, view.html, view.mine) for view in shown] == [
        ("Bob", "<p>Who is coming?</p>\n", True),
        ("Olivia", "<p>We are!</p>\n", False),
    ]
    with transaction() as session:
        assert session.get(Thread, opened.id).post_count == 2


def test_posts_are_rendered_when_written_not_when_read(owner, member, workspace, monkeypatch):
    opened = discussions.start_thread(viewer(member), workspace.id, "Plans", "**Bold** plan", key())
    [reply] = discussions.reply(viewer(owner), opened.id, "A [link](https://example.org)", key())
    discussions.edit(viewer(owner), reply.id, "An *edited* reply")

    def render_refused(body: str) -> str:
        raise AssertionError(f"rendered while reading: {body}")

    monkeypatch.setattr(markdown, "render", render_refused)
    page = discussions.open_thread(viewer(member), opened.id)
    assert [view.html for view in page.posts] == ["<p><strong>Bold</strong> plan</p>\n", "<p>An <em>edited</em> reply</p>\n"]
    assert discussions.one_post(viewer(member), reply.id).html == "<p>An <em>edited</em> reply</p>\n"


def test_same_key_sent_twice_saves_one_reply(member, thread):
    same = key()
    [first] = discussions.reply(viewer(member), thread.id, "Hello", same)
    [again] = discussions.reply(viewer(member), thread.id, "Hello", same)
    assert again.id == first.id
    assert count(Post) == 2
    with transaction() as session:
        assert session.get(Thread, thread.id).post_count == 2


def test_same_key_sent_twice_opens_one_thread(member, workspace):
    same = key()
    first = discussions.start_thread(viewer(member), workspace.id, "Idea", "An idea", same)
    again = discussions.start_thread(viewer(member), workspace.id, "Idea", "An idea", same)
    assert again.id == first.id
    assert count(Thread) == 1
    assert count(Post) == 1


def test_two_people_may_use_the_same_key(owner, member, thread):
    same = key()
    discussions.reply(viewer(owner), thread.id, "From Olivia", same)
    discussions.reply(viewer(member), thread.id, "From Bob", same)
    assert count(Post) == 3


@pytest.mark.parametrize("body", ["", "   \n\t ", "x" * 20001])
def test_empty_or_oversized_reply_is_refused_and_nothing_is_written(member, thread, body):
    with pytest.raises(Invalid) as refused:
        discussions.reply(viewer(member), thread.id, body, key())
    assert "body" in refused.value.errors
    assert count(Post) == 1


@pytest.mark.parametrize(("title", "body", "field"), [("Topic", " ", "body"), ("Topic", "y" * 20001, "body"), ("   ", "Text", "title"), ("t" * 201, "Text", "title")])
def test_empty_or_oversized_thread_is_refused_and_nothing_is_written(member, workspace, title, body, field):
    with pytest.raises(Invalid) as refused:
        discussions.start_thread(viewer(member), workspace.id, title, body, key())
    assert field in refused.value.errors
    assert count(Thread) == 0
    assert count(Post) == 0


def test_longest_allowed_body_is_saved(member, thread):
    discussions.reply(viewer(member), thread.id, "z" * 20000, key())
    assert count(Post) == 2


def test_malformed_key_is_refused(member, thread):
    with pytest.raises(Refused, match=NOT_UNDERSTOOD):
        discussions.reply(viewer(member), thread.id, "Hello", "short")
    assert count(Post) == 1


# Who reads and writes


@pytest.mark.parametrize(("access", "refusal"), [("request", MEMBERS_ONLY), ("invitation", NOT_FOUND)])
def test_outsider_cannot_read_or_reply_in_closed_workspace(owner, outsider, access, refusal):
    closed = workspaces.create(viewer(owner), WorkspaceForm(name="Closed Room", purpose="Inner circle", access=access))
    opened = discussions.start_thread(viewer(owner), closed.id, "Private", "Only for us", key())
    post_id = discussions.posts(viewer(owner), opened.id)[0].post.id
    them = viewer(outsider)
    with pytest.raises(Refused, match=HIDDEN_THREAD):  # a thread, like a post, is hidden as if it did not exist
        discussions.reply(them, opened.id, "Let me in", key())
    with pytest.raises(Refused, match=refusal):
        discussions.start_thread(them, closed.id, "Mine", "Hello", key())
    with pytest.raises(Refused, match=refusal):
        discussions.threads(them, closed.id)
    with pytest.raises(Refused, match=HIDDEN_THREAD):
        discussions.open_thread(them, opened.id)
    with pytest.raises(Refused, match=HIDDEN_THREAD):
        discussions.posts(them, opened.id)
    with pytest.raises(Refused, match=NO_SUCH_POST):
        discussions.quote_text(them, post_id)
    assert count(Post) == 1


def test_outsider_cannot_write_in_open_workspace_without_joining(outsider, workspace, thread):
    with pytest.raises(Refused, match=HIDDEN_THREAD):
        discussions.reply(viewer(outsider), thread.id, "Hello", key())
    with pytest.raises(Refused, match=MEMBERS_ONLY):
        discussions.start_thread(viewer(outsider), workspace.id, "Mine", "Hello", key())
    assert count(Post) == 1


def test_pending_applicant_cannot_read_or_write(applicant, workspace, thread):
    add(workspace, applicant)
    with pytest.raises(Refused, match=NOT_APPROVED):
        discussions.posts(viewer(applicant), thread.id)
    with pytest.raises(Refused, match=NOT_APPROVED):
        discussions.reply(viewer(applicant), thread.id, "Hello", key())


def test_removed_member_can_no_longer_read(owner, member, workspace, thread):
    workspaces.remove_member(viewer(owner), workspace.id, member.id)
    with pytest.raises(Refused, match=HIDDEN_THREAD):
        discussions.posts(viewer(member), thread.id)


# Editing, deleting and history


def test_editing_own_post_keeps_the_earlier_text_and_marks_it_edited(owner, member, thread):
    [post] = discussions.reply(viewer(member), thread.id, "Frist draft", key())
    edited = discussions.edit(viewer(member), post.id, "First draft")
    assert edited.edited_at is not None
    assert [r.body for r in discussions.history(viewer(owner), post.id)] == ["Frist draft"]
    assert discussions.posts(viewer(owner), thread.id)[-1].html == "<p>First draft</p>\n"


def test_editing_to_the_same_text_keeps_no_revision(member, thread):
    [post] = discussions.reply(viewer(member), thread.id, "Same", key())
    discussions.edit(viewer(member), post.id, "Same")
    assert count(PostRevision) == 0


def test_nobody_edits_anothers_post_not_even_the_owner(owner, member, outsider, thread):
    [post] = discussions.reply(viewer(member), thread.id, "Mine", key())
    for person, refusal in ((owner, OWN_POSTS_ONLY), (outsider, NO_SUCH_POST)):
        with pytest.raises(Refused, match=refusal):
            discussions.edit(viewer(person), post.id, "Changed by someone else")
    with transaction() as session:
        assert session.get(Post, post.id).body == "Mine"
    assert count(PostRevision) == 0


def test_deleted_post_hides_its_text_but_its_history_keeps_it(owner, member, thread):
    [post] = discussions.reply(viewer(member), thread.id, "Oops, my phone number", key())
    discussions.delete(viewer(member), post.id)
    shown = discussions.posts(viewer(owner), thread.id)[-1]
    assert shown.post.id == post.id
    assert shown.html == ""
    assert shown.post.deleted_at is not None
    assert [r.body for r in discussions.history(viewer(owner), post.id)] == ["Oops, my phone number"]
    with transaction() as session:
        assert session.get(Post, post.id).html == ""


def test_deleted_post_cannot_be_edited_or_quoted(member, thread):
    [post] = discussions.reply(viewer(member), thread.id, "Gone soon", key())
    discussions.delete(viewer(member), post.id)
    with pytest.raises(Refused, match=NO_SUCH_POST):
        discussions.edit(viewer(member), post.id, "Back again")
    with pytest.raises(Refused, match=NO_SUCH_POST):
        discussions.quote_text(viewer(member), post.id)


def test_member_cannot_delete_anothers_post_but_a_moderator_can(owner, member, outsider, workspace, thread):
    add(workspace, outsider, "moderator")
    opening = discussions.posts(viewer(owner), thread.id)[0].post
    with pytest.raises(Refused, match=AUTHOR_OR_MODERATORS):
        discussions.delete(viewer(member), opening.id)
    discussions.delete(viewer(outsider), opening.id)
    assert discussions.posts(viewer(member), thread.id)[0].html == ""


def test_history_is_only_for_workspace_managers_and_instance_admins(owner, member, outsider, admin, workspace, thread):
    [post] = discussions.reply(viewer(member), thread.id, "Before", key())
    discussions.edit(viewer(member), post.id, "After")
    for person, refusal in ((member, MANAGERS_ONLY), (outsider, NO_SUCH_POST)):
        with pytest.raises(Refused, match=refusal):
            discussions.history(viewer(person), post.id)
    assert [r.body for r in discussions.history(viewer(owner), post.id)] == ["Before"]
    assert [r.body for r in discussions.history(viewer(admin), post.id)] == ["Before"]
    add(workspace, outsider, "moderator")
    assert [r.body for r in discussions.history(viewer(outsider), post.id)] == ["Before"]


# Pins


def test_moderator_pins_a_thread_to_the_top(owner, member, outsider, workspace, thread):
    add(workspace, outsider, "moderator")
    discussions.start_thread(viewer(member), workspace.id, "Newer", "Newer topic", key())
    assert [row.thread.title for row in discussions.threads(viewer(member), workspace.id)] == ["Newer", "Kick-off"]
    discussions.pin(viewer(outsider), thread.id, True)
    assert [row.thread.title for row in discussions.threads(viewer(member), workspace.id)] == ["Kick-off", "Newer"]
    discussions.pin(viewer(outsider), thread.id, False)
    assert [row.thread.title for row in discussions.threads(viewer(member), workspace.id)] == ["Newer", "Kick-off"]


def test_plain_member_cannot_pin(member, thread):
    with pytest.raises(Refused, match=MANAGERS_ONLY):
        discussions.pin(viewer(member), thread.id, True)
    with transaction() as session:
        assert session.get(Thread, thread.id).pinned is False


# Mentions and followers


def test_mention_notifies_workspace_members_but_not_outsiders_or_oneself(owner, member, outsider, thread):
    body = f"@[Bob](member:{member.id}) and @[Charlie](member:{outsider.id}), says @[Olivia](member:{owner.id})"
    discussions.reply(viewer(owner), thread.id, body, key())
    assert [n.kind for n in notices(member)] == ["mention"]
    assert notices(outsider) == []
    assert notices(owner) == []


def test_mention_in_a_new_thread_notifies_the_member(owner, member, workspace):
    discussions.start_thread(viewer(owner), workspace.id, "Question", f"@[Bob](member:{member.id}) what do you think?", key())
    [notice] = notices(member)
    assert notice.kind == "mention"
    assert "Question" in notice.params


def test_member_chosen_when_starting_a_thread_is_mentioned_and_notified(owner, member, workspace):
    opened = discussions.start_thread(viewer(owner), workspace.id, "Question", "@Bob what do you think?", key(), mentions=(member.id,))
    [view] = discussions.posts(viewer(owner), opened.id)
    assert view.post.body == f"@[Bob](member:{member.id}) what do you think?"
    assert f'<a href="/people/{member.id}"' in view.post.html and "member:" not in view.post.html
    [notice] = notices(member)
    assert notice.kind == "mention" and "Question" in notice.params


def test_outsider_chosen_or_typed_when_starting_a_thread_stays_plain_text(owner, outsider, workspace):
    chosen = discussions.start_thread(viewer(owner), workspace.id, "Chosen", "@Charlie hello", key(), mentions=(outsider.id,))
    typed = discussions.start_thread(viewer(owner), workspace.id, "Typed", f"@[Charlie](member:{outsider.id}) hello", key())
    views = [discussions.posts(viewer(owner), opened.id)[0].post for opened in (chosen, typed)]
    assert [post.body for post in views] == ["@Charlie hello", "@Charlie hello"]
    assert "/people/" not in "".join(post.html for post in views)
    assert notices(outsider) == []


@pytest.mark.parametrize(("access", "refusal"), [("request", MEMBERS_ONLY), ("invitation", NOT_FOUND)])
def test_outsider_cannot_start_a_thread_with_mentions_nor_look_up_names_in_a_closed_workspace(owner, member, outsider, access, refusal):
    closed = workspaces.create(viewer(owner), WorkspaceForm(name="Closed Room", purpose="Inner circle", access=access))
    add(closed, member)
    with pytest.raises(Refused, match=refusal):
        discussions.start_thread(viewer(outsider), closed.id, "Mine", "@Bob hello", key(), mentions=(member.id,))
    with pytest.raises(Refused, match=refusal):
        discussions.mention_candidates(viewer(outsider), closed.id, "bo", kind="workspace")
    assert count(Thread) == 0
    assert notices(member) == []


def test_followers_are_told_of_replies_by_others(owner, member, password_hash, workspace, thread):
    discussions.reply(viewer(member), thread.id, "I am in", key())
    assert [n.kind for n in notices(owner)] == ["reply"]
    assert notices(member) == []

    discussions.reply(viewer(owner), thread.id, "Great", key())
    assert [n.kind for n in notices(member)] == ["reply"]
    assert [n.kind for n in notices(owner)] == ["reply"]

    frida = make_person(password_hash, "Frida")
    add(workspace, frida)
    discussions.reply(viewer(frida), thread.id, "Me too", key())
    assert [n.kind for n in notices(owner)] == ["reply", "reply"]
    assert [n.kind for n in notices(member)] == ["reply", "reply"]


def test_chosen_mention_is_stored_and_notifies_the_member(owner, member, thread):
    [post] = discussions.reply(viewer(owner), thread.id, "@Bob could you book the hall?", key(), mentions=(member.id,))
    with transaction() as session:
        assert session.get(Post, post.id).body == f"@[Bob](member:{member.id}) could you book the hall?"
    assert f'<a href="/people/{member.id}"' in post.html and "member:" not in post.html
    assert [n.kind for n in notices(member)] == ["mention"]


def test_mention_of_someone_outside_the_place_is_plain_text(owner, outsider, thread):
    [chosen] = discussions.reply(viewer(owner), thread.id, "@Charlie hello", key(), mentions=(outsider.id,))
    [typed] = discussions.reply(viewer(owner), thread.id, f"@[Charlie](member:{outsider.id}) hello", key())
    with transaction() as session:
        assert [session.get(Post, view.id).body for view in (chosen, typed)] == ["@Charlie hello", "@Charlie hello"]
    assert "/people/" not in chosen.html + typed.html
    assert notices(outsider) == []


def test_members_with_the_same_name_stay_distinct(owner, password_hash, workspace, thread):
    first, second = make_person(password_hash, "Liisa"), make_person(password_hash, "Liisa2")
    with transaction() as session:
        session.get(User, second.id).name = "Liisa"
    add(workspace, first)
    add(workspace, second)
    [post] = discussions.reply(viewer(owner), thread.id, "@Liisa and @Liisa, welcome", key(), mentions=(second.id, first.id))
    with transaction() as session:
        assert session.get(Post, post.id).body == f"@[Liisa](member:{second.id}) and @[Liisa](member:{first.id}), welcome"
    assert [n.kind for n in notices(first)] == [n.kind for n in notices(second)] == ["mention"]


def test_a_chosen_name_no_longer_in_the_text_is_no_mention(owner, member, thread):
    [post] = discussions.reply(viewer(owner), thread.id, "@Bo is not Bob, nor is @Bobby", key(), mentions=(member.id,))
    with transaction() as session:
        assert session.get(Post, post.id).body == "@Bo is not Bob, nor is @Bobby"
    assert notices(member) == []


def test_editing_shows_mentions_as_names_and_keeps_them(owner, member, thread):
    [post] = discussions.reply(viewer(owner), thread.id, "@Bob see this", key(), mentions=(member.id,))
    text, mentioned = discussions.editable_text(viewer(owner), post.id)
    assert (text, mentioned) == ("@Bob see this", [member.id])
    discussions.edit(viewer(owner), post.id, "@Bob see this, please", mentions=tuple(mentioned))
    with transaction() as session:
        assert session.get(Post, post.id).body == f"@[Bob](member:{member.id}) see this, please"


def test_only_the_author_opens_a_post_for_editing(owner, member, thread):
    [post] = discussions.reply(viewer(owner), thread.id, "Mine", key())
    with pytest.raises(Refused) as refused:
        discussions.editable_text(viewer(member), post.id)
    assert refused.value.message == OWN_POSTS_ONLY


def test_quoting_shows_mentions_as_names(owner, member, thread):
    [post] = discussions.reply(viewer(owner), thread.id, "@Bob see this", key(), mentions=(member.id,))
    assert discussions.quote_text(viewer(member), post.id) == "> **Olivia:**\n> @Bob see this\n\n"


def test_mentioned_follower_is_told_once(owner, member, thread):
    discussions.reply(viewer(member), thread.id, f"@[Olivia](member:{owner.id}) a question", key())
    assert [n.kind for n in notices(owner)] == ["mention"]


def test_former_member_is_no_longer_told_of_replies(owner, member, workspace, thread):
    discussions.reply(viewer(member), thread.id, "Bye soon", key())
    workspaces.leave(viewer(member), workspace.id)
    discussions.reply(viewer(owner), thread.id, "Still here", key())
    assert notices(member) == []


# Unread marks and pages


def test_reply_by_someone_else_marks_the_thread_unread_until_its_posts_are_loaded(owner, member, workspace, thread):
    assert unread(member, workspace) == {"Kick-off": True}
    assert unread(owner, workspace) == {"Kick-off": False}
    discussions.posts(viewer(member), thread.id)
    assert unread(member, workspace) == {"Kick-off": False}

    discussions.reply(viewer(owner), thread.id, "News", key())
    assert unread(member, workspace) == {"Kick-off": True}
    assert unread(owner, workspace) == {"Kick-off": False}

    discussions.posts(viewer(member), thread.id)
    assert unread(member, workspace) == {"Kick-off": False}


def test_own_reply_leaves_the_thread_read(member, workspace, thread):
    discussions.posts(viewer(member), thread.id)
    discussions.reply(viewer(member), thread.id, "Mine", key())
    assert unread(member, workspace) == {"Kick-off": False}


def test_posts_come_in_pages_of_the_newest_then_earlier_then_only_new(owner, member, thread):
    for number in range(2, 46):
        discussions.reply(viewer(owner), thread.id, f"Post {number}", key())
    bodies = ["Welcome, everyone!"] + [f"Post {number}" for number in range(2, 46)]

    newest = discussions.posts(viewer(member), thread.id, limit=30)
    assert [view.post.body for view in newest] == bodies[15:]
    earlier = discussions.posts(viewer(member), thread.id, before_id=newest[0].post.id, limit=30)
    assert [view.post.body for view in earlier] == bodies[:15]
    assert discussions.posts(viewer(member), thread.id, after_id=newest[-1].post.id) == []

    discussions.reply(viewer(owner), thread.id, "Post 46", key())
    fresh = discussions.posts(viewer(member), thread.id, after_id=newest[-1].post.id)
    assert [view.post.body for view in fresh] == ["Post 46"]


def test_a_thread_opens_at_its_newest_twenty_posts(owner, member, thread):
    for number in range(2, 26):
        discussions.reply(viewer(owner), thread.id, f"Post {number}", key())
    page = discussions.open_thread(viewer(member), thread.id)
    assert [view.post.body for view in page.posts] == [f"Post {number}" for number in range(6, 26)]


def test_opening_a_thread_shows_its_posts_the_members_draft_and_people_and_marks_it_read(owner, member, workspace, thread):
    discussions.reply(viewer(owner), thread.id, "Agenda attached", key())
    discussions.save_draft(viewer(member), f"thread-{thread.id}", "Half a thought")

    page = discussions.open_thread(viewer(member), thread.id)

    assert page.thread.title == "Kick-off" and page.place.workspace.id == workspace.id and page.place.role == "member"
    assert [view.post.body for view in page.posts] == ["Welcome, everyone!", "Agenda attached"]
    assert page.draft == "Half a thought"
    assert sorted(person.name for person in page.members) == ["Bob", "Olivia"]
    assert unread(member, workspace) == {"Kick-off": False}


def test_reply_returns_what_came_since_with_the_reply_once(owner, member, workspace, thread):
    seen = discussions.posts(viewer(member), thread.id)[-1].post.id
    discussions.reply(viewer(owner), thread.id, "Meanwhile", key())
    sent = key()

    caught_up = discussions.reply(viewer(member), thread.id, "Mine", sent, after_id=seen)
    again = discussions.reply(viewer(member), thread.id, "Mine", sent, after_id=seen)

    assert [(view.post.body, view.mine) for view in caught_up] == [("Meanwhile", False), ("Mine", True)]
    assert [view.post.id for view in again] == [view.post.id for view in caught_up]
    assert count(Post) == 3
    assert unread(member, workspace) == {"Kick-off": False}


def test_removed_member_cannot_catch_up_by_resending_an_earlier_reply(owner, member, workspace, thread):
    sent = key()
    discussions.reply(viewer(member), thread.id, "Mine", sent)
    workspaces.remove_member(viewer(owner), workspace.id, member.id)
    with pytest.raises(Refused, match=HIDDEN_THREAD):
        discussions.reply(viewer(member), thread.id, "Mine", sent, after_id=0)


def test_read_marks_are_saved_together_and_count_as_read_meanwhile(owner, member, workspace, thread):
    discussions.reply(viewer(owner), thread.id, "News", key())
    newest = discussions.posts(viewer(member), thread.id)[-1].post.id

    assert unread(member, workspace) == {"Kick-off": False}
    assert saved_read_mark(member, thread) < newest
    assert discussions.save_read_marks() == 1
    assert saved_read_mark(member, thread) == newest
    assert discussions.save_read_marks() == 0


def test_read_marks_that_could_not_be_saved_are_kept_for_the_next_round(owner, member, workspace, thread, monkeypatch):
    @contextlib.contextmanager
    def database_locked():
        raise OperationalError("UPDATE threadreader", {}, Exception("database is locked"))
        yield

    discussions.posts(viewer(member), thread.id)
    monkeypatch.setattr(discussions, "transaction", database_locked)
    with pytest.raises(OperationalError):
        discussions.save_read_marks()
    monkeypatch.undo()
    assert discussions.save_read_marks() == 1


def test_read_marks_are_saved_while_a_reply_adds_its_authors_reader_row(owner, member, workspace, thread):
    """Bob read the thread (his mark is noted), then replies while the marks are being saved: both are kept."""
    discussions.posts(viewer(member), thread.id)
    replied = []

    def reply_meanwhile(_connection, _cursor, statement, *_rest) -> None:
        if statement.startswith("INSERT INTO threadreader") and not replied:
            replied.append(None)  # once: the reply inserts a reader row of its own
            [replied[0]] = discussions.reply(viewer(member), thread.id, "Count me in.", key())

    engine = db.engine()
    event.listen(engine, "before_cursor_execute", reply_meanwhile)
    try:
        assert discussions.save_read_marks() == 1
    finally:
        event.remove(engine, "before_cursor_execute", reply_meanwhile)
    with transaction() as session:
        reader = session.exec(select(ThreadReader).where(ThreadReader.thread_id == thread.id, ThreadReader.user_id == member.id)).one()
    assert (reader.following, reader.last_read_post_id) == (True, replied[0].post.id)


def test_loading_an_earlier_page_does_not_mark_newer_posts_read(owner, member, workspace, thread):
    for number in range(2, 5):
        discussions.reply(viewer(owner), thread.id, f"Post {number}", key())
    newest = discussions.posts(viewer(owner), thread.id)
    discussions.posts(viewer(member), thread.id, before_id=newest[-1].post.id)
    assert unread(member, workspace) == {"Kick-off": True}


# Drafts and quotes


def test_draft_survives_until_the_reply_is_sent(member, outsider, thread):
    place = f"thread-{thread.id}"
    discussions.save_draft(viewer(member), place, "Half a thought")
    assert discussions.draft(viewer(member), place) == "Half a thought"
    assert discussions.draft(viewer(outsider), place) == ""
    discussions.save_draft(viewer(member), place, "A whole thought")
    assert discussions.draft(viewer(member), place) == "A whole thought"
    discussions.reply(viewer(member), thread.id, "A whole thought", key())
    assert discussions.draft(viewer(member), place) == ""


def test_draft_of_a_new_thread_is_cleared_when_it_is_opened(member, workspace):
    place = f"workspace-{workspace.id}"
    discussions.save_draft(viewer(member), place, "An idea")
    discussions.start_thread(viewer(member), workspace.id, "Idea", "An idea", key())
    assert discussions.draft(viewer(member), place) == ""


def test_draft_place_must_be_a_simple_name(member):
    with pytest.raises(Refused, match=NOT_UNDERSTOOD):
        discussions.save_draft(viewer(member), "../etc/passwd", "x")


def test_quote_names_the_author_and_quotes_the_text(owner, member, thread):
    [post] = discussions.reply(viewer(member), thread.id, f"First line\nsecond line, cc @[Olivia](member:{owner.id})", key())
    quoted = discussions.quote_text(viewer(owner), post.id)
    assert quoted.startswith("> **Bob:**\n")
    assert "> First line\n> second line, cc @Olivia" in quoted
    assert "member:" not in quoted


def test_reply_quoting_a_post_of_another_thread_is_refused(owner, member, workspace, thread):
    other = discussions.start_thread(viewer(owner), workspace.id, "Other", "Elsewhere", key())
    elsewhere = discussions.posts(viewer(owner), other.id)[0].post
    with pytest.raises(Refused, match="The quoted post is not in this discussion."):
        discussions.reply(viewer(member), thread.id, "Quoting", key(), quote_of=elsewhere.id)
    here = discussions.posts(viewer(owner), thread.id)[0].post
    [reply] = discussions.reply(viewer(member), thread.id, "Quoting", key(), quote_of=here.id)
    assert reply.post.quote_of == here.id


@pytest.mark.parametrize("access", ["open", "invitation"])
def test_outsider_hears_the_same_for_a_hidden_thread_or_post_as_for_one_that_does_not_exist(owner, outsider, access):
    hidden = workspaces.create(viewer(owner), WorkspaceForm(name="Board room", purpose="Board only", access=access))
    opened = discussions.start_thread(viewer(owner), hidden.id, "Budget", "The numbers", key())
    [post] = discussions.reply(viewer(owner), opened.id, "More numbers", key())
    for attempt in (
        lambda thread_id: discussions.open_thread(viewer(outsider), thread_id),
        lambda thread_id: discussions.reply(viewer(outsider), thread_id, "Hello", key()),
        lambda thread_id: discussions.pin(viewer(outsider), thread_id, True),
    ):
        for thread_id in (opened.id, opened.id + 1000):
            with pytest.raises(Refused, match="^This discussion does not exist or you do not have access to it.$"):
                attempt(thread_id)
    for attempt in (
        lambda post_id: discussions.one_post(viewer(outsider), post_id),
        lambda post_id: discussions.quote_text(viewer(outsider), post_id),
        lambda post_id: discussions.edit(viewer(outsider), post_id, "Mine now"),
        lambda post_id: discussions.history(viewer(outsider), post_id),
    ):
        for post_id in (post.id, post.id + 1000):
            with pytest.raises(Refused, match="^This post does not exist.$"):
                attempt(post_id)


@pytest.mark.skipif(not use_postgres(), reason="SQLite takes one writer at a time: the reply holds the lock, so the marks cannot slip in")
def test_a_reply_follows_when_the_read_marks_add_its_authors_row_first(owner, member, workspace, thread):
    """Bob read the thread (his mark is noted); his reply finds no reader row, and the marks add one before the reply does."""
    discussions.posts(viewer(member), thread.id)
    saved = []

    def marks_slip_in(_connection, _cursor, statement, *_rest) -> None:
        if statement.startswith("INSERT INTO threadreader") and threading.current_thread() is threading.main_thread() and not saved:
            saving = threading.Thread(target=lambda: saved.append(discussions.save_read_marks()))
            saving.start()
            saving.join(timeout=30)

    engine = db.engine()
    event.listen(engine, "before_cursor_execute", marks_slip_in)
    try:
        [reply] = discussions.reply(viewer(member), thread.id, "Count me in.", key())
    finally:
        event.remove(engine, "before_cursor_execute", marks_slip_in)
    assert saved == [1]
    with transaction() as session:
        reader = session.exec(select(ThreadReader).where(ThreadReader.thread_id == thread.id, ThreadReader.user_id == member.id)).one()
    assert (reader.following, reader.last_read_post_id) == (True, reply.post.id)
