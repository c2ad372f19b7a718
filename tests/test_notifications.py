"""Notifications: in the app always, by e-mail only for the kinds and at the pace each member chose."""

import contextlib
import json
from datetime import timedelta

import pytest
from sqlmodel import select

from partnerskap import memory
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import Notification, NotificationSettings, OutboxMessage, User
from partnerskap.models.base import utcnow
from partnerskap.services import notifications
from partnerskap.services.errors import Refused
from tests.conftest import make_person, viewer
from tests.refusals import CHOOSE_AN_OPTION


def mails_to(user: User) -> list[OutboxMessage]:
    with transaction() as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.recipient == user.email).order_by(OutboxMessage.id)).all())


def reload(notification: Notification) -> Notification:
    with transaction() as session:
        return session.get(Notification, notification.id)


def digest_was(user: User, ago: timedelta) -> None:
    with transaction() as session:
        chosen = session.get(NotificationSettings, user.id)
        chosen.last_digest_at = utcnow() - ago
        session.add(chosen)


@pytest.fixture
def tell(workspace):
    """Notify someone of something Olivia did in the workspace, as the services do."""

    def tell(user: User, kind: str, thread: str = "Kick-off") -> Notification:
        with transaction() as session:
            notifications.notify(session, user_id=user.id, kind=kind, actor="Olivia", workspace=workspace, thread=thread, link="/workspaces/1", days=90, item="Flyer", decision="hide", reason="Spam", activity="Language café", text="The menu needs a mouse", contact="reader@example.org", due="2026-12-21")
        with transaction() as session:
            return session.exec(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())).first()

    return tell


# Immediate e-mail


def test_default_choices_mail_mentions_invitations_and_decisions_at_once(member, tell):
    for kind in ("mention", "invitation", "accepted", "declined", "reply", "join_request"):
        tell(member, kind)
    subjects = [mail.subject for mail in mails_to(member)]
    assert len(subjects) == 4
    assert 'Olivia mentioned you in "Kick-off"' in subjects
    assert 'Olivia invited you to "Baltic Bridges"' in subjects


def test_immediate_mail_goes_only_for_the_kinds_the_member_chose(member, tell):
    notifications.save_preferences(viewer(member), kinds=["reply"], frequency="immediate")
    mentioned = tell(member, "mention")
    replied = tell(member, "reply")
    [mail] = mails_to(member)
    assert mail.subject == 'Olivia replied in "Kick-off"'
    assert "/workspaces/1" in mail.body
    assert reload(replied).emailed_at is not None
    assert reload(mentioned).emailed_at is None


def test_member_who_chose_no_kinds_gets_no_mail_but_sees_everything_in_the_app(member, tell):
    notifications.save_preferences(viewer(member), kinds=[], frequency="immediate")
    tell(member, "mention")
    tell(member, "invitation")
    assert mails_to(member) == []
    assert [n.kind for n in notifications.page(viewer(member)).notifications] == ["invitation", "mention"]


def test_unknown_kind_or_frequency_is_refused(member):
    with pytest.raises(Refused, match=CHOOSE_AN_OPTION):
        notifications.save_preferences(viewer(member), kinds=["gossip"], frequency="immediate")
    with pytest.raises(Refused, match=CHOOSE_AN_OPTION):
        notifications.save_preferences(viewer(member), kinds=["mention"], frequency="hourly")
    chosen = notifications.page(viewer(member)).settings
    assert (chosen.email_kinds, chosen.frequency) == ("mention,invitation,decision,application", "immediate")


def test_saved_choices_are_kept(member):
    notifications.save_preferences(viewer(member), kinds=["reply", "mention"], frequency="weekly")
    chosen = notifications.page(viewer(member)).settings
    assert (chosen.email_kinds, chosen.frequency) == ("mention,reply", "weekly")


# Digests


