"""Membership decisions: only administrators decide, applicants are told, every decision is audited."""

import pytest
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import AuditEntry, OutboxMessage, Role, Status, User
from partnerskap.services import accounts, mail, membership
from partnerskap.services.errors import Invalid, Refused
from tests.conftest import viewer
from tests.refusals import EXPIRED_LINK


def reload(user: User) -> User:
    with transaction() as session:
        return session.get(User, user.id)


def audit_actions() -> list[tuple[str, int | None, str]]:
    with transaction() as session:
        return [(e.action, e.target_user_id, e.reason) for e in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]


def mails_to(email: str) -> list[OutboxMessage]:
    with transaction() as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.recipient == email)).all())


def test_admin_approves_applicant_and_it_is_audited(admin, applicant):
    membership.approve(viewer(admin), applicant.id)
    assert reload(applicant).status == Status.APPROVED
    assert audit_actions() == [("membership.approve", applicant.id, "")]
    assert "approved" in mails_to(applicant.email)[0].subject


def test_admin_denies_with_a_reason_the_applicant_receives(admin, applicant):
    membership.deny(viewer(admin), applicant.id, "Not an organisation in this field")
    assert reload(applicant).status == Status.DENIED
    assert audit_actions() == [("membership.deny", applicant.id, "Not an organisation in this field")]
    assert "Not an organisation in this field" in mails_to(applicant.email)[0].body


def test_deny_without_reason_changes_nothing(admin, applicant):
    with pytest.raises(Invalid):
        membership.deny(viewer(admin), applicant.id, "   ")
    assert reload(applicant).status == Status.PENDING
    assert audit_actions() == []


def test_member_cannot_decide_on_applications(member, applicant):
    with pytest.raises(Refused, match="Only administrators can do this."):
        membership.approve(viewer(member), applicant.id)
    assert reload(applicant).status == Status.PENDING


def test_admin_makes_member_an_admin(admin, member):
    membership.make_admin(viewer(admin), member.id)
    assert reload(member).role == Role.ADMIN
    assert audit_actions() == [("role.make_admin", member.id, "")]


def test_suspension_is_audited_and_reinstatement_restores(admin, member):
    membership.suspend(viewer(admin), member.id, "Spam")
    assert reload(member).status == Status.SUSPENDED
    membership.reinstate(viewer(admin), member.id)
    assert reload(member).status == Status.APPROVED
    assert [a[0] for a in audit_actions()] == ["membership.suspend", "membership.reinstate"]


def test_admin_cannot_suspend_themself(admin):
    with pytest.raises(Refused, match="You cannot do this to your own account."):
        membership.suspend(viewer(admin), admin.id, "oops")


def confirm_link_token(email: str) -> str:
    body = mail.readable_body(mails_to(email)[-1])
    return body.split("/confirm?token=")[1].split()[0]


def register(email="frida@example.org") -> User:
    return accounts.register(
        accounts.Registration(name="Frida", email=email, organisation="", password="a long passphrase here", accepted_terms=True, language="sv"), "192.0.2.1"
    )


def test_confirmed_applicant_waits_for_approval_under_the_approval_policy():
    user = register()
    assert reload(user).status == Status.UNCONFIRMED
    accounts.confirm_email(confirm_link_token(user.email))
    assert reload(user).status == Status.PENDING


def test_confirmed_applicant_is_approved_at_once_under_the_open_policy(monkeypatch):
    import dataclasses

    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, membership_policy="open"))
    user = register()
    accounts.confirm_email(confirm_link_token(user.email))
    assert reload(user).status == Status.APPROVED


def test_confirmation_link_works_once():
    user = register()
    token = confirm_link_token(user.email)
    accounts.confirm_email(token)
    with pytest.raises(Refused, match=EXPIRED_LINK):
        accounts.confirm_email(token)


def test_forged_confirmation_link_is_refused():
    register()
    with pytest.raises(Refused, match=EXPIRED_LINK):
        accounts.confirm_email("forged-token")


def test_mail_is_written_in_the_members_language():
    user = register()
    assert mails_to(user.email)[0].subject == accounts.t("Confirm your e-mail address", "sv")
