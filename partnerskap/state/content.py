"""Information content: the public front page, news and events, and the editors' desk."""

from __future__ import annotations

import reflex as rx

from partnerskap import offload
from partnerskap.i18n import LANGUAGES, format_datetime
from partnerskap.models.base import utcnow
from partnerskap.schemas import (
    ContentRevisionPublic,
    ContentSummaryPublic,
    ContentVersionPublic,
    ParityRowPublic,
    ServiceLinkPublic,
)
from partnerskap.services import content, documents
from partnerskap.i18n import N_
from partnerskap.services.errors import Refused
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded

IMAGE_UPLOAD_ID = "content-image-upload"


class PublicContentState(AppState):
    """What visitors read: the front page, news and events lists, one item in every language it has."""

    organisation: str = ""  # the name is AppState.instance_name, which the header shows too
    front_loaded: bool = False
    pages: list[ContentSummaryPublic] = []
    news: list[ContentSummaryPublic] = []
    events: list[ContentSummaryPublic] = []
    past_events: list[ContentSummaryPublic] = []
    services: list[ServiceLinkPublic] = []
    found: bool = True
    kind: str = ""
    asked_language: str = ""
    default_language: str = ""
    titles: dict[str, str] = {}
    htmls: dict[str, str] = {}
    plain_titles: dict[str, str] = {}
    plain_htmls: dict[str, str] = {}
    outdated: list[str] = []
    available: list[str] = []
    when: dict[str, str] = {}
    place: str = ""
    online_url: str = ""
    registration_url: str = ""
    event_over: bool = False
    attending: int = 0
    viewer_attends: bool = False
    follows_news: bool = False
    slug: str = ""
    item_id: int = 0
    # The plain-language choice of a reader, kept by their browser ("1" when chosen).
    plain_choice: str = rx.LocalStorage("", name="partnerskap_plain", sync=True)

    @guarded(Access.PUBLIC, loads_page=True)
    async def load_front(self, viewer: Viewer | None):
        """Fill the front page: who runs the platform, its pages, latest news, upcoming events, national services."""
        front = await offload.read(content.front_page)
        self.instance_name, self.organisation = front.instance_name, front.organisation
        self.pages = [ContentSummaryPublic.of(summary) for summary in front.pages]
        self.news = [ContentSummaryPublic.of(summary) for summary in front.news]
        self.events = [ContentSummaryPublic.of(summary) for summary in front.events]
        self.services = [ServiceLinkPublic(url=link.url, titles={"fi": link.title_fi, "sv": link.title_sv, "en": link.title_en}) for link in front.services]
        self.front_loaded = True

    @guarded(Access.PUBLIC, loads_page=True)
    async def load_news(self, viewer: Viewer | None):
        """Fill the news list, and whether the member follows the news."""
        self.news = [ContentSummaryPublic.of(summary) for summary in await offload.read(content.news_list)]
        self.follows_news = bool(viewer and viewer.is_member and await offload.read(content.follows_news, viewer))

    @guarded(Access.PUBLIC, loads_page=True)
    async def load_events(self, viewer: Viewer | None):
        """Fill the events page: upcoming and past."""
        upcoming, past = await offload.read(content.events_list)
        self.events = [ContentSummaryPublic.of(summary) for summary in upcoming]
        self.past_events = [ContentSummaryPublic.of(summary) for summary in past]

    @guarded(Access.PUBLIC, loads_page=True)
    async def load_item(self, viewer: Viewer | None):
        """Fill one item's page from its address (/info, /news or /events and its slug; ?lang= asks for a language)."""
        parts = self.router._page.path.strip("/").split("/")
        kind = content.KIND_OF_ADDRESS.get(parts[0] if parts else "", "")
        slug = self.router._page.params.get("slug", "")
        asked = self.router._page.params.get("lang", "")
        self.asked_language = asked if asked in LANGUAGES else ""
        try:
            found = await offload.read(content.public_item, kind, slug, viewer)
        except Refused:
            self.found, self.titles, self.htmls, self.plain_titles, self.plain_htmls, self.available = False, {}, {}, {}, {}, []
            raise
        item = found.item
        self.found, self.item_id, self.kind, self.slug, self.default_language = True, item.id, item.kind, item.slug, item.default_language
        self.titles = {code: version.title for code, version in found.standard.items()}
        self.htmls = {code: version.html for code, version in found.standard.items()}
        self.plain_titles = {code: version.title for code, version in found.plain.items()}
        self.plain_htmls = {code: version.html for code, version in found.plain.items()}
        self.outdated = [code for code, version in found.standard.items() if version.outdated]
        self.available = [code for code in LANGUAGES if code in found.standard]
        self.when = {code: format_datetime(item.starts_at, code) + " – " + format_datetime(item.ends_at, code) for code in LANGUAGES} if item.starts_at and item.ends_at else {}
        self.place, self.online_url, self.registration_url = item.place, item.online_url, item.registration_url
        self.event_over = bool(item.ends_at and item.ends_at.astimezone() < utcnow())
        self.attending, self.viewer_attends = found.attending, found.viewer_attends

    @guarded(Access.PUBLIC)
    async def switch_plain(self, viewer: Viewer | None, plain: bool):
        """Read items in plain language (or in standard language again), remembered by the browser."""
        self.plain_choice = "1" if plain is True else ""

    @guarded(Access.MEMBER)
    async def attend(self, viewer: Viewer, attending: bool):
        """Say that the member will attend the event shown (or no longer will)."""
        self.attending = await offload.write(content.attend, viewer, self.slug, attending is True)
        self.viewer_attends = attending is True

    @guarded(Access.MEMBER)
    async def follow_news(self, viewer: Viewer, follow: bool):
        """Follow the news in the app and by e-mail (or stop)."""
        await offload.write(content.follow_news, viewer, follow is True)
        self.follows_news = follow is True
        self._say(N_("You follow the news. Choose how often e-mail comes on the notifications page.") if follow is True else N_("You no longer follow the news."))


