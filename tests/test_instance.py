"""Instance settings: stored over the environment's defaults, read through one function, changed by administrators on the record."""

import dataclasses

import pytest
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import AuditEntry, OutboxMessage, Post, Status
from partnerskap.services import accounts, content, discussions, instance
from partnerskap.services.errors import Invalid, Refused
from tests.conftest import viewer
from tests.refusals import ADMINS_ONLY
from tests.test_sessions import last_link_token

FORM = instance.SettingsForm(instance_name="Turku Partnership", organisation="City of Turku", membership_policy="open", premoderation_days="3", closed_grace_days="14", upload_limit_mb="20")


def test_without_changes_the_environment_decides(monkeypatch):
    environment = dict(instance_name="Partnerskap Åbo", instance_organisation="City of Turku", premoderation_days=2, closed_grace_days=21)
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, membership_policy="approval", max_upload_bytes=50 * 1024 * 1024, **environment))
    assert instance.effective() == instance.Effective("Partnerskap Åbo", "City of Turku", "approval", 2, 21, 50, 50)


def test_admin_changes_the_settings_and_they_are_in_force_at_once_and_on_the_record(admin, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, membership_policy="approval"))
    assert instance.effective().membership_policy == "approval"  # remembered now
    saved = instance.save(viewer(admin), FORM)
    assert saved == instance.effective() == instance.Effective("Turku Partnership", "City of Turku", "open", 3, 14, 20, config.settings.max_upload_bytes // 2**20)
    with transaction() as session:
        entry = session.exec(select(AuditEntry)).one()
    assert (entry.action, entry.target_kind, entry.actor_id) == ("settings.change", "instance", admin.id)
    assert "instance_name: Turku Partnership" in entry.reason


def test_the_membership_policy_set_by_an_admin_decides_who_is_approved_on_confirming(admin, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, membership_policy="approval"))
    instance.save(viewer(admin), FORM)
    accounts.register(accounts.Registration("Nina", "nina@example.org", "", "a long passphrase for nina", True, "en"), "192.0.2.1")
    assert accounts.confirm_email(last_link_token("nina@example.org", "confirm")).status == Status.APPROVED


def test_an_upload_limit_above_the_servers_maximum_is_refused_and_nothing_changes(admin, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, max_upload_bytes=10 * 1024 * 1024))
    with pytest.raises(Invalid) as refused:
        instance.save(viewer(admin), dataclasses.replace(FORM, upload_limit_mb="11", closed_grace_days="-1", membership_policy="anyone"))
    assert refused.value.errors == {
        "membership_policy": "Choose one of the options.",
        "closed_grace_days": "Enter a whole number of days from 0 to 365.",
        "upload_limit_mb": "Enter a whole number of megabytes from 1 to the server's maximum.",
    }
    assert instance.effective().instance_name == config.settings.instance_name  # still the environment's


def test_member_cannot_change_the_settings_or_send_a_test_mail(member):
    with pytest.raises(Refused, match=ADMINS_ONLY):
        instance.save(viewer(member), FORM)
    with pytest.raises(Refused, match=ADMINS_ONLY):
        instance.send_test_mail(viewer(member))


def test_admin_sends_a_test_mail_to_themselves_through_the_outbox(admin):
    assert instance.send_test_mail(viewer(admin)) == admin.email
    with transaction() as session:
        message = session.exec(select(OutboxMessage)).one()
    assert (message.recipient, message.subject) == (admin.email, "Test message from the Partnership Platform")


def test_the_pre_moderation_days_an_admin_sets_hold_a_new_members_post(admin, owner, member, workspace, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, premoderation_days=0))
    instance.save(viewer(admin), FORM)  # three days
    thread = discussions.start_thread(viewer(member), workspace.id, "Hello", "My first post", discussions.new_key())
    with transaction() as session:
        assert session.exec(select(Post).where(Post.thread_id == thread.id)).one().held


def test_a_front_page_without_stored_settings_names_the_environments_instance_and_one_with_them_the_admins(admin, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, instance_name="Partnerskap Åbo", instance_organisation=""))
    assert content.front_page().instance_name == "Partnerskap Åbo"
    instance.save(viewer(admin), FORM)
    assert (content.front_page().instance_name, content.front_page().organisation) == ("Turku Partnership", "City of Turku")