def test_daily_digest_gathers_unmailed_notifications_into_one_mail_and_waits_a_day(member, tell):
    notifications.save_preferences(viewer(member), kinds=["mention", "reply"], frequency="daily")
    tell(member, "mention", thread="Kick-off")
    tell(member, "reply", thread="Budget")
    tell(member, "join_request")
    assert mails_to(member) == []

    assert notifications.send_digests() == 1
    [digest] = mails_to(member)
    assert 'Olivia mentioned you in "Kick-off"' in digest.body
    assert 'Olivia replied in "Budget"' in digest.body
    assert "asks to join" not in digest.body

    tell(member, "mention", thread="Later")
    assert notifications.send_digests() == 0
    assert len(mails_to(member)) == 1

    digest_was(member, timedelta(hours=25))
    assert notifications.send_digests() == 1
    later = mails_to(member)[-1]
    assert 'Olivia mentioned you in "Later"' in later.body
    assert "Kick-off" not in later.body


def test_weekly_digest_waits_a_week(member, tell):
    notifications.save_preferences(viewer(member), kinds=["mention"], frequency="weekly")
    tell(member, "mention")
    assert notifications.send_digests() == 1
    tell(member, "mention", thread="Second")
    digest_was(member, timedelta(days=2))
    assert notifications.send_digests() == 0
    digest_was(member, timedelta(days=8))
    assert notifications.send_digests() == 1
    assert len(mails_to(member)) == 2


def test_digest_is_one_mail_per_member(member, outsider, tell):
    for person in (member, outsider):
        notifications.save_preferences(viewer(person), kinds=["mention"], frequency="daily")
        tell(person, "mention", thread="One")
        tell(person, "mention", thread="Two")
    assert notifications.send_digests() == 2
    assert len(mails_to(member)) == 1
    assert len(mails_to(outsider)) == 1


def test_nothing_new_means_no_digest(member, tell):
    notifications.save_preferences(viewer(member), kinds=["mention"], frequency="daily")
    assert notifications.send_digests() == 0
    assert mails_to(member) == []


def test_immediate_members_get_no_digest(member, tell):
    tell(member, "reply")
    assert notifications.send_digests() == 0
    assert mails_to(member) == []


# Reading


def test_unread_count_falls_as_notifications_are_read_one_by_one_or_all_at_once(member, tell):
    first = tell(member, "mention")
    tell(member, "reply")
    tell(member, "invitation")
    assert notifications.unread_count(viewer(member)) == 3
    assert notifications.mark_read(viewer(member), first.id) == "/workspaces/1"
    assert notifications.unread_count(viewer(member)) == 2
    assert notifications.mark_read(viewer(member), first.id) == "/workspaces/1"
    assert notifications.unread_count(viewer(member)) == 2
    notifications.mark_read(viewer(member))
    assert notifications.unread_count(viewer(member)) == 0


def test_a_new_notification_shows_in_a_count_read_before_it(member, tell):
    assert notifications.remembered_count(viewer(member)) is None
    assert notifications.unread_count(viewer(member)) == 0
    assert notifications.remembered_count(viewer(member)) == 0  # page loads now need no database
    tell(member, "mention")
    assert notifications.remembered_count(viewer(member)) is None
    assert notifications.unread_count(viewer(member)) == 1


def test_a_count_read_while_a_notification_arrives_is_not_remembered(member, tell, monkeypatch):
    real = notifications.transaction

    @contextlib.contextmanager
    def notified_meanwhile():
        with real() as session:
            yield session
        monkeypatch.setattr(notifications, "transaction", real)
        tell(member, "mention")

    monkeypatch.setattr(notifications, "transaction", notified_meanwhile)
    assert notifications.unread_count(viewer(member)) == 0
    assert notifications.unread_count(viewer(member)) == 1


def test_notifications_another_worker_writes_count_once_the_remembered_count_expires(member, tell, monkeypatch):
    assert notifications.unread_count(viewer(member)) == 0
    with transaction() as session:  # as another worker's process would: this one hears nothing of it
        session.add(Notification(user_id=member.id, kind="mention", link="/workspaces/1", params="{}"))
    assert notifications.unread_count(viewer(member)) == 0
    later = memory.clock() + config.settings.session_recheck_seconds + 1
    monkeypatch.setattr(memory, "clock", lambda: later)
    assert notifications.unread_count(viewer(member)) == 1


def test_marking_all_read_leaves_others_unread(member, outsider, tell):
    tell(member, "mention")
    tell(outsider, "mention")
    notifications.mark_read(viewer(member))
    assert notifications.unread_count(viewer(outsider)) == 1


