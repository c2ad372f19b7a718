"""Invitations by e-mail reach only the owner of the address: someone who registers it without confirming gets nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import Invitation, User
from partnerskap.schemas import PersonForAdmin
from partnerskap.services import accounts, mail, membership, workspaces
from partnerskap.services.errors import Refused
from partnerskap.state.admin import AdminState
from partnerskap.state.workspaces import WorkspaceState
from tests.handlers import Tab
from tests.conftest import viewer
from tests.refusals import NOT_FOUND
from tests.test_workspaces import closed_workspace, mails_to, role  # noqa: F401  (a fixture)

INVITED = "x@partner.example.org"


def register_as_invited() -> User:
    """Mallory registers the invited address, which she cannot read, and never confirms it."""
    user = accounts.register(
        accounts.Registration(name="Mallory", email=INVITED, organisation="", password="a long passphrase here", accepted_terms=True, language="en"),
        "203.0.113.66",
    )
    assert user is not None
    return user


def confirm_link_token(email: str) -> str:
    body = next(mail.readable_body(message) for message in reversed(mails_to(email)) if "/confirm?token=" in message.body)
    return body.split("/confirm?token=")[1].split()[0]


def test_approving_someone_who_registered_an_invited_address_unconfirmed_admits_them_nowhere(owner, admin, closed_workspace):
    workspaces.invite(viewer(owner), closed_workspace.id, INVITED)
    mallory = register_as_invited()
    membership.approve(viewer(admin), mallory.id)
    assert role(closed_workspace, mallory) is None
    with pytest.raises(Refused, match=NOT_FOUND):
        workspaces.place(viewer(mallory), closed_workspace.id)
    assert workspaces.listing(viewer(mallory)).invitations == []
    [invitation] = workspaces.invitations(viewer(owner), closed_workspace.id)
    with pytest.raises(Refused, match="This invitation is no longer valid."):
        workspaces.answer_invitation(viewer(mallory), invitation.id, accept=True)
    assert role(closed_workspace, mallory) is None


def test_an_approved_member_who_then_confirms_the_address_joins_the_workspace(owner, admin, closed_workspace):
    workspaces.invite(viewer(owner), closed_workspace.id, INVITED)
    invited = register_as_invited()
    membership.approve(viewer(admin), invited.id)
    assert role(closed_workspace, invited) is None
    accounts.confirm_email(confirm_link_token(INVITED))
    assert role(closed_workspace, invited) == "member"


def test_an_invitation_by_email_is_not_tied_to_an_account_whose_address_is_unconfirmed(owner, admin, closed_workspace):
    mallory = register_as_invited()
    membership.approve(viewer(admin), mallory.id)
    invitation = workspaces.invite(viewer(owner), closed_workspace.id, INVITED)
    assert invitation.user_id is None
    with pytest.raises(Refused, match=NOT_FOUND):
        workspaces.place(viewer(mallory), closed_workspace.id)


def test_an_unconfirmed_member_can_ask_for_a_new_confirmation_link(admin):
    invited = register_as_invited()
    membership.approve(viewer(admin), invited.id)
    accounts.resend_confirmation(invited.id)
    accounts.confirm_email(confirm_link_token(INVITED))
    with transaction() as session:
        assert session.get(User, invited.id).email_confirmed_at is not None


def test_the_membership_view_tells_administrators_the_address_is_unconfirmed(applicant):
    mallory = register_as_invited()
    with transaction() as session:
        people = {user.id: PersonForAdmin.of(user, "en") for user in session.exec(select(User)).all()}
    assert people[mallory.id].email_confirmed is False
    assert people[applicant.id].email_confirmed is True


async def test_an_admin_approving_an_unconfirmed_applicant_through_the_page_does_not_open_the_workspace(owner, admin, closed_workspace):
    workspaces.invite(viewer(owner), closed_workspace.id, INVITED)
    mallory = register_as_invited()
    approved, _ = await Tab.of(admin).call(AdminState, "approve", mallory.id)
    assert approved.notice == t("{name} is now a member.", approved.lang, name="Mallory")
    tab = Tab.of(mallory, path=f"/workspaces/{closed_workspace.id}?workspace_id={closed_workspace.id}")
    state, _ = await tab.call(WorkspaceState, "load")
    assert state.notice == t(NOT_FOUND, state.lang)
    with transaction() as session:
        assert session.exec(select(Invitation.status)).all() == ["pending"]
