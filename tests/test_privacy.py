"""Privacy duties: a member takes all their data as one zip, and deletes their account, keeping or removing what they wrote."""

import dataclasses
import io
import json
import zipfile

import pytest
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import AuditEntry, Document, DownloadLog, Post, Status, User
from partnerskap.services import accounts, discussions, documents, privacy, sessions
from partnerskap.services.errors import Invalid, Refused
from partnerskap.storage import get_storage
from tests.conftest import PASSWORD, viewer
from tests.test_documents import PDF, upload


@pytest.fixture(autouse=True)
def storage_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path / "documents"))


@pytest.fixture
def bobs_things(member, workspace):
    """Bob's thread in Olivia's workspace and a document he uploaded there."""
    thread = discussions.start_thread(viewer(member), workspace.id, "Ferry timetable", "My number is 040 123 4567.", discussions.new_key())
    documents.accept_upload_terms(viewer(member))
    version = upload(member, workspace.id, "budget.pdf", PDF)
    return thread, version


def test_member_downloads_their_profile_posts_documents_and_record_as_one_zip(member, workspace, bobs_things):
    chunks, filename = privacy.export(viewer(member))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert filename == "my-data.zip"
    assert json.loads(archive.read("profile.json"))["email"] == member.email
    assert [p["text"] for p in json.loads(archive.read("posts.json"))] == ["My number is 040 123 4567."]
    [document] = json.loads(archive.read("documents.json"))
    assert archive.read(document["file"]) == PDF and document["name"] == "budget.pdf"
    assert json.loads(archive.read("notifications.json")) == []
    with transaction() as session:
        assert session.exec(select(AuditEntry.action).where(AuditEntry.actor_id == member.id)).all() == ["account.export"]


def test_member_deletes_their_account_keeping_posts_as_a_former_member(member, workspace, bobs_things):
    thread, version = bobs_things
    with transaction() as session:
        token = sessions.exchange_ticket(sessions.issue_ticket(member.id, session=session))
    privacy.delete_account(viewer(member), PASSWORD, remove_content=False)
    assert sessions.resolve(token) is None
    with transaction() as session:
        former = session.get(User, member.id)
        post = session.exec(select(Post).where(Post.author_id == member.id)).one()
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "account.delete")).one()
    assert (former.name, former.organisation, former.status) == (privacy.FORMER_MEMBER, "", Status.ERASED)
    assert "bob" not in former.name_key + former.organisation_key + former.email and former.password_hash == privacy.UNUSABLE_PASSWORD
    assert post.body == "My number is 040 123 4567." and post.deleted_at is None
    assert entry.target_user_id == member.id and entry.reason == "content kept as a former member's"
    assert list(get_storage().keys("workspaces/")) == [version.storage_key]
    with pytest.raises(Refused):
        accounts.log_in(member.email, PASSWORD, "192.0.2.1")


def test_member_deletes_their_account_removing_posts_and_documents_with_their_files(member, admin, workspace, bobs_things):
    _thread, version = bobs_things
    documents.authorise_download(viewer(admin), version.document_id)
    privacy.delete_account(viewer(member), PASSWORD, remove_content=True)
    with transaction() as session:
        post = session.exec(select(Post).where(Post.author_id == member.id)).one()
        assert session.exec(select(Document)).all() == []
        logged = session.exec(select(DownloadLog)).one()
    assert (post.body, post.html) == ("", "") and post.deleted_at is not None
    assert list(get_storage().keys("workspaces/")) == []
    assert (logged.document_name, logged.document_id) == ("budget.pdf", None), "the disclosure log keeps its row"


def test_a_wrong_password_or_being_the_only_owner_deletes_nothing(member, owner, workspace):
    with pytest.raises(Invalid):
        privacy.delete_account(viewer(member), "not my password", remove_content=True)
    with pytest.raises(Refused, match="You are the only owner of") as refused:
        privacy.delete_account(viewer(owner), PASSWORD, remove_content=False)
    assert refused.value.values == {"workspaces": "Baltic Bridges"}
    with transaction() as session:
        assert session.get(User, owner.id).status == Status.APPROVED and session.get(User, member.id).status == Status.APPROVED
