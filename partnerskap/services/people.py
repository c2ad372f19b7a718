"""Members' profiles, the directory that finds them, and the lists profiles choose from.

A member sees every approved member's profile; a visitor sees a member only when that member chose to be public,
and then only the fields the member made public, one by one. Filters follow the same rule: a visitor filtering by
region finds only members whose region is public, so a search never reveals a hidden field.
"""

from __future__ import annotations

import dataclasses

from babel import Locale
from sqlalchemy import bindparam, func, or_
from sqlmodel import Session, col, delete, select

from partnerskap.db import transaction
from partnerskap.i18n import LANGUAGES, N_, language_or_default
from partnerskap.models import (
    ListEntry,
    Membership,
    Network,
    NetworkMember,
    Profile,
    ProfileLanguage,
    ProfileTheme,
    Status,
    User,
    Workspace,
)
from partnerskap.models.accounts import folded
from partnerskap.models.base import utcnow
from partnerskap.services import accounts, audit, search_index
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.people_lists import (
    KINDS,
    ORGANISATION_TYPE,
    REGION,
    SPOKEN_LANGUAGES,
    THEME,
)
from partnerskap.services.permissions import require_admin, require_member
from partnerskap.services.sessions import Viewer

PAGE_SIZE = 20
TITLE_MAX = 120
BIO_MAX = 1000
THEMES_AT_MOST = 12
MESSAGES_FROM = ("everyone", "shared")
# The fields a member may make public one by one (their name is public when the profile is).
PUBLIC_FIELDS = ("picture", "organisation", "organisation_type", "title", "region", "languages", "themes", "bio")
HIDDEN_PERSON = N_("This person does not exist or has not made their profile public.")
NOT_ON_LIST = N_("Choose from the list.")

_DEFAULT = Profile(user_id=0)  # what a member who never filled in their profile has; only ever read


@dataclasses.dataclass(frozen=True)
class ListChoice:
    """One entry of a list, named in the reader's language."""

    key: str
    label: str


def _label(entry: ListEntry, language: str) -> str:
    return getattr(entry, f"label_{language_or_default(language)}")


def lists_in(session: Session, language: str) -> dict[str, list[ListChoice]]:
    """Every list profiles choose from, in order, named in the language."""
    found: dict[str, list[ListChoice]] = {kind: [] for kind in KINDS}
    for entry in session.exec(select(ListEntry).order_by(ListEntry.kind, ListEntry.position, ListEntry.id)).all():
        found.setdefault(entry.kind, []).append(ListChoice(entry.key, _label(entry, language)))
    return found


def lists(language: str) -> dict[str, list[ListChoice]]:
    """Every list profiles choose from, named in the language."""
    with transaction() as session:
        return lists_in(session, language)


# The spoken languages named in each interface language, from babel's data: a constant table, made once.
_SPOKEN = {language: tuple(ListChoice(code, Locale.parse(language).languages.get(code, code)) for code in SPOKEN_LANGUAGES) for language in LANGUAGES}


def spoken_languages(language: str) -> tuple[ListChoice, ...]:
    """The languages a member may say they speak, named in the reader's language."""
    return _SPOKEN[language_or_default(language)]


def add_list_entry(viewer: Viewer, kind: str, key: str, label_fi: str, label_sv: str, label_en: str) -> ListEntry:
    """An administrator adds an entry to one of the lists (audited)."""
    require_admin(viewer)
    if kind not in KINDS:
        raise Refused(N_("The request was not understood."))
    key = "-".join(key.casefold().split())
    labels = {"label_fi": " ".join(label_fi.split()), "label_sv": " ".join(label_sv.split()), "label_en": " ".join(label_en.split())}
    errors = {name: N_("Enter a name.") for name, label in labels.items() if not label}
    errors.update({name: N_("Use at most 120 characters.") for name, label in labels.items() if len(label) > 120})
    if not key or len(key) > 64:
        errors["key"] = N_("Enter a short identifier (at most 64 characters).")
    if errors:
        raise Invalid(errors)
    with transaction() as session:
        if session.exec(select(ListEntry.id).where(ListEntry.kind == kind, ListEntry.key == key)).first() is not None:
            raise Invalid({"key": N_("This identifier is already on the list.")})
        position = session.exec(select(func.coalesce(func.max(ListEntry.position), 0)).where(ListEntry.kind == kind)).one() + 1
        entry = ListEntry(kind=kind, key=key, position=position, **labels)
        session.add(entry)
        audit.record(actor_id=viewer.id, action=f"list.add.{kind}", reason=key, session=session)
        return entry


