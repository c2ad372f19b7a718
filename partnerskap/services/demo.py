"""The first administrator and demo content, so a new instance has something to show."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.models import Membership, Role, Status, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import calendar, discussions, moderation, passwords, workspaces
from partnerskap.services.sessions import Viewer

DEMO_WORKSPACE = "Welcoming newcomers in Helsinki"

DEMO_PEOPLE = [
    ("aino.virtanen@example.org", "Aino Virtanen", "Helsingin kotoutumiskeskus", Status.APPROVED),
    ("erik.lindqvist@example.org", "Erik Lindqvist", "Föreningen Välkommen rf", Status.APPROVED),
    ("samira.haddad@example.org", "Samira Haddad", "Refugee Support Network", Status.PENDING),
]


def create_first_admin(*, email: str, password: str) -> bool:
    """Create the administrator unless anyone with that e-mail exists; True if created."""
    email = email.strip().lower()
    with transaction() as session:
        if session.exec(select(User).where(User.email == email)).first():
            return False
        session.add(
            User(
                email=email,
                name="Administrator",
                password_hash=passwords.hash_password(password),
                status=Status.APPROVED,
                role=Role.ADMIN,
                email_confirmed_at=utcnow(),
                terms_accepted_at=utcnow(),
            )
        )
    return True


def seed() -> None:
    """Add demo members (one still waiting for approval) and a demo workspace with a discussion, an event and two moderation cases (one open, one decided), once.

    Demo members cannot log in until they reset their password; the first administrator owns the workspace.
    """
    _seed_people()
    _seed_workspace()


def _seed_workspace() -> None:
    with transaction() as session:
        if session.exec(select(Workspace).where(Workspace.name_key == workspaces.name_key(DEMO_WORKSPACE))).first():
            return
        admin = session.exec(select(User).where(User.role == Role.ADMIN).order_by(User.id)).first()
        aino = session.exec(select(User).where(User.email == DEMO_PEOPLE[0][0])).first()
    if admin is None or aino is None:
        return
    owner = Viewer.of(admin)
    workspace = workspaces.create(
        owner,
        workspaces.WorkspaceForm(
            name=DEMO_WORKSPACE,
            purpose="Sharing practice between organisations that welcome newcomers in the Helsinki region.",
            description="A **demo** workspace: start a discussion, add an event or upload a document.",
            access="request",
        ),
    )
    with transaction() as session:
        session.add(Membership(workspace_id=workspace.id, user_id=aino.id))
    thread = discussions.start_thread(owner, workspace.id, "Welcome!", "Introduce yourself and your organisation here.", discussions.new_key())
    [greeting] = discussions.reply(Viewer.of(aino), thread.id, "Hei! We run Finnish conversation groups on Tuesdays.", discussions.new_key())
    [offer] = discussions.reply(owner, thread.id, "Cheap flats for newcomers, write to me privately!", discussions.new_key())
    decided = moderation.report(Viewer.of(aino), "post", offer.id, "spam", "Looks like an advertisement.")
    moderation.decide(owner, decided.id, "dismiss", "A real offer from a partner organisation.")
    moderation.report(owner, "post", greeting.id, "other", "Demo: an open case for the moderation queue.")
    calendar.add_event(
        owner,
        workspace.id,
        calendar.EventForm(
            title="Network meeting",
            starts=(utcnow() + timedelta(days=14)).strftime("%Y-%m-%dT10:00"),
            ends=(utcnow() + timedelta(days=14)).strftime("%Y-%m-%dT12:00"),
            place="Helsinki",
        ),
    )


def _seed_people() -> None:
    with transaction() as session:
        for email, name, organisation, status in DEMO_PEOPLE:
            if session.exec(select(User).where(User.email == email)).first():
                continue
            session.add(
                User(
                    email=email,
                    name=name,
                    organisation=organisation,
                    password_hash="!demo",
                    status=status,
                    email_confirmed_at=utcnow(),
                    terms_accepted_at=utcnow(),
                )
            )
