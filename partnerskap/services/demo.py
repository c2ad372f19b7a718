"""The first administrator and demo content, so a new instance has something to show."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.models import ContentItem, Membership, Role, Status, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import calendar, content, discussions, moderation, passwords, workspaces
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
    """Add demo members (one still waiting for approval), a demo workspace with a discussion, an event and two moderation cases (one open, one decided), and public news, pages and events, once.

    Demo members cannot log in until they reset their password; the first administrator owns the workspace.
    """
    _seed_people()
    _seed_workspace()
    _seed_content()


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


def _days_ahead(days: int, hour: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime(f"%Y-%m-%d {hour:02d}:00")


# (kind, slug, event (starts, ends, place, online) or None, {language: (title, description, body)}, {language: plain version})
DEMO_CONTENT = [
    (
        "page",
        "about",
        None,
        {
            "fi": ("Tietoa alustasta", "Kumppanuusalusta kokoaa kotoutumisen parissa työskentelevät toimijat.", "Kumppanuusalusta on kohtaamispaikka järjestöille, kunnille ja viranomaisille, jotka tekevät **kotoutumisen**, maahanmuuton ja pakolaisten vastaanoton työtä.\n\n- Jaa tietoa ja hyviä käytäntöjä\n- Muodosta verkostoja\n- Tee yhteistyötä työtiloissa"),
            "sv": ("Om plattformen", "Partnerskapsplattformen samlar aktörer inom integration.", "Partnerskapsplattformen är en mötesplats för organisationer, kommuner och myndigheter som arbetar med **integration**, invandring och flyktingmottagning.\n\n- Dela information och goda exempel\n- Bygg nätverk\n- Samarbeta i arbetsrum"),
            "en": ("About the platform", "The Partnership Platform brings together those who work on integration.", "The Partnership Platform is a meeting place for organisations, municipalities and authorities working on **integration**, immigration and refugee reception.\n\n- Share information and good practice\n- Build networks\n- Work together in workspaces"),
        },
        {"fi": ("Mikä on Kumppanuusalusta?", "Tämä on paikka, jossa ihmiset ja järjestöt tekevät yhdessä työtä. Työ auttaa uusia asukkaita Suomessa.")},
    ),
    (
        "news",
        "kotoutumislaki-2025",
        None,
        {
            "fi": ("Uusi kotoutumislaki voimaan", "Kunnat vastaavat kotoutumispalveluista vuoden 2025 alusta.", "Uusi laki kotoutumisen edistämisestä tuli voimaan **1.1.2025**. Kunnat vastaavat nyt kotoutumispalveluista, ja järjestöjen rooli korostuu.\n\nLue lisää: [kotoutuminen.fi](https://kotoutuminen.fi)"),
            "sv": ("Ny integrationslag i kraft", "Kommunerna ansvarar för integrationstjänsterna från början av 2025.", "Den nya lagen om främjande av integration trädde i kraft **1.1.2025**. Kommunerna ansvarar nu för integrationstjänsterna, och organisationernas roll blir viktigare.\n\nLäs mer: [kotoutuminen.fi](https://kotoutuminen.fi/sv)"),
            "en": ("New Integration Act in force", "Municipalities are responsible for integration services from the start of 2025.", "The new Act on the Promotion of Integration came into force on **1 January 2025**. Municipalities are now responsible for integration services, and the role of organisations grows.\n\nRead more: [kotoutuminen.fi](https://kotoutuminen.fi/en)"),
        },
        {
            "fi": ("Uusi laki kotoutumisesta", "Suomessa on uusi laki. Laki kertoo, miten uudet asukkaat saavat apua. Nyt kunta auttaa."),
            "sv": ("En ny lag om integration", "Finland har en ny lag. Lagen säger hur nya invånare får hjälp. Nu hjälper kommunen."),
        },
    ),
    (
        "news",
        "kevatseminaari-ilmoittautuminen",
        None,
        {
            "fi": ("Ilmoittautuminen kevätseminaariin on auki", "Kevätseminaarin aiheena on kieli työelämässä.", "Kevätseminaari kokoaa toimijat keskustelemaan siitä, miten **kieli ja työ** kulkevat yhdessä. Ilmoittaudu tapahtumasivulla."),
            "sv": ("Anmälan till vårseminariet har öppnat", "Vårseminariets tema är språk i arbetslivet.", "Vårseminariet samlar aktörer för att diskutera hur **språk och arbete** hör ihop. Anmäl dig på evenemangssidan."),
        },
        {},
    ),
    (
        "event",
        "kevatseminaari",
        (30, 38, "Säätytalo, Snellmaninkatu 9–11, Helsinki", "https://example.org/live"),
        {
            "fi": ("Kevätseminaari: kieli työelämässä", "Seminaari kotoutumisen parissa työskenteleville.", "Ohjelmassa puheenvuoroja, paneeli ja verkostoitumista. Seminaari striimataan."),
            "sv": ("Vårseminarium: språk i arbetslivet", "Seminarium för dem som arbetar med integration.", "På programmet står anföranden, en panel och nätverkande. Seminariet strömmas."),
            "en": ("Spring seminar: language at work", "A seminar for those working on integration.", "Talks, a panel and networking. The seminar is streamed."),
        },
        {},
    ),
    (
        "event",
        "verkostoaamu",
        (9, 9, "", "https://example.org/meet"),
        {
            "fi": ("Verkostoaamu verkossa", "Tunnin aamukahvit: mitä verkostoissa tapahtuu.", "Tervetuloa kuulemaan ajankohtaiset kuulumiset ja esittelemään oma toimintasi."),
            "en": ("Online network morning", "A one-hour morning coffee: news from the networks.", "Come and hear the latest and present your own work."),
        },
        {},
    ),
]


def _seed_content() -> None:
    with transaction() as session:
        if session.exec(select(ContentItem)).first() is not None:
            return
        admin = session.exec(select(User).where(User.role == Role.ADMIN).order_by(User.id)).first()
    if admin is None:
        return
    editor = Viewer.of(admin)
    for kind, slug, event, texts, plain in DEMO_CONTENT:
        when = {}
        if event is not None:
            days, _, place, online = event
            when = {"starts": _days_ahead(days, 9), "ends": _days_ahead(days, 12 if days == 9 else 16), "place": place, "online_url": online}
        item = content.save_item(editor, 0, content.ItemForm(kind=kind, slug=slug, default_language="fi", **when))
        for language, (title, description, body) in texts.items():
            content.save_version(editor, item.id, content.VersionForm(language=language, title=title, description=description, body=body))
        for language, (title, body) in plain.items():
            content.save_version(editor, item.id, content.VersionForm(language=language, plain=True, title=title, body=body))
        content.publish(editor, item.id)
    content.set_service_links(
        editor,
        [
            ("Kotoutuminen.fi", "Integration.fi", "Integration.fi", "https://kotoutuminen.fi"),
            ("InfoFinland", "InfoFinland", "InfoFinland", "https://www.infofinland.fi"),
            ("Maahanmuuttovirasto", "Migrationsverket", "Finnish Immigration Service", "https://migri.fi"),
        ],
    )