@dataclasses.dataclass(frozen=True)
class OwnProfile:
    """A member's own profile as the form edits it: every field and its visibility."""

    name: str
    organisation: str
    title: str
    organisation_type: str
    region: str
    bio: str
    themes: list[str]
    languages: list[str]
    show_email: bool
    messages_from: str
    public: bool
    public_fields: list[str]


def own_profile(viewer: Viewer) -> OwnProfile:
    """The viewer's own profile, for editing."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, viewer.id)
        profile = session.get(Profile, viewer.id) or _DEFAULT
        return OwnProfile(
            name=user.name,
            organisation=user.organisation,
            title=profile.title,
            organisation_type=profile.organisation_type,
            region=profile.region,
            bio=profile.bio,
            themes=_themes(session, [viewer.id]).get(viewer.id, []),
            languages=_languages(session, [viewer.id]).get(viewer.id, []),
            show_email=profile.show_email,
            messages_from=profile.messages_from,
            public=profile.public,
            public_fields=[name for name in PUBLIC_FIELDS if getattr(profile, f"public_{name}")],
        )


def save_profile(viewer: Viewer, form: OwnProfile) -> None:
    """Save the viewer's own profile; anything not on the lists is refused next to its field and nothing changes."""
    require_member(viewer)
    errors: dict[str, str] = {}
    title, bio = " ".join(form.title.split()), form.bio.strip()
    if len(title) > TITLE_MAX:
        errors["title"] = N_("Use at most 120 characters.")
    if len(bio) > BIO_MAX:
        errors["bio"] = N_("Use at most 1000 characters.")
    if form.messages_from not in MESSAGES_FROM or any(name not in PUBLIC_FIELDS for name in form.public_fields):
        raise Refused(N_("The request was not understood."))
    if any(code not in SPOKEN_LANGUAGES for code in form.languages):
        errors["languages"] = NOT_ON_LIST
    if len(set(form.themes)) > THEMES_AT_MOST:
        errors["themes"] = N_("Choose at most 12 themes.")
    try:
        accounts.check_profile(form.name, form.organisation)
    except Invalid as invalid:
        errors.update(invalid.errors)
    with transaction() as session:
        keys = {kind: {choice.key for choice in choices} for kind, choices in lists_in(session, "en").items()}
        if form.organisation_type and form.organisation_type not in keys[ORGANISATION_TYPE]:
            errors["organisation_type"] = NOT_ON_LIST
        if form.region and form.region not in keys[REGION]:
            errors["region"] = NOT_ON_LIST
        if not set(form.themes) <= keys[THEME]:
            errors["themes"] = NOT_ON_LIST
        if errors:
            raise Invalid(errors)
        user = session.get(User, viewer.id)
        user.name, user.organisation = " ".join(form.name.split()), form.organisation.strip()
        session.add(user)
        profile = session.get(Profile, viewer.id) or Profile(user_id=viewer.id)
        profile.title, profile.bio = title, bio
        profile.organisation_type, profile.region = form.organisation_type, form.region
        profile.show_email, profile.messages_from, profile.public = bool(form.show_email), form.messages_from, bool(form.public)
        for name in PUBLIC_FIELDS:
            setattr(profile, f"public_{name}", name in form.public_fields)
        profile.updated_at = utcnow()
        session.add(profile)
        session.exec(delete(ProfileTheme).where(col(ProfileTheme.user_id) == viewer.id))
        session.exec(delete(ProfileLanguage).where(col(ProfileLanguage.user_id) == viewer.id))
        session.add_all([ProfileTheme(user_id=viewer.id, theme=theme) for theme in sorted(set(form.themes))])
        session.add_all([ProfileLanguage(user_id=viewer.id, language=code) for code in sorted(set(form.languages))])
        search_index.put_person(session, user, profile)


@dataclasses.dataclass(frozen=True)
class PersonCard:
    """A member as the viewer may see them: hidden fields are empty, never filled in."""

    id: int
    name: str
    organisation: str
    organisation_type: str
    title: str
    region: str
    themes: list[str]
    languages: list[str]
    bio: str
    picture: bool