def test_member_cannot_mark_anothers_notification_read(member, outsider, tell):
    theirs = tell(outsider, "mention")
    with pytest.raises(Refused, match="This notification does not exist."):
        notifications.mark_read(viewer(member), theirs.id)
    assert reload(theirs).read_at is None
    assert notifications.unread_count(viewer(outsider)) == 1


def test_member_sees_only_their_own_notifications(member, outsider, tell):
    tell(outsider, "mention")
    assert notifications.page(viewer(member)).notifications == []


# Text


@pytest.mark.parametrize("kind", sorted(notifications.MESSAGES))
def test_notification_text_names_who_and_where(member, tell, kind):
    notice = tell(member, kind)
    template = notifications.MESSAGES[kind]
    english = notifications.text_of(notice, "en")
    if "{actor}" in template:
        assert "Olivia" in english
    if "{workspace}" in template:
        assert "Baltic Bridges" in english
    if "{thread}" in template:
        assert "Kick-off" in english
    if "{days}" in template:
        assert "90" in english
    if "{activity}" in template:
        assert "Language café" in english
    if "{due}" in template:
        assert "The menu needs a mouse" in english and "reader@example.org" in english and "2026-12-21" in english
    for language in ("fi", "sv"):
        assert notifications.text_of(notice, language).strip()


def test_notification_params_keep_names_as_written(member, workspace):
    with transaction() as session:
        notifications.notify(session, user_id=member.id, kind="invitation", actor="Åsa Öberg", workspace=workspace, link="/workspaces/1")
    with transaction() as session:
        notice = session.exec(select(Notification).where(Notification.user_id == member.id)).one()
    assert json.loads(notice.params)["actor"] == "Åsa Öberg"
    assert notifications.text_of(notice, "en") == 'Åsa Öberg invited you to "Baltic Bridges"'


def test_mail_is_written_in_the_members_language(password_hash, tell):
    finn = make_person(password_hash, "Fanni", language="fi")
    tell(finn, "invitation")
    [mail] = mails_to(finn)
    with transaction() as session:
        notice = session.exec(select(Notification).where(Notification.user_id == finn.id)).one()
    assert mail.subject == notifications.text_of(notice, "fi")


# Grouped: unread notifications of one kind about one place are one


def reply_in(workspace, user: User, thread: str, thread_id: int, actor: str = "Olivia") -> None:
    with transaction() as session:
        notifications.notify(session, user_id=user.id, kind="reply", actor=actor, workspace=workspace, thread=thread, link=f"/threads/{thread_id}")


def shown_to(user: User) -> list[str]:
    return [group.text("en") for group in notifications.grouped(notifications.page(viewer(user)).notifications)]


def test_three_unread_replies_in_one_discussion_are_one_notification(member, workspace):
    for actor in ("Olivia", "Charlie", "Olivia"):
        reply_in(workspace, member, "Kick-off", 1, actor)
    reply_in(workspace, member, "Budget", 2)
    assert shown_to(member) == ['Olivia replied in "Budget"', '3 new replies in "Kick-off"']
    assert notifications.unread_count(viewer(member)) == 4


def test_opening_a_grouped_notification_reads_the_whole_group_and_new_ones_group_again(member, workspace):
    for _ in range(3):
        reply_in(workspace, member, "Kick-off", 1)
    reply_in(workspace, member, "Budget", 2)
    newest = notifications.page(viewer(member)).notifications[1]
    assert notifications.mark_read(viewer(member), newest.id) == "/threads/1"
    assert notifications.unread_count(viewer(member)) == 1
    reply_in(workspace, member, "Kick-off", 1, "Charlie")
    assert shown_to(member)[:2] == ['Charlie replied in "Kick-off"', 'Olivia replied in "Budget"']
    assert shown_to(member)[2:] == ['Olivia replied in "Kick-off"'] * 3


def test_a_digest_merges_replies_in_one_discussion(member, workspace):
    notifications.save_preferences(viewer(member), kinds=["reply"], frequency="daily")
    for _ in range(3):
        reply_in(workspace, member, "Kick-off", 1)
    reply_in(workspace, member, "Budget", 2)
    assert notifications.send_digests() == 1
    [digest] = mails_to(member)
    assert '3 new replies in "Kick-off"' in digest.body
    assert 'Olivia replied in "Budget"' in digest.body
    assert digest.body.count("Kick-off") == 1
