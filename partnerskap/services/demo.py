"""The first administrator and demo content, so a new instance has something to show."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.models import Activity, Area, ContentItem, Membership, Network, Profile, ProfileLanguage, ProfileTheme, Role, Status, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import accessibility, activities, areas, calendar, content, discussions, moderation, networks, passwords, search_index, workspaces
from partnerskap.services.sessions import Viewer

DEMO_WORKSPACE = "Uudet tulijat Helsingissä – Nyanlända i Helsingfors"

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


def create_first_admin(*, email: str, password: str, name: str = "Administrator") -> bool:
    """Create the administrator under the name chosen at setup unless anyone with that e-mail exists; True if created."""
    email = email.strip().lower()
    with transaction() as session:
        if session.exec(select(User).where(User.email == email)).first():
            return False
        session.add(
            User(
                email=email,
                name=name,
                password_hash=passwords.hash_password(password),
                status=Status.APPROVED,
                role=Role.ADMIN,
                email_confirmed_at=utcnow(),
                terms_accepted_at=utcnow(),
            )
        )
    return True


def seed() -> None:
    """Add demo members (one still waiting for approval) with profiles, a demo workspace with a discussion, an event and
    two moderation cases (one open, one decided), a barrier reported through the accessibility statement, public news, pages, events and activities, two networks and an
    open area with discussions, once.

    Demo members cannot log in until they reset their password; the first administrator owns the workspace and
    publishes the demo activities that Aino and Erik submitted.
    """
    _seed_people()
    _seed_workspace()
    _seed_content()
    _seed_activities()
    _seed_profiles()
    _seed_networks_and_area()


def _seed_workspace() -> None:
    with transaction() as session:
        if session.exec(select(Workspace).where(Workspace.name_key == workspaces.name_key(DEMO_WORKSPACE))).first():
            return
        admin = session.exec(select(User).where(User.role == Role.ADMIN).order_by(User.id)).first()
        aino = session.exec(select(User).where(User.email == DEMO_PEOPLE[0][0])).first()
        erik = session.exec(select(User).where(User.email == DEMO_PEOPLE[1][0])).first()
    if admin is None or aino is None or erik is None:
        return
    owner = Viewer.of(admin)
    workspace = workspaces.create(
        owner,
        workspaces.WorkspaceForm(
            name=DEMO_WORKSPACE,
            purpose="Järjestöjen ja kuntien yhteinen työtila pääkaupunkiseudun vastaanottotyöhön. Ett gemensamt arbetsrum för mottagningsarbetet i huvudstadsregionen.",
            description="**Esimerkkityötila**: aloita keskustelu, lisää tapahtuma tai lataa asiakirja.\n\n**Ett exempel**: starta en diskussion, lägg till ett evenemang eller ladda upp ett dokument.\n\n**A demo** workspace: start a discussion, add an event or upload a document.",
            access="request",
        ),
    )
    with transaction() as session:
        session.add_all([Membership(workspace_id=workspace.id, user_id=aino.id), Membership(workspace_id=workspace.id, user_id=erik.id)])
    thread = discussions.start_thread(
        owner, workspace.id, "Tervetuloa! – Välkommen!", "Esittele itsesi ja organisaatiosi täällä. Presentera dig och din organisation här. Introduce yourself here.", discussions.new_key()
    )
    [greeting] = discussions.reply(Viewer.of(aino), thread.id, "Hei! Pidämme suomen kielen keskusteluryhmiä tiistaisin Kalliossa. Tervetuloa mukaan!", discussions.new_key())
    discussions.reply(Viewer.of(erik), thread.id, "Hej! Vi på Föreningen Välkommen ordnar läxhjälp på svenska varje torsdag. Hör av er om ni vill samarbeta.", discussions.new_key())
    [offer] = discussions.reply(owner, thread.id, "Edullisia asuntoja uusille tulijoille, kirjoita minulle yksityisesti!", discussions.new_key())
    decided = moderation.report(Viewer.of(aino), "post", offer.id, "spam", "Näyttää mainokselta.")
    moderation.decide(owner, decided.id, "dismiss", "Kumppanijärjestön todellinen tarjous.")
    moderation.report(owner, "post", greeting.id, "other", "Esimerkki: avoin tapaus moderointijonoon.")
    # What a barrier reported through the accessibility statement looks like to the administrators.
    accessibility.send_feedback(Viewer.of(aino), "Esimerkki: kalenterin päivämääräkentät ovat hankalia ruudunlukijalla.", "", "demo")
    calendar.add_event(
        owner,
        workspace.id,
        calendar.EventForm(
            title="Verkostotapaaminen – Nätverksträff",
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
def _seed_profiles() -> None:
    with transaction() as session:
        for email, title, organisation_type, region, themes, languages, public in DEMO_PROFILES:
            user = session.exec(select(User).where(User.email == email)).first()
            if user is None or session.get(Profile, user.id) is not None:
                continue
            profile = Profile(user_id=user.id, title=title, organisation_type=organisation_type, region=region, public=public, public_title=public, public_themes=public)
            session.add(profile)
            session.add_all([ProfileTheme(user_id=user.id, theme=theme) for theme in themes])
            session.add_all([ProfileLanguage(user_id=user.id, language=code) for code in languages])
            if user.status == Status.APPROVED:
                search_index.put_person(session, user, profile)


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