@dataclasses.dataclass(frozen=True)
class Filters:
    """What the directory is asked for; empty strings mean any."""

    theme: str = ""
    region: str = ""
    organisation_type: str = ""
    language: str = ""
    text: str = ""


@dataclasses.dataclass(frozen=True)
class DirectoryPage:
    """One page of the directory and how many match in all."""

    people: list[PersonCard]
    count: int
    page: int
    pages: int


def findable(viewer: Viewer | None):
    """Whom the viewer may find: every approved member for members, only public profiles for visitors."""
    condition = col(User.status) == Status.APPROVED
    return condition if viewer is not None and viewer.is_member else condition & (col(Profile.public).is_(True))


def _filtered(viewer: Viewer | None, filters: Filters):
    """The conditions of a search; for visitors each filter looks only at fields their members made public."""
    public = viewer is None or not viewer.is_member
    conditions = [findable(viewer)]
    if filters.theme:
        conditions.append(col(User.id).in_(select(ProfileTheme.user_id).where(col(ProfileTheme.theme) == filters.theme)))
        if public:
            conditions.append(col(Profile.public_themes).is_(True))
    if filters.language:
        conditions.append(col(User.id).in_(select(ProfileLanguage.user_id).where(col(ProfileLanguage.language) == filters.language)))
        if public:
            conditions.append(col(Profile.public_languages).is_(True))
    if filters.region:
        conditions.append(col(Profile.region) == filters.region)
        if public:
            conditions.append(col(Profile.public_region).is_(True))
    if filters.organisation_type:
        conditions.append(col(Profile.organisation_type) == filters.organisation_type)
        if public:
            conditions.append(col(Profile.public_organisation_type).is_(True))
    if text := folded(filters.text)[:100]:
        in_organisation = col(User.organisation_key).contains(text, autoescape=True)
        conditions.append(or_(col(User.name_key).contains(text, autoescape=True), in_organisation & col(Profile.public_organisation).is_(True) if public else in_organisation))
    return conditions


