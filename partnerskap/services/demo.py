"""The first administrator and demo content, so a new instance has something to show."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.models import Activity, Membership, Role, Status, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import activities, calendar, discussions, passwords, workspaces
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
    """Add demo members (one still waiting for approval) and a demo workspace with a discussion and an event, once.

    Demo members cannot log in until they reset their password; the first administrator owns the workspace and
    publishes the demo activities that Aino and Erik submitted.
    """
    _seed_people()
    _seed_workspace()
    _seed_activities()


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


DEMO_ACTIVITIES = [
    activities.ActivityForm(
        organisation="Helsingin kotoutumiskeskus",
        contact_person="Aino Virtanen",
        contact_email="kielikahvila@example.org",
        name_fi="Kielikahvila Kalliossa",
        name_sv="Språkcafé i Berghäll",
        name_en="Language café in Kallio",
        description_fi="Harjoittele suomea rennosti kahvikupin ääressä. Kaikki tasot ovat tervetulleita, **ilmoittautumista ei tarvita**.",
        description_sv="Öva finska i lugn och ro över en kopp kaffe. Alla nivåer är välkomna, **ingen anmälan behövs**.",
        description_en="Practise Finnish over a cup of coffee. Every level is welcome, **no need to register**.",
        plain_fi="Puhumme suomea. Kahvi on ilmainen. Tule, kun haluat.",
        kind="language-cafe",
        municipality="helsinki",
        address="Helsinginkatu 25, 00530 Helsinki",
        latitude="60.1841",
        longitude="24.9496",
        languages=("fi", "en"),
        target_groups=("adults", "newcomers"),
        themes=("language",),
        recurrence="weekly",
        days=("tue",),
        start_date="2026-01-06",
        start_time="17:30",
        end_time="19:00",
        step_free=True,
        hearing_loop=True,
    ),
    activities.ActivityForm(
        organisation="Föreningen Välkommen rf",
        contact_person="Erik Lindqvist",
        contact_email="familj@example.org",
        name_fi="Perhekerho Turussa",
        name_sv="Familjeklubb i Åbo",
        name_en="Family club in Turku",
        description_fi="Leikkiä lapsille ja vertaistukea vanhemmille. Tulkkaus arabiaksi ja somaliksi.",
        description_sv="Lek för barnen och kamratstöd för föräldrarna. Tolkning till arabiska och somaliska.",
        description_en="Play for children and peer support for parents. Interpretation into Arabic and Somali.",
        kind="club",
        municipality="turku",
        address="Aurakatu 8, 20100 Turku",
        latitude="60.4518",
        longitude="22.2666",
        languages=("fi", "sv", "ar", "so"),
        target_groups=("families", "children"),
        themes=("family",),
        recurrence="weekly",
        days=("thu",),
        start_date="2026-01-08",
        start_time="10:00",
        end_time="12:00",
        childcare=True,
        interpretation=True,
        step_free=True,
    ),
    activities.ActivityForm(
        organisation="Refugee Support Network",
        contact_person="Aino Virtanen",
        name_fi="Neuvontaa verkossa: työnhaku",
        name_en="Online advice: finding work",
        description_fi="Apua CV:n kirjoittamiseen ja työnhakuun videoyhteydellä.",
        description_en="Help with your CV and job search over video.",
        kind="advice",
        municipality="tampere",
        online=True,
        online_url="https://meet.example.org/tyonhaku",
        languages=("fi", "en", "uk"),
        target_groups=("adults",),
        themes=("work",),
        recurrence="monthly",
        days=("mon",),
        week_of_month="1",
        start_date="2026-01-05",
        start_time="13:00",
        end_time="15:00",
        registration_required=True,
    ),
]


def _seed_activities() -> None:
    with transaction() as session:
        if session.exec(select(Activity)).first():
            return
        admin = session.exec(select(User).where(User.role == Role.ADMIN).order_by(User.id)).first()
        organisers = [session.exec(select(User).where(User.email == email)).first() for email, *_rest in DEMO_PEOPLE[:2]]
    if admin is None or None in organisers:
        return
    for index, form in enumerate(DEMO_ACTIVITIES):
        activity, _warnings = activities.save(Viewer.of(organisers[index % 2]), form, for_review=True)
        activities.approve(Viewer.of(admin), activity.id)
