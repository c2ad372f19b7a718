"""Direct messages and open areas: private conversations on the discussion code, refusing strangers, no admin reach; areas open to every member."""

import dataclasses
import itertools

import pytest
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import Notification, OutboxMessage
from partnerskap.services import (
    areas,
    conversations,
    discussions,
    documents,
    networks,
    people,
    permissions,
)
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.networks import NetworkForm
from tests.conftest import make_person, viewer
from tests.test_documents import upload

_keys = itertools.count(1)


def key() -> str:
    return f"message-key-{next(_keys):06d}"


def refuse_strangers(user) -> None:
    own = people.own_profile(viewer(user))
    people.save_profile(viewer(user), people.OwnProfile(**{**own.__dict__, "messages_from": "shared"}))


def test_member_writes_to_another_who_is_notified_and_emailed_in_their_language(password_hash, member):
    sanna = make_person(password_hash, "Sanna", language="sv")
    thread = conversations.start(viewer(member), [sanna.id], "Samarbete", "Hej! Ska vi samarbeta?", key())
    with transaction() as session:
        notice = session.exec(select(Notification).where(Notification.user_id == sanna.id)).one()
        mail = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "sanna@example.org")).one()
    assert notice.kind == "message" and notice.link.startswith(f"/threads/{thread.id}")
    assert mail.subject == 'Bob skrev till dig: "Samarbete"'
    discussions.reply(viewer(sanna), thread.id, "Gärna!", key())
    assert [view.author for view in discussions.posts(viewer(member), thread.id)] == ["Bob", "Sanna"]
    assert [row.with_names for row in conversations.mine(viewer(member))] == ["Sanna"]


def test_member_writes_to_a_small_group(member, owner, outsider):
    thread = conversations.start(viewer(member), [owner.id, outsider.id], "Planning", "Shall we meet?", key())
    assert [row.with_names for row in conversations.mine(viewer(owner))] == ["Bob, Charlie"]
    discussions.reply(viewer(outsider), thread.id, "Yes", key())


def test_same_key_sent_twice_starts_one_conversation(member, owner):
    sent = key()
    first = conversations.start(viewer(member), [owner.id], "Hi", "Hello", sent)
    assert conversations.start(viewer(member), [owner.id], "Hi", "Hello", sent).id == first.id
    assert len(conversations.mine(viewer(member))) == 1


def test_others_and_administrators_cannot_read_a_conversation(member, owner, outsider, admin):
    thread = conversations.start(viewer(member), [owner.id], "Private", "Just us", key())
    for stranger in (outsider, admin):
        with pytest.raises(Refused, match=discussions.HIDDEN_THREAD):
            discussions.posts(viewer(stranger), thread.id)
        with pytest.raises(Refused, match=discussions.HIDDEN_THREAD):
            discussions.open_thread(viewer(stranger), thread.id)
    post_id = discussions.posts(viewer(owner), thread.id)[0].id
    with pytest.raises(Refused, match="This post does not exist."):
        discussions.delete(viewer(admin), post_id)


def test_member_who_refuses_strangers_gets_no_message_from_someone_they_share_nothing_with(member, outsider):
    refuse_strangers(outsider)
    with pytest.raises(Refused, match="takes messages only from people they share"):
        conversations.start(viewer(member), [outsider.id], "Hi", "Hello", key())
    assert conversations.mine(viewer(outsider)) == []


def test_member_who_refuses_strangers_takes_messages_from_a_fellow_network_member(member, outsider):
    refuse_strangers(outsider)
    network = networks.create(viewer(outsider), NetworkForm(name="Language cafés"))
    networks.join(viewer(member), network.id)
    assert conversations.start(viewer(member), [outsider.id], "Hi", "Hello", key()).conversation_id is not None


def test_writing_to_nobody_or_a_pending_applicant_is_refused(member, applicant):
    with pytest.raises(Invalid) as refused:
        conversations.start(viewer(member), [member.id], "Hi", "Hello", key())
    assert refused.value.errors == {"to": "Choose whom to write to."}
    with pytest.raises(Refused, match=conversations.NO_SUCH_MEMBER):
        conversations.start(viewer(member), [applicant.id], "Hi", "Hello", key())


