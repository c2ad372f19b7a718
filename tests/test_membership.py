"""Membership decisions: only administrators decide, applicants are told, every decision is audited."""

import pytest
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import AuditEntry, Notification, OutboxMessage, Role, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import accounts, mail, membership, notifications
from partnerskap.services.errors import Invalid, Refused
from tests.conftest import make_person, viewer
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
    assert f"{config.settings.public_url}/login" in mails_to(applicant.email)[0].body


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


# Applicants are never forgotten


def notifications_of(user: User) -> list[Notification]:
    with transaction() as session:
        return list(session.exec(select(Notification).where(Notification.user_id == user.id)).all())


def test_admin_is_notified_and_mailed_when_someone_applies(admin, member):
    user = register()
    accounts.confirm_email(confirm_link_token(user.email))
    told = notifications_of(admin)
    assert [(n.kind, n.link) for n in told] == [("application", "/admin")]
    assert notifications.text_of(told[0], "en") == "Frida applied for membership and waits for approval"
    assert [m.subject for m in mails_to(admin.email)] == ["Frida applied for membership and waits for approval"]
    assert notifications_of(member) == []


def test_admin_who_chose_a_digest_gets_the_application_in_it(admin):
    notifications.save_preferences(viewer(admin), kinds=["application"], frequency="daily")
    user = register()
    accounts.confirm_email(confirm_link_token(user.email))
    assert mails_to(admin.email) == []
    assert notifications.send_digests() == 1
    assert "Frida applied for membership" in mails_to(admin.email)[0].body


def test_nobody_is_told_of_an_application_under_the_open_policy(monkeypatch, admin):
    import dataclasses

    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, membership_policy="open"))
    user = register()
    accounts.confirm_email(confirm_link_token(user.email))
    assert notifications_of(admin) == []


def test_membership_list_shows_waiting_applicants_first_longest_waiting_first(admin, member, password_hash):
    unconfirmed = make_person(password_hash, "Erik", status=Status.UNCONFIRMED)
    early = make_person(password_hash, "Greta", status=Status.PENDING)
    late = make_person(password_hash, "Hanna", status=Status.PENDING)
    shown = membership.people(viewer(admin), status="")
    assert [user.name for user in shown.people][:3] == [early.name, late.name, unconfirmed.name]
    assert (shown.matching, shown.waiting) == (5, 3)


def test_admin_searches_a_thousand_applicants_page_by_page(admin, password_hash):
    with transaction() as session:
        for number in range(1000):
            session.add(User(email=f"applicant{number}@example.org", name=f"Applicant {number}", password_hash=password_hash, status=Status.PENDING, terms_accepted_at=utcnow()))
    first = membership.people(viewer(admin))
    assert (len(first.people), first.matching, first.waiting) == (membership.PAGE_SIZE, 1000, 1000)
    last = membership.people(viewer(admin), page=49)
    assert [user.name for user in last.people][-1] == "Applicant 999"
    found = membership.people(viewer(admin), search="APPLICANT99")
    assert sorted(user.name for user in found.people) == ["Applicant 99"] + [f"Applicant {n}" for n in range(990, 1000)]


def test_member_cannot_list_applicants(member):
    with pytest.raises(Refused, match="Only administrators can do this."):
        membership.people(viewer(member))