def directory(viewer: Viewer | None, filters: Filters, *, page: int = 1, language: str = "fi") -> DirectoryPage:
    """Members matching every filter given, by name, a page at a time, with the count of all matches."""
    if viewer is not None:
        require_member(viewer)
    page = max(1, int(page)) if isinstance(page, int) else 1
    conditions = _filtered(viewer, filters)
    with transaction() as session:
        count = session.exec(select(func.count()).select_from(User).join(Profile, col(Profile.user_id) == col(User.id), isouter=True).where(*conditions)).one()
        rows = session.exec(
            select(User, Profile)
            .join(Profile, col(Profile.user_id) == col(User.id), isouter=True)
            .where(*conditions)
            .order_by(User.name, User.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        cards = _cards(session, viewer, rows, language)
    return DirectoryPage(cards, count, page, max(1, -(-count // PAGE_SIZE)))


def _cards(session: Session, viewer: Viewer | None, rows: list, language: str) -> list[PersonCard]:
    if not rows:
        return []
    ids = [user.id for user, _profile in rows]
    themes, languages = _themes(session, ids), _languages(session, ids)
    labels = {kind: {choice.key: choice.label for choice in choices} for kind, choices in lists_in(session, language).items()}
    spoken = {choice.key: choice.label for choice in spoken_languages(language)}
    cards = []
    for user, profile in rows:
        profile = profile or _DEFAULT
        shown = (lambda name: True) if viewer is not None and viewer.is_member else (lambda name, profile=profile: getattr(profile, f"public_{name}"))
        cards.append(
            PersonCard(
                id=user.id,
                name=user.name,
                organisation=user.organisation if shown("organisation") else "",
                organisation_type=labels[ORGANISATION_TYPE].get(profile.organisation_type, "") if shown("organisation_type") else "",
                title=profile.title if shown("title") else "",
                region=labels[REGION].get(profile.region, "") if shown("region") else "",
                themes=[labels[THEME].get(theme, theme) for theme in themes.get(user.id, [])] if shown("themes") else [],
                languages=[spoken.get(code, code) for code in languages.get(user.id, [])] if shown("languages") else [],
                bio=profile.bio if shown("bio") else "",
                picture=shown("picture"),
            )
        )
    return cards


def _themes(session: Session, user_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for user_id, theme in session.exec(select(ProfileTheme.user_id, ProfileTheme.theme).where(col(ProfileTheme.user_id).in_(user_ids)).order_by(ProfileTheme.theme)).all():
        found.setdefault(user_id, []).append(theme)
    return found


def _languages(session: Session, user_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for user_id, code in session.exec(select(ProfileLanguage.user_id, ProfileLanguage.language).where(col(ProfileLanguage.user_id).in_(user_ids))).all():
        found.setdefault(user_id, []).append(code)
    return found


@dataclasses.dataclass(frozen=True)
class PersonPage:
    """A member's page: their card, networks, the workspaces they share with the viewer, and how to reach them."""

    card: PersonCard
    networks: list[tuple[int, str]]
    shared_workspaces: list[tuple[int, str]]
    email: str
    can_write: bool
    is_self: bool


_SHARED_WORKSPACES = (
    select(Workspace.id, Workspace.name)
    .join(Membership, col(Membership.workspace_id) == col(Workspace.id))
    .where(col(Membership.user_id) == bindparam("person_id"), col(Workspace.id).in_(select(Membership.workspace_id).where(col(Membership.user_id) == bindparam("viewer_id"))))
    .order_by(Workspace.name)
)
_NETWORKS_OF = (
    select(Network.id, Network.name)
    .join(NetworkMember, col(NetworkMember.network_id) == col(Network.id))
    .where(col(NetworkMember.user_id) == bindparam("person_id"), col(NetworkMember.pending).is_(False), col(Network.merged_into).is_(None))
    .order_by(Network.name)
)
_SHARED_NETWORK = (
    select(NetworkMember.network_id)
    .where(col(NetworkMember.user_id) == bindparam("person_id"), col(NetworkMember.pending).is_(False))
    .where(col(NetworkMember.network_id).in_(select(NetworkMember.network_id).where(col(NetworkMember.user_id) == bindparam("viewer_id"), col(NetworkMember.pending).is_(False))))
    .limit(1)
)


def person(viewer: Viewer | None, person_id: int, *, language: str = "fi") -> PersonPage:
    """A member's page as the viewer may see it; a hidden member and a missing one get the same refusal."""
    if viewer is not None:
        require_member(viewer)
    if not isinstance(person_id, int) or isinstance(person_id, bool):
        raise Refused(HIDDEN_PERSON)
    with transaction() as session:
        row = session.exec(
            select(User, Profile).join(Profile, col(Profile.user_id) == col(User.id), isouter=True).where(col(User.id) == person_id, findable(viewer))
        ).first()
        if row is None:
            raise Refused(HIDDEN_PERSON)
        card = _cards(session, viewer, [row], language)[0]
        if viewer is None:
            return PersonPage(card, [], [], "", False, False)
        user, profile = row
        connection = session.connection()
        ids = {"person_id": person_id, "viewer_id": viewer.id}
        return PersonPage(
            card,
            [tuple(found) for found in connection.execute(_NETWORKS_OF, ids)],
            [tuple(found) for found in connection.execute(_SHARED_WORKSPACES, ids)] if person_id != viewer.id else [],
            user.email if (profile or _DEFAULT).show_email else "",
            person_id != viewer.id and _accepts_messages(session, profile or _DEFAULT, viewer.id, person_id),
            person_id == viewer.id,
        )


def shares_place(session: Session, one_id: int, other_id: int) -> bool:
    """Whether two members share a workspace or a network."""
    ids = {"person_id": other_id, "viewer_id": one_id}
    connection = session.connection()
    return connection.execute(_SHARED_WORKSPACES.limit(1), ids).first() is not None or connection.execute(_SHARED_NETWORK, ids).first() is not None


def _accepts_messages(session: Session, profile: Profile, sender_id: int, recipient_id: int) -> bool:
    return profile.messages_from == "everyone" or shares_place(session, sender_id, recipient_id)


def accepts_messages(session: Session, sender_id: int, recipient_id: int) -> bool:
    """Whether the recipient takes messages from the sender (some only from people they share a place with)."""
    return _accepts_messages(session, session.get(Profile, recipient_id) or _DEFAULT, sender_id, recipient_id)