@pytest.fixture
def area(admin):
    """Ask the community, an open area."""
    return areas.create(viewer(admin), "Ask the community", "Questions for everyone")


def test_every_member_reads_and_writes_in_an_open_area_without_joining(area, member, outsider):
    thread = discussions.start_thread(viewer(member), area.id, "Interpreters in Kainuu?", "Any tips?", key(), kind="area")
    discussions.reply(viewer(outsider), thread.id, "Ask the wellbeing services county.", key())
    assert [row.thread.title for row in areas.page(viewer(outsider), area.id).threads] == ["Interpreters in Kainuu?"]


def test_applicant_cannot_read_an_open_area(area, member, applicant):
    thread = discussions.start_thread(viewer(member), area.id, "Question", "Text", key(), kind="area")
    with pytest.raises(Refused, match=permissions.NOT_APPROVED):
        discussions.posts(viewer(applicant), thread.id)


def test_only_administrators_create_areas_and_names_are_unique(area, admin, member):
    with pytest.raises(Refused, match=permissions.ADMINS_ONLY):
        areas.create(viewer(member), "My area")
    with pytest.raises(Invalid) as refused:
        areas.create(viewer(admin), "ASK the community")
    assert refused.value.errors == {"name": areas.NAME_TAKEN}


def test_mention_completion_in_an_area_queries_by_prefix(area, member, password_hash):
    for number in range(30):
        make_person(password_hash, f"Bea{number:02d}")
    thread = discussions.start_thread(viewer(member), area.id, "Question", "Text", key(), kind="area")
    found = discussions.mention_candidates(viewer(member), thread.id, "bea")
    assert len(found) == 8 and found[0][1] == "Bea00"


def test_member_starting_a_thread_in_an_area_finds_any_approved_member_and_mentions_them(area, member, outsider, applicant):
    assert discussions.mention_candidates(viewer(member), area.id, "char", kind="area") == [(outsider.id, "Charlie")]
    assert discussions.mention_candidates(viewer(member), area.id, "dan", kind="area") == []
    opened = discussions.start_thread(viewer(member), area.id, "Question", "@Charlie and @Dana?", key(), kind="area", mentions=(outsider.id, applicant.id))
    [view] = discussions.posts(viewer(member), opened.id)
    assert view.post.body == f"@[Charlie](member:{outsider.id}) and @Dana?"
    with transaction() as session:
        assert session.exec(select(Notification.user_id).where(Notification.kind == "mention")).all() == [outsider.id]


def test_mentions_in_an_area_reach_any_approved_member_but_no_applicant(area, member, outsider, applicant):
    body = f"@[Charlie](member:{outsider.id}) @[Dana](member:{applicant.id})"
    discussions.start_thread(viewer(member), area.id, "Question", body, key(), kind="area")
    with transaction() as session:
        assert session.exec(select(Notification.user_id).where(Notification.kind == "mention")).all() == [outsider.id]


def test_member_attaches_a_document_of_her_own_workspace_that_only_the_people_she_writes_to_may_download(owner, workspace, outsider, password_hash, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path / "documents"))
    documents.accept_upload_terms(viewer(owner))
    flyer = upload(owner, workspace.id, "flyer.txt", b"Tuesday conversation group")
    dora = make_person(password_hash, "Dora")
    thread = conversations.start(viewer(owner), [outsider.id], "Our flyer", "Here it is.", key())
    assert discussions.open_thread(viewer(owner), thread.id).attachable == [(flyer.id, "flyer.txt")]
    assert discussions.open_thread(viewer(outsider), thread.id).attachable == []  # Charlie has no workspace of his own

    discussions.reply(viewer(owner), thread.id, "The flyer, attached.", key(), attach=flyer.id)
    [_opening, shared] = discussions.posts(viewer(outsider), thread.id)
    assert shared.attachments == [(flyer.id, "flyer.txt")]
    assert documents.authorise_download(viewer(outsider), flyer.id).filename == "flyer.txt"
    with pytest.raises(Refused, match=documents.DOCUMENT_MISSING):
        documents.authorise_download(viewer(dora), flyer.id)  # Dora is in neither the workspace nor the conversation
    with pytest.raises(Refused, match="Only documents of your own workspaces can be attached."):
        discussions.reply(viewer(outsider), thread.id, "Sending it on", key(), attach=flyer.id)
