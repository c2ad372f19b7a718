"""People: one's own profile, the member directory and a member's page."""

from __future__ import annotations

from partnerskap import offload
from partnerskap.i18n import N_
from partnerskap.schemas import Choice, PersonCardPublic, PlaceLink
from partnerskap.services import people
from partnerskap.services.people_lists import ORGANISATION_TYPE, REGION, THEME
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded


def _text(form: dict, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _ticked(form: dict, prefix: str) -> list[str]:
    """The keys of the ticked checkboxes named `prefix-key`."""
    return sorted(name.removeprefix(prefix) for name, value in form.items() if isinstance(name, str) and name.startswith(prefix) and value not in ("", False, None, "off"))


def _choices(options, chosen: list[str] | str) -> list[Choice]:
    chosen = [chosen] if isinstance(chosen, str) else chosen
    return [Choice(key=option.key, label=option.label, chosen=option.key in chosen) for option in options]


class ProfileState(AppState):
    """The viewer's own profile form."""

    profile_name: str = ""
    profile_organisation: str = ""
    title: str = ""
    bio: str = ""
    organisation_type: str = ""
    region: str = ""
    organisation_types: list[Choice] = []
    regions: list[Choice] = []
    themes: list[Choice] = []
    languages: list[Choice] = []
    visibility: list[Choice] = []
    public: bool = False
    show_email: bool = False
    messages_from: str = "everyone"
    loaded: bool = False

    @guarded(Access.MEMBER, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the form with the viewer's profile and the lists it chooses from."""
        await self._fill(viewer)

    async def _fill(self, viewer: Viewer) -> None:
        own, lists = await offload.read(people.own_profile, viewer), await offload.read(people.lists, self.lang)
        self.profile_name, self.profile_organisation, self.title, self.bio = own.name, own.organisation, own.title, own.bio
        self.organisation_type, self.region = own.organisation_type, own.region
        self.organisation_types = _choices(lists[ORGANISATION_TYPE], own.organisation_type)
        self.regions = _choices(lists[REGION], own.region)
        self.themes = _choices(lists[THEME], own.themes)
        self.languages = _choices(people.spoken_languages(self.lang), own.languages)
        self.visibility = [Choice(key=name, label=name, chosen=name in own.public_fields) for name in people.PUBLIC_FIELDS]
        self.public, self.show_email, self.messages_from = own.public, own.show_email, own.messages_from
        self.loaded = True

    @guarded(Access.MEMBER)
    async def save(self, viewer: Viewer, form: dict):
        """Save the profile: every field and who may see it."""
        sent = people.OwnProfile(
            name=_text(form, "name"),
            organisation=_text(form, "organisation"),
            title=_text(form, "title"),
            organisation_type=_text(form, "organisation_type"),
            region=_text(form, "region"),
            bio=_text(form, "bio"),
            themes=_ticked(form, "theme-"),
            languages=_ticked(form, "language-"),
            show_email=bool(form.get("show_email")),
            messages_from="shared" if _text(form, "messages_from") == "shared" else "everyone",
            public=bool(form.get("public")),
            public_fields=[name for name in _ticked(form, "public-") if name in people.PUBLIC_FIELDS],
        )
        await offload.write(people.save_profile, viewer, sent)
        await self._fill(viewer)
        self.viewer_name = sent.name.strip() or self.viewer_name
        self._say(N_("Your profile was saved."))


class PeopleState(AppState):
    """The member directory and a member's page."""

    cards: list[PersonCardPublic] = []
    count: int = 0
    page: int = 1
    pages: int = 1
    theme: str = ""
    region: str = ""
    organisation_type: str = ""
    language: str = ""
    text: str = ""
    theme_options: list[Choice] = []
    region_options: list[Choice] = []
    organisation_type_options: list[Choice] = []
    language_options: list[Choice] = []
    person: PersonCardPublic = PersonCardPublic(id=0, name="", initials="", organisation="", organisation_type="", title="", region="", themes="", languages="", bio="")
    person_networks: list[PlaceLink] = []
    person_workspaces: list[PlaceLink] = []
    person_email: str = ""
    can_write: bool = False
    is_self: bool = False
    found: bool = False

    async def _search(self, viewer: Viewer | None) -> None:
        filters = people.Filters(theme=self.theme, region=self.region, organisation_type=self.organisation_type, language=self.language, text=self.text)
        found = await offload.read(people.directory, viewer, filters, page=self.page, language=self.lang)
        self.cards = [PersonCardPublic.of(card) for card in found.people]
        self.count, self.page, self.pages = found.count, found.page, found.pages

    async def _options(self) -> None:
        lists = await offload.read(people.lists, self.lang)
        self.theme_options = _choices(lists[THEME], self.theme)
        self.region_options = _choices(lists[REGION], self.region)
        self.organisation_type_options = _choices(lists[ORGANISATION_TYPE], self.organisation_type)
        self.language_options = _choices(people.spoken_languages(self.lang), self.language)

    @guarded(Access.PUBLIC, loads_page=True)
    async def load_directory(self, viewer: Viewer | None):
        """The first page of the directory (visitors see only members who made themselves public)."""
        self.page = 1
        await self._options()
        await self._search(viewer)

    @guarded(Access.PUBLIC)
    async def search(self, viewer: Viewer | None, form: dict):
        """Search with the filters chosen, from the first page."""
        self.theme, self.region = _text(form, "theme")[:64], _text(form, "region")[:64]
        self.organisation_type, self.language = _text(form, "organisation_type")[:64], _text(form, "language")[:16]
        self.text = _text(form, "text")[:100]
        self.page = 1
        await self._options()
        await self._search(viewer)

    @guarded(Access.PUBLIC)
    async def turn_page(self, viewer: Viewer | None, step: int):
        """Show the next (1) or previous (-1) page of results."""
        self.page = max(1, self.page + (1 if step == 1 else -1))
        await self._search(viewer)

    @guarded(Access.PUBLIC, loads_page=True)
    async def load_person(self, viewer: Viewer | None):
        """A member's page: what the viewer may see of them, their networks, shared workspaces, how to reach them."""
        self.found = False
        found = await offload.read(people.person, viewer, self._route_id("person_id"), language=self.lang)
        self.person = PersonCardPublic.of(found.card)
        self.person_networks = [PlaceLink(id=network_id, name=name) for network_id, name in found.networks]
        self.person_workspaces = [PlaceLink(id=workspace_id, name=name) for workspace_id, name in found.shared_workspaces]
        self.person_email, self.can_write, self.is_self = found.email, found.can_write, found.is_self
        self.found = True


class ListsState(AppState):
    """The lists profiles choose from, for administrators to extend."""

    organisation_types: list[Choice] = []
    regions: list[Choice] = []
    themes: list[Choice] = []

    async def _load(self) -> None:
        lists = await offload.read(people.lists, self.lang)
        self.organisation_types, self.regions, self.themes = (_choices(lists[kind], []) for kind in (ORGANISATION_TYPE, REGION, THEME))

    @guarded(Access.ADMIN, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the lists."""
        await self._load()

    @guarded(Access.ADMIN, form="entry")
    async def add(self, viewer: Viewer, form: dict):
        """Add an entry to one list, named in three languages."""
        await offload.write(people.add_list_entry, viewer, _text(form, "kind"), _text(form, "key"), _text(form, "label_fi"), _text(form, "label_sv"), _text(form, "label_en"))
        await self._load()
        self._say(N_("The entry was added."))
