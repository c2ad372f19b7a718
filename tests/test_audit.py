"""The append-only record: what it holds, how administrators filter and export it, and that the database refuses changes."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.models import AuditEntry
from partnerskap.services import audit, membership
from partnerskap.services.errors import Refused
from tests.conftest import viewer
from tests.refusals import ADMINS_ONLY


def _one_entry(admin, member) -> int:
    with transaction() as session:
        entry = audit.record(actor_id=admin.id, action="moderation.hide", target_kind="post", target_id=7, reason="Spam link", reason_code="spam", session=session)
    return entry.id


def test_an_update_of_an_audit_entry_is_refused_by_the_database(admin, member):
    entry_id = _one_entry(admin, member)
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction() as session:
            session.exec(text("UPDATE auditentry SET reason = 'nothing happened' WHERE id = :id").bindparams(id=entry_id))
    with transaction() as session:
        assert session.get(AuditEntry, entry_id).reason == "Spam link"


def test_a_delete_of_an_audit_entry_is_refused_by_the_database(admin, member):
    entry_id = _one_entry(admin, member)
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction() as session:
            session.exec(text("DELETE FROM auditentry"))
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction() as session:
            session.delete(session.get(AuditEntry, entry_id))
    with transaction() as session:
        assert session.exec(select(AuditEntry.id)).all() == [entry_id]


def test_a_decision_about_a_person_names_them_as_the_target(admin, applicant):
    membership.approve(viewer(admin), applicant.id)
    with transaction() as session:
        entry = session.exec(select(AuditEntry)).one()
    assert (entry.action, entry.target_kind, entry.target_id, entry.target_user_id) == ("membership.approve", "user", applicant.id, applicant.id)


def test_admin_filters_the_record_by_actor_action_kind_and_day(admin, member, applicant, denied):
    membership.approve(viewer(admin), applicant.id)
    membership.suspend(viewer(admin), member.id, "Harassment in the forum")
    _one_entry(admin, member)
    everything, names, _places = membership.audit_log(viewer(admin))
    assert [e.action for e in everything] == ["moderation.hide", "membership.suspend", "membership.approve"]
    assert names[member.id] == "Bob"
    only = lambda **where: [e.action for e in membership.audit_log(viewer(admin), audit.Filter(**where))[0]]  # noqa: E731
    assert only(action="membership.") == ["membership.suspend", "membership.approve"]
    assert only(action="membership.suspend") == ["membership.suspend"]
    assert only(target_kind="post") == ["moderation.hide"]
    assert only(actor_id=member.id) == []
    today = everything[0].created_at.date()
    assert only(since=today, until=today) == ["moderation.hide", "membership.suspend", "membership.approve"]
    assert only(since=today + timedelta(days=1)) == []


def test_admin_exports_the_record_as_csv_and_the_export_is_recorded(admin, member):
    membership.suspend(viewer(admin), member.id, "=HYPERLINK(\"http://evil\")")
    exported = membership.audit_csv(viewer(admin))
    header, row = exported.strip().splitlines()
    assert header == "id,time,actor_id,actor,action,target_kind,target_id,target,workspace_id,reason_code,reason"
    assert f",Alice,membership.suspend,user,{member.id},Bob,," in row
    assert row.endswith(",\"'=HYPERLINK(\"\"http://evil\"\")\"")
    entries, _names, _places = membership.audit_log(viewer(admin))
    assert entries[0].action == "audit.export" and entries[0].actor_id == admin.id


def test_member_cannot_read_or_export_the_record(member):
    with pytest.raises(Refused, match=ADMINS_ONLY):
        membership.audit_log(viewer(member))
    with pytest.raises(Refused, match=ADMINS_ONLY):
        membership.audit_csv(viewer(member))


def test_workspace_decisions_by_owners_and_moderators_are_on_the_record(owner, member, outsider, workspace):
    from partnerskap.models import WorkspaceRole
    from partnerskap.services import workspaces

    workspaces.set_role(viewer(owner), workspace.id, member.id, WorkspaceRole.MODERATOR)
    workspaces.remove_member(viewer(owner), workspace.id, member.id)
    with transaction() as session:
        recorded = [(e.actor_id, e.action, e.target_kind, e.target_id, e.workspace_id, e.reason) for e in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]
    assert recorded == [
        (owner.id, "workspace.set_role", "user", member.id, workspace.id, "moderator"),
        (owner.id, "workspace.remove_member", "user", member.id, workspace.id, ""),
    ]