class ContentEditorState(AppState):
    """The editors' desk: the parity overview, one item's settings, versions, history and images."""

    rows: list[ParityRowPublic] = []
    item_id: int = 0
    kind: str = "news"
    slug: str = ""
    status: str = ""
    publish_at: str = ""
    item_default_language: str = "fi"
    starts: str = ""
    ends: str = ""
    place: str = ""
    online_url: str = ""
    registration_url: str = ""
    public_url: str = ""
    versions: list[ContentVersionPublic] = []
    version_keys: list[str] = []
    revisions: list[ContentRevisionPublic] = []
    images: list[str] = []
    editing: str = "fi"
    uploading: bool = False

    @guarded(Access.EDITOR, loads_page=True)
    async def load_overview(self, viewer: Viewer):
        """Fill the overview: every item and which languages it lacks."""
        self.rows = [
            ParityRowPublic(id=row.item.id, slug=row.item.slug, kind=row.item.kind, status=row.item.status, title=row.title, languages=row.languages, plain=list(row.plain))
            for row in await offload.read(content.overview, viewer)
        ]

    async def _show_item(self, viewer: Viewer, item_id: int) -> None:
        found = await offload.read(content.item_for_editor, viewer, item_id)
        item = found.item
        local = lambda moment: moment.astimezone(content.TIME_ZONE).strftime("%Y-%m-%d %H:%M") if moment else ""  # noqa: E731
        self.item_id, self.kind, self.slug, self.status, self.item_default_language = item.id, item.kind, item.slug, item.status, item.default_language
        self.publish_at = local(item.publish_at) if item.status == "scheduled" else ""
        self.starts, self.ends = local(item.starts_at), local(item.ends_at)
        self.place, self.online_url, self.registration_url = item.place, item.online_url, item.registration_url
        self.public_url = content.url_of(item)
        self.versions = [
            ContentVersionPublic(key=f"{v.language}{'-plain' if v.plain else ''}", language=v.language, plain=v.plain, title=v.title, description=v.description, body=v.body, outdated=v.outdated)
            for v in sorted(found.versions, key=lambda v: (LANGUAGES.index(v.language), v.plain))
        ]
        self.version_keys = [version.key for version in self.versions]
        self.revisions = [ContentRevisionPublic(id=r.id, language=r.language, plain=r.plain, title=r.title, saved=format_datetime(r.saved_at, self.lang)) for r in found.revisions]
        self.images = [f"/content-images/{image.id}" for image in found.images]

    @guarded(Access.EDITOR, loads_page=True)
    async def load_item(self, viewer: Viewer):
        """Fill the editor of one item (a new one when the address says 'new')."""
        self.item_id, self.versions, self.version_keys, self.revisions, self.images, self.status, self.slug = 0, [], [], [], [], "", ""
        self.editing = self.lang or "fi"
        item_id = self._route_id("item_id")
        if item_id:
            await self._show_item(viewer, item_id)

    @guarded(Access.EDITOR, form="item")
    async def save_item(self, viewer: Viewer, form: dict):
        """Create the item or save what its versions share."""
        values = {name: str(form.get(name, "")) for name in ("kind", "slug", "default_language", "starts", "ends", "place", "online_url", "registration_url")}
        item = await offload.write(content.save_item, viewer, self.item_id, content.ItemForm(**values))
        self._say(N_("Saved."))
        if not self.item_id:
            return rx.redirect(f"/editor/{item.id}")
        await self._show_item(viewer, item.id)

    @guarded(Access.EDITOR)
    async def choose_version(self, viewer: Viewer, key: str):
        """Edit another language version (e.g. 'sv' or 'sv-plain')."""
        self.editing = key if key.split("-")[0] in LANGUAGES else "fi"

    @guarded(Access.EDITOR, form="version")
    async def save_version(self, viewer: Viewer, form: dict):
        """Save the text of the language version being edited."""
        language, _, plain = self.editing.partition("-")
        version = content.VersionForm(language=language, plain=plain == "plain", title=str(form.get("title", "")), description=str(form.get("description", "")), body=str(form.get("body", "")))
        await offload.write(content.save_version, viewer, self.item_id, version)
        self._say(N_("Saved."))
        await self._show_item(viewer, self.item_id)

    @guarded(Access.EDITOR, form="publish")
    async def publish(self, viewer: Viewer, form: dict):
        """Publish now, or at the time given."""
        item = await offload.write(content.publish, viewer, self.item_id, str(form.get("publish_at", "")))
        self._say(N_("Scheduled.") if item.status == "scheduled" else N_("Published."))
        await self._show_item(viewer, self.item_id)

    @guarded(Access.EDITOR)
    async def set_status(self, viewer: Viewer, status: str):
        """Take the item back to draft, or archive it."""
        await offload.write(content.set_status, viewer, self.item_id, status)
        self._say(N_("Saved."))
        await self._show_item(viewer, self.item_id)

    @guarded(Access.EDITOR)
    async def mark_outdated(self, viewer: Viewer, key: str):
        """Mark a language version as needing an update after its source changed."""
        language, _, plain = key.partition("-")
        await offload.write(content.mark_outdated, viewer, self.item_id, language, plain == "plain")
        self._say(N_("Marked as outdated."))
        await self._show_item(viewer, self.item_id)

    @guarded(Access.EDITOR)
    async def restore(self, viewer: Viewer, revision_id: int):
        """Bring back an earlier text."""
        await offload.write(content.restore, viewer, int(revision_id))
        self._say(N_("The earlier text is back."))
        await self._show_item(viewer, self.item_id)

    @guarded(Access.EDITOR, background=True, upload=True)
    async def receive_image(self, viewer: Viewer, chunks: rx.UploadChunkIterator):
        """Take one uploaded picture for the item; it is checked, resized and stripped of metadata before it is stored."""
        noted = self._check_upload_session()
        if (noted.declared_bytes or 0) > content.IMAGE_BYTES + documents.UPLOAD_FRAMING_BYTES:
            raise Refused(N_("The picture is too large. Use one under 10 MB."))
        async with self:
            item_id, self.uploading = self.item_id, True
        received = bytearray()
        try:
            async for chunk in chunks:
                received += chunk.data
                if len(received) > content.IMAGE_BYTES:
                    raise Refused(N_("The picture is too large. Use one under 10 MB."))
            image = await offload.write(content.add_image, viewer, item_id, bytes(received))
        finally:
            async with self:
                self.uploading = False
        async with self:
            self._say(N_("The picture is saved. Put it in the text with: {markdown}"), markdown=f"![](/content-images/{image.id})")
            await self._show_item(viewer, item_id)


class ServiceLinksState(AppState):
    """Administrators arrange the front page's links to national services."""

    links_text: str = ""

    @guarded(Access.ADMIN, loads_page=True)
    async def load_services(self, viewer: Viewer):
        """Show the links, one a line: Finnish | Swedish | English title | address."""
        links = (await offload.read(content.front_page)).services
        self.links_text = "\n".join(f"{link.title_fi} | {link.title_sv} | {link.title_en} | {link.url}" for link in links)

    @guarded(Access.ADMIN, form="services")
    async def save_services(self, viewer: Viewer, form: dict):
        """Replace the links with the lines given, in their order."""
        lines = [line for line in str(form.get("links", "")).splitlines() if line.strip()]
        rows = []
        for line in lines:
            parts = [part.strip() for part in line.split("|")]
            rows.append(tuple(parts) if len(parts) == 4 else ("", "", "", ""))
        await offload.write(content.set_service_links, viewer, rows)
        self.links_text = "\n".join(lines)
        self._say(N_("Saved."))
