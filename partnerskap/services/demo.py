"""The first administrator and demo content, so a new instance has something to show."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.models import Area, Membership, Network, Profile, ProfileLanguage, ProfileTheme, Role, Status, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import areas, calendar, discussions, networks, passwords, workspaces
from partnerskap.services.sessions import Viewer

DEMO_WORKSPACE = "Welcoming newcomers in Helsinki"

DEMO_PEOPLE = [
    ("aino.virtanen@example.org", "Aino Virtanen", "Helsingin kotoutumiskeskus", Status.APPROVED),
    ("erik.lindqvist@example.org", "Erik Lindqvist", "Föreningen Välkommen rf", Status.APPROVED),
    ("samira.haddad@example.org", "Samira Haddad", "Refugee Support Network", Status.PENDING),
]
# Demo profiles: e-mail, title, organisation type, region, themes, languages, public (name, title and themes only).
DEMO_PROFILES = [
    ("aino.virtanen@example.org", "Kotoutumiskoordinaattori", "municipality", "uusimaa", ("integration", "language-learning"), ("fi", "en"), True),
    ("erik.lindqvist@example.org", "Verksamhetsledare", "ngo", "pohjanmaa", ("reception", "volunteering"), ("sv", "fi", "en"), False),
]
DEMO_AREA = "Ask the community"
# Demo networks: name, purpose, kind, the thread that opens its discussion and a reply (Finnish, Swedish, English).
DEMO_NETWORKS = [
    (
        "Vastaanottokeskukset Pohjanmaalla",
        "Pohjanmaan vastaanottokeskusten ja kuntien yhteinen verkosto.",
        "region",
        ("Talven vaatekeräys", "Kuka järjestää tänä vuonna vaatekeräyksen?"),
        "Vi i Vasa kan ta hand om insamlingen i år.",
    ),
    (
        "Language cafés",
        "Organisers of language cafés share materials and volunteers.",
        "theme",
        ("Materials for beginners", "Which materials work best for absolute beginners?"),
        "Selkokieliset kuvakortit ovat toimineet meillä hyvin.",
    ),
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
    """Add demo members (one still waiting for approval) and a demo workspace with a discussion and an event, once.

    Demo members cannot log in until they reset their password; the first administrator owns the workspace.
    """
    _seed_people()
    _seed_workspace()
    _seed_profiles()
    _seed_networks_and_area()


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
    discussions.reply(Viewer.of(aino), thread.id, "Hei! We run Finnish conversation groups on Tuesdays.", discussions.new_key())
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


def _seed_profiles() -> None:
    with transaction() as session:
        for email, title, organisation_type, region, themes, languages, public in DEMO_PROFILES:
            user = session.exec(select(User).where(User.email == email)).first()
            if user is None or session.get(Profile, user.id) is not None:
                continue
            session.add(Profile(user_id=user.id, title=title, organisation_type=organisation_type, region=region, public=public, public_title=public, public_themes=public))
            session.add_all([ProfileTheme(user_id=user.id, theme=theme) for theme in themes])
            session.add_all([ProfileLanguage(user_id=user.id, language=code) for code in languages])


def _seed_networks_and_area() -> None:
    with transaction() as session:
        admin = session.exec(select(User).where(User.role == Role.ADMIN).order_by(User.id)).first()
        aino = session.exec(select(User).where(User.email == DEMO_PEOPLE[0][0])).first()
        erik = session.exec(select(User).where(User.email == DEMO_PEOPLE[1][0])).first()
        seeded = session.exec(select(Area.id).where(Area.name_key == networks.name_key(DEMO_AREA))).first() is not None
        taken = set(session.exec(select(Network.name_key)).all())
    if admin is None or aino is None or erik is None or seeded:
        return
    first, other = Viewer.of(aino), Viewer.of(erik)
    for name, purpose, kind, (title, body), answer in DEMO_NETWORKS:
        if networks.name_key(name) in taken:
            continue
        network = networks.create(first, networks.NetworkForm(name=name, purpose=purpose, kind=kind))
        networks.join(other, network.id)
        thread = discussions.start_thread(first, network.id, title, body, discussions.new_key(), kind="network")
        discussions.reply(other, thread.id, answer, discussions.new_key())
    area = areas.create(Viewer.of(admin), DEMO_AREA, "Kysy yhteisöltä – fråga gemenskapen – ask everyone on the platform.")
    thread = discussions.start_thread(other, area.id, "Tulkkaus pienissä kunnissa?", "Hur ordnar ni tolkning i små kommuner? How do you arrange interpreting?", discussions.new_key(), kind="area")
    discussions.reply(first, thread.id, "Hyvinvointialueen tulkkikeskus auttaa – the wellbeing services county has an interpreting centre.", discussions.new_key())
