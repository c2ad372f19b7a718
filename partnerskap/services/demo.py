"""The first administrator and demo content, so a new instance has something to show."""

from __future__ import annotations

from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.models import Role, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import passwords

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
    """Add demo members (one still waiting for approval) once; they cannot log in until they reset a password."""
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
