"""Information content: editors write pages, news and events in three languages; visitors read what is published."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import LANGUAGES, format_datetime
from partnerskap.models import (
    ContentImage,
    ContentItem,
    ContentKind,
    ContentRevision,
    ContentVersion,
    EventAttendance,
    NewsFollower,
    NotificationSettings,
    Publication,
    ServiceLink,
    User,
)
from partnerskap.models.base import utcnow
from partnerskap.services import instance, notifications, search_index
from partnerskap.services.calendar import CalendarEntry, write_ics
from partnerskap.i18n import N_
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.markdown import render
from partnerskap.services.permissions import require_admin, require_editor, require_member
from partnerskap.services.sessions import Viewer
from partnerskap.services.tokens import new_token
from partnerskap.storage import get_storage

TIME_ZONE = ZoneInfo("Europe/Helsinki")
ADDRESS = {ContentKind.PAGE: "/info", ContentKind.NEWS: "/news", ContentKind.EVENT: "/events"}
KIND_OF_ADDRESS = {prefix.strip("/"): kind for kind, prefix in ADDRESS.items()}
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# Markdown renders raw HTML as text and drops unsafe links; an editor who wrote them meant something else: say so.
RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
UNSAFE_LINK = re.compile(r"\]\(\s*<?\s*(?!https?:|mailto:|/|#)[a-zA-Z][\w+.-]*:", re.IGNORECASE)
IMAGE_EDGE = 1600
IMAGE_BYTES = 10 * 1024 * 1024
ITEM_MISSING = N_("This content does not exist.")


@dataclasses.dataclass(frozen=True)
class ItemForm:
    """What an editor sets for an item as a whole; event times are Helsinki time."""

    kind: str
    slug: str
    default_language: str = "fi"
    starts: str = ""
    ends: str = ""
    place: str = ""
    online_url: str = ""
    registration_url: str = ""


@dataclasses.dataclass(frozen=True)
class VersionForm:
    """An item's text in one language, standard or plain."""

    language: str
    title: str
    description: str = ""
    body: str = ""
    plain: bool = False


def _local_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=TIME_ZONE).astimezone(UTC)
    except (TypeError, ValueError, AttributeError):
        return None


def _web_address(value: str) -> bool:
    return not value or (value.startswith(("https://", "http://")) and value.isprintable() and " " not in value and len(value) <= 500)


def _check_item(form: ItemForm) -> dict[str, object]:
    errors: dict[str, str] = {}
    slug = form.slug.strip().lower()
    if form.kind not in ContentKind.__members__.values():
        errors["kind"] = N_("Choose one of the options.")
    if not SLUG.fullmatch(slug) or len(slug) > 80:
        errors["slug"] = N_("Use lowercase letters a-z, digits and hyphens, such as spring-meeting-2027.")
    if form.default_language not in LANGUAGES:
        errors["default_language"] = N_("Choose one of the options.")
    starts = ends = None
    if form.kind == ContentKind.EVENT:
        starts, ends = _local_time(form.starts), _local_time(form.ends)
        if starts is None:
            errors["starts"] = N_("Enter a time like 2026-05-31 14:00.")
        if ends is None:
            errors["ends"] = N_("Enter a time like 2026-05-31 14:00.")
        elif starts is not None and ends <= starts:
            errors["ends"] = N_("The end must be after the start.")
    for name in ("online_url", "registration_url"):
        if not _web_address(getattr(form, name).strip()):
            errors[name] = N_("Enter a web address that starts with https://.")
    if len(form.place) > 300:
        errors["place"] = N_("The text is too long.")
    if errors:
        raise Invalid(errors)
    return {
        "kind": form.kind,
        "slug": slug,
        "default_language": form.default_language,
        "starts_at": starts,
        "ends_at": ends,
        "place": form.place.strip(),
        "online_url": form.online_url.strip(),
        "registration_url": form.registration_url.strip(),
    }


def _editable(session: Session, item_id: int) -> ContentItem:
    item = session.get(ContentItem, item_id) if isinstance(item_id, int) else None
    if item is None:
        raise Refused(ITEM_MISSING)
    return item


def save_item(viewer: Viewer, item_id: int, form: ItemForm) -> ContentItem:
    """Create an item (item_id 0) or change what its versions share: its kind, address, default language, time and place."""
    require_editor(viewer)
    values = _check_item(form)
    with transaction() as session:
        taken = session.exec(select(ContentItem.id).where(ContentItem.slug == values["slug"], ContentItem.id != (item_id or 0))).first()
        if taken is not None:
            raise Invalid({"slug": N_("Another item already has this address. Choose another.")})
        item = _editable(session, item_id) if item_id else ContentItem(created_by=viewer.id, **values)
        for name, value in values.items():
            setattr(item, name, value)
        item.updated_at = utcnow()
        session.add(item)
        session.flush()
        search_index.put_content_item(session, item)
        return item


def _check_version(form: VersionForm) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    title, description, body = " ".join(form.title.split()), " ".join(form.description.split()), form.body.strip()
    if form.language not in LANGUAGES:
        errors["language"] = N_("Choose one of the options.")
    if not title:
        errors["title"] = N_("Give the item a title in this language.")
    elif len(title) > 200:
        errors["title"] = N_("Use at most 200 characters.")
    if len(description) > 300:
        errors["description"] = N_("Use at most 300 characters.")
    if len(body) > 100_000:
        errors["body"] = N_("The text is too long.")
    elif RAW_HTML.search(body) or UNSAFE_LINK.search(body):
        errors["body"] = N_("The text contains HTML or a link that is not allowed. Write markdown, with web addresses that start with https://.")
    if errors:
        raise Invalid(errors)
    return title, description, body


def save_version(viewer: Viewer, item_id: int, form: VersionForm) -> ContentVersion:
    """Write an item's text in one language (a plain-language one only beside a standard one); the old text stays in the history."""
    require_editor(viewer)
    with transaction() as session:
        item = _editable(session, item_id)
        title, description, body = _check_version(form)
        versions = {(v.language, v.plain): v for v in session.exec(select(ContentVersion).where(ContentVersion.item_id == item.id)).all()}
        if not form.plain and form.language != item.default_language and (item.default_language, False) not in versions:
            raise Invalid({"title": N_("Write the title in the item's default language first.")})
        if form.plain and (form.language, False) not in versions:
            raise Invalid({"title": N_("Write the standard version in this language before its plain-language version.")})
        version = versions.get((form.language, form.plain)) or ContentVersion(item_id=item.id, language=form.language, plain=form.plain, title=title)
        version.title, version.description, version.body, version.html = title, description, body, render(body)
        version.outdated, version.updated_at = False, utcnow()
        item.updated_at = utcnow()
        session.add_all([version, item])
        session.add(ContentRevision(item_id=item.id, language=form.language, plain=form.plain, title=title, description=description, body=body, saved_by=viewer.id))
        session.flush()
        search_index.put_content_version(session, version, item)
        return version


def _announce(session: Session, item: ContentItem) -> None:
    """Tell the news's followers, once, in the app and by e-mail as each of them chose."""
    if item.kind != ContentKind.NEWS or item.announced_at is not None:
        return
    titles = {v.language: v.title for v in session.exec(select(ContentVersion).where(ContentVersion.item_id == item.id, ContentVersion.plain == False)).all()}  # noqa: E712
    followers = list(session.exec(select(NewsFollower.user_id).join(User, User.id == NewsFollower.user_id).where(User.status == "approved")).all())
    notifications.notify_many(
        session, user_ids=followers, kind="news", link=f"/news/{item.slug}", title=titles.get(item.default_language, ""), **{f"title_{code}": text for code, text in titles.items()}
    )
    item.announced_at = utcnow()


def publish(viewer: Viewer, item_id: int, at: str = "") -> ContentItem:
    """Publish an item now, or at a later Helsinki time (`at`); its default-language title must exist."""
    require_editor(viewer)
    when = None
    if at.strip():
        when = _local_time(at)
        if when is None:
            raise Invalid({"publish_at": N_("Enter a time like 2026-05-31 14:00.")})
        if when <= utcnow():
            raise Invalid({"publish_at": N_("Choose a time in the future.")})
    with transaction() as session:
        item = _editable(session, item_id)
        has_default = session.exec(
            select(ContentVersion.id).where(ContentVersion.item_id == item.id, ContentVersion.language == item.default_language, ContentVersion.plain == False)  # noqa: E712
        ).first()
        if has_default is None:
            raise Refused(N_("Write the title in the item's default language first."))
        republished = item.status == Publication.PUBLISHED and when is None  # a correction keeps the news's date and place in lists
        item.status = Publication.SCHEDULED if when else Publication.PUBLISHED
        item.publish_at = item.publish_at if republished else when or utcnow()
        item.updated_at = utcnow()
        if when is None:
            _announce(session, item)
        session.add(item)
        search_index.put_content_item(session, item)  # dated by when it is published
        return item


def set_status(viewer: Viewer, item_id: int, status: str) -> ContentItem:
    """Take an item back to draft, or archive it (neither is public)."""
    require_editor(viewer)
    if status not in (Publication.DRAFT, Publication.ARCHIVED):
        raise Refused(N_("Choose one of the options."))
    with transaction() as session:
        item = _editable(session, item_id)
        item.status, item.updated_at = status, utcnow()
        session.add(item)
        return item


def announce_due() -> int:
    """Announce scheduled news whose time has come (the background job); returns how many."""
    with transaction() as session:
        due = session.exec(
            select(ContentItem).where(ContentItem.status == Publication.SCHEDULED, col(ContentItem.publish_at) <= utcnow(), col(ContentItem.announced_at).is_(None))
        ).all()
        for item in due:
            item.status = Publication.PUBLISHED
            _announce(session, item)
            session.add(item)
        return len(due)


def mark_outdated(viewer: Viewer, item_id: int, language: str, plain: bool = False) -> None:
    """Note that a translation no longer matches its source; it is shown as outdated until saved again."""
    require_editor(viewer)
    with transaction() as session:
        version = session.exec(select(ContentVersion).where(ContentVersion.item_id == item_id, ContentVersion.language == language, ContentVersion.plain == plain)).first()
        if version is None:
            raise Refused(N_("There is no version in this language yet."))
        version.outdated = True
        session.add(version)


def restore(viewer: Viewer, revision_id: int) -> ContentVersion:
    """Bring back an earlier text of a language version, as a new save (the history keeps both)."""
    require_editor(viewer)
    with transaction() as session:
        revision = session.get(ContentRevision, revision_id) if isinstance(revision_id, int) else None
        if revision is None:
            raise Refused(N_("This saved version does not exist."))
        form = VersionForm(language=revision.language, title=revision.title, description=revision.description, body=revision.body, plain=revision.plain)
        item_id = revision.item_id
    return save_version(viewer, item_id, form)


@dataclasses.dataclass(frozen=True)
class ParityRow:
    """One item in the editors' overview: which languages it has, lacks or has outdated."""

    item: ContentItem
    title: str
    languages: dict[str, str]  # language -> "ok", "outdated" or "missing"
    plain: tuple[str, ...]


def overview(viewer: Viewer) -> list[ParityRow]:
    """Every item, newest change first, with the state of each language (the editors' parity overview)."""
    require_editor(viewer)
    with transaction() as session:
        items = session.exec(select(ContentItem).order_by(col(ContentItem.updated_at).desc())).all()
        versions = session.exec(select(ContentVersion)).all()
    by_item: dict[int, list[ContentVersion]] = {}
    for version in versions:
        by_item.setdefault(version.item_id, []).append(version)
    rows = []
    for item in items:
        standard = {v.language: v for v in by_item.get(item.id, []) if not v.plain}
        default = standard.get(item.default_language) or next(iter(standard.values()), None)
        rows.append(
            ParityRow(
                item=item,
                title=default.title if default else item.slug,
                languages={code: ("missing" if code not in standard else "outdated" if standard[code].outdated else "ok") for code in LANGUAGES},
                plain=tuple(v.language for v in by_item.get(item.id, []) if v.plain),
            )
        )
    return rows


@dataclasses.dataclass(frozen=True)
class ItemForEditor:
    """One item with its versions, its history and its images, as the editor page shows it."""

    item: ContentItem
    versions: list[ContentVersion]
    revisions: list[ContentRevision]
    images: list[ContentImage]


def item_for_editor(viewer: Viewer, item_id: int) -> ItemForEditor:
    """Everything the editor page of one item shows."""
    require_editor(viewer)
    with transaction() as session:
        item = _editable(session, item_id)
        return ItemForEditor(
            item=item,
            versions=list(session.exec(select(ContentVersion).where(ContentVersion.item_id == item.id)).all()),
            revisions=list(session.exec(select(ContentRevision).where(ContentRevision.item_id == item.id).order_by(col(ContentRevision.id).desc()).limit(50)).all()),
            images=list(session.exec(select(ContentImage).where(ContentImage.item_id == item.id).order_by(col(ContentImage.id))).all()),
        )


NOT_AN_IMAGE = N_("This file is not a picture we can show. Upload a JPEG, PNG or WebP image.")


def add_image(viewer: Viewer, item_id: int, data: bytes) -> ContentImage:
    """Store a picture for an item: checked to be an image, made at most 1600 px wide or high, its metadata left behind."""
    require_editor(viewer)
    if len(data) > IMAGE_BYTES:
        raise Invalid({"image": N_("The picture is too large. Use one under 10 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as picture:
            if picture.format not in ("JPEG", "PNG", "WEBP", "GIF"):
                raise Invalid({"image": NOT_AN_IMAGE})
            picture.thumbnail((IMAGE_EDGE, IMAGE_EDGE))
            # A fresh image holds only the pixels: EXIF (places, cameras, owners), ICC and text chunks stay behind.
            clean = Image.new("RGB", picture.size, "white")
            clean.paste(picture.convert("RGBA"), mask=picture.convert("RGBA").getchannel("A"))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid({"image": NOT_AN_IMAGE}) from None
    encoded = io.BytesIO()
    clean.save(encoded, "JPEG", quality=85, optimize=True)
    with transaction() as session:
        item = _editable(session, item_id)
        key = f"content-images/{item.id}/{new_token()[:24].replace('_', 'a').replace('-', 'b')}.jpg"
        upload = get_storage().begin(key)
        try:
            upload.write(encoded.getvalue())
            upload.complete()
        except Exception:
            upload.abort()
            raise
        image = ContentImage(item_id=item.id, key=key, width=clean.width, height=clean.height, uploaded_by=viewer.id)
        session.add(image)
        session.flush()
        return image


def _is_public(item: ContentItem, now: datetime) -> bool:
    at = item.publish_at.replace(tzinfo=UTC) if item.publish_at and item.publish_at.tzinfo is None else item.publish_at
    return item.status == Publication.PUBLISHED or (item.status == Publication.SCHEDULED and at is not None and at <= now)


def public_items() -> object:
    """The condition of the items anyone may read now: published, or scheduled and due."""
    now = utcnow()
    return or_(ContentItem.status == Publication.PUBLISHED, (ContentItem.status == Publication.SCHEDULED) & (col(ContentItem.publish_at) <= now))


def public_image(image_id: int) -> str | None:
    """The storage key of an image whose item is public, else None."""
    with transaction() as session:
        found = session.exec(select(ContentImage, ContentItem).join(ContentItem).where(ContentImage.id == image_id)).first()
    if found is None or not _is_public(found[1], utcnow()):
        return None
    return found[0].key


def is_public(item: ContentItem) -> bool:
    """Whether visitors may read the item now."""
    return _is_public(item, utcnow())


def title_of(session: Session, item: ContentItem) -> str:
    """The item's title in its default language (its address when that version is missing)."""
    title = session.exec(select(ContentVersion.title).where(ContentVersion.item_id == item.id, ContentVersion.language == item.default_language, ContentVersion.plain == False)).first()  # noqa: E712
    return title or item.slug


def url_of(item: ContentItem, language: str = "") -> str:
    """The item's stable public address (with the language asked for, for the alternates)."""
    path = f"{ADDRESS[ContentKind(item.kind)]}/{item.slug}"
    return f"{path}?lang={language}" if language else path


@dataclasses.dataclass(frozen=True)
class Summary:
    """A public item as lists show it: its titles and descriptions in the languages it has."""

    slug: str
    kind: str
    url: str
    default_language: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    dates: dict[str, str]
    place: str
    online: bool


def _summaries(session: Session, items: list[ContentItem]) -> list[Summary]:
    if not items:
        return []
    versions = session.exec(select(ContentVersion).where(col(ContentVersion.item_id).in_([i.id for i in items]), ContentVersion.plain == False)).all()  # noqa: E712
    by_item: dict[int, list[ContentVersion]] = {}
    for version in versions:
        by_item.setdefault(version.item_id, []).append(version)
    result = []
    for item in items:
        moment = item.starts_at if item.kind == ContentKind.EVENT else item.publish_at
        result.append(
            Summary(
                slug=item.slug,
                kind=item.kind,
                url=url_of(item),
                default_language=item.default_language,
                titles={v.language: v.title for v in by_item.get(item.id, [])},
                descriptions={v.language: v.description for v in by_item.get(item.id, [])},
                dates={code: format_datetime(moment, code) for code in LANGUAGES} if moment else {code: "" for code in LANGUAGES},
                place=item.place,
                online=bool(item.online_url),
            )
        )
    return result


@dataclasses.dataclass(frozen=True)
class FrontPage:
    """What the public front page shows, in every language (the page picks the reader's)."""

    instance_name: str
    organisation: str
    pages: list[Summary]
    news: list[Summary]
    events: list[Summary]
    services: list[ServiceLink]


def front_page() -> FrontPage:
    """The instance's pages, latest news, upcoming events and the national services administrators arranged."""
    settings = instance.effective()
    with transaction() as session:
        pages = session.exec(select(ContentItem).where(ContentItem.kind == ContentKind.PAGE, public_items()).order_by(col(ContentItem.id)).limit(10)).all()
        news = session.exec(select(ContentItem).where(ContentItem.kind == ContentKind.NEWS, public_items()).order_by(col(ContentItem.publish_at).desc()).limit(5)).all()
        events = session.exec(
            select(ContentItem).where(ContentItem.kind == ContentKind.EVENT, public_items(), col(ContentItem.ends_at) >= utcnow()).order_by(col(ContentItem.starts_at)).limit(5)
        ).all()
        services = list(session.exec(select(ServiceLink).order_by(col(ServiceLink.position), col(ServiceLink.id))).all())
        return FrontPage(
            instance_name=settings.instance_name,
            organisation=settings.organisation,
            pages=_summaries(session, list(pages)),
            news=_summaries(session, list(news)),
            events=_summaries(session, list(events)),
            services=services,
        )


def news_list(*, limit: int = 50) -> list[Summary]:
    """Published news, newest first."""
    with transaction() as session:
        items = session.exec(select(ContentItem).where(ContentItem.kind == ContentKind.NEWS, public_items()).order_by(col(ContentItem.publish_at).desc()).limit(limit)).all()
        return _summaries(session, list(items))


def events_list(*, limit: int = 50) -> tuple[list[Summary], list[Summary]]:
    """Public events: upcoming (soonest first) and past (latest first)."""
    now = utcnow()
    with transaction() as session:
        public = select(ContentItem).where(ContentItem.kind == ContentKind.EVENT, public_items())
        upcoming = session.exec(public.where(col(ContentItem.ends_at) >= now).order_by(col(ContentItem.starts_at)).limit(limit)).all()
        past = session.exec(public.where(col(ContentItem.ends_at) < now).order_by(col(ContentItem.starts_at).desc()).limit(limit)).all()
        return _summaries(session, list(upcoming)), _summaries(session, list(past))


@dataclasses.dataclass(frozen=True)
class PublicItem:
    """One public item in every language it has, standard and plain, with its event details."""

    item: ContentItem
    standard: dict[str, ContentVersion]
    plain: dict[str, ContentVersion]
    attending: int
    viewer_attends: bool


def _public_item(session: Session, kind: str, slug: str) -> ContentItem | None:
    item = session.exec(select(ContentItem).where(ContentItem.slug == slug, ContentItem.kind == kind)).first()
    return item if item is not None and _is_public(item, utcnow()) else None


def public_item(kind: str, slug: str, viewer: Viewer | None = None) -> PublicItem:
    """A published item by its address; a draft, archived or unknown one is refused alike."""
    with transaction() as session:
        item = _public_item(session, kind, slug) if kind in KIND_OF_ADDRESS.values() and isinstance(slug, str) else None
        if item is None:
            raise Refused(ITEM_MISSING)
        versions = session.exec(select(ContentVersion).where(ContentVersion.item_id == item.id)).all()
        attending = session.exec(select(func.count()).select_from(EventAttendance).where(EventAttendance.item_id == item.id)).one()
        mine = viewer is not None and session.get(EventAttendance, (item.id, viewer.id)) is not None
    return PublicItem(
        item=item,
        standard={v.language: v for v in versions if not v.plain},
        plain={v.language: v for v in versions if v.plain},
        attending=attending,
        viewer_attends=mine,
    )


def attend(viewer: Viewer, slug: str, attending: bool) -> int:
    """A member says they will attend a public event (or no longer will); returns how many will."""
    require_member(viewer)
    with transaction() as session:
        item = _public_item(session, ContentKind.EVENT, slug) if isinstance(slug, str) else None
        if item is None:
            raise Refused(ITEM_MISSING)
        if item.ends_at is not None and item.ends_at.replace(tzinfo=UTC) < utcnow():
            raise Refused(N_("This event is over."))
        present = session.get(EventAttendance, (item.id, viewer.id))
        if attending and present is None:
            session.add(EventAttendance(item_id=item.id, user_id=viewer.id))
        elif not attending and present is not None:
            session.delete(present)
        session.flush()
        return session.exec(select(func.count()).select_from(EventAttendance).where(EventAttendance.item_id == item.id)).one()


def follows_news(viewer: Viewer) -> bool:
    """Whether the member follows the news."""
    require_member(viewer)
    with transaction() as session:
        return session.get(NewsFollower, viewer.id) is not None


def follow_news(viewer: Viewer, follow: bool) -> None:
    """Follow the news (a notification in the app for each item, and e-mail as the member's notification settings say) or stop."""
    require_member(viewer)
    with transaction() as session:
        present = session.get(NewsFollower, viewer.id)
        preferences = session.get(NotificationSettings, viewer.id) or NotificationSettings(user_id=viewer.id)
        kinds = [kind for kind in preferences.email_kinds.split(",") if kind and kind != "news"]
        if follow:
            if present is None:
                session.add(NewsFollower(user_id=viewer.id))
            kinds.append("news")
        elif present is not None:
            session.delete(present)
        preferences.email_kinds = ",".join(kinds)
        session.add(preferences)


def set_service_links(viewer: Viewer, links: list[tuple[str, str, str, str]]) -> None:
    """Replace the front page's national service links with (Finnish, Swedish, English title, address), in this order."""
    require_admin(viewer)
    for fi, sv, en, url in links:
        if not all(title.strip() and len(title) <= 120 for title in (fi, sv, en)) or not url.startswith("https://") or not _web_address(url):
            raise Invalid({"links": N_("Each line needs a Finnish, a Swedish and an English title and an address that starts with https://, separated by |.")})
    with transaction() as session:
        for old in session.exec(select(ServiceLink)).all():
            session.delete(old)
        session.flush()
        for position, (fi, sv, en, url) in enumerate(links):
            session.add(ServiceLink(position=position, title_fi=fi.strip(), title_sv=sv.strip(), title_en=en.strip(), url=url.strip()))


def events_ics() -> str:
    """Public events as iCalendar, for calendar apps to subscribe to without an account."""
    with transaction() as session:
        items = session.exec(
            select(ContentItem).where(ContentItem.kind == ContentKind.EVENT, public_items(), col(ContentItem.ends_at) >= utcnow() - timedelta(days=365)).order_by(col(ContentItem.starts_at))
        ).all()
        summaries = _summaries(session, list(items))
    public_url = config.settings.public_url
    entries = [
        CalendarEntry(
            uid=f"content-{item.id}",
            starts_at=item.starts_at.replace(tzinfo=UTC) if item.starts_at.tzinfo is None else item.starts_at,
            ends_at=item.ends_at.replace(tzinfo=UTC) if item.ends_at.tzinfo is None else item.ends_at,
            title=summary.titles.get(item.default_language) or item.slug,
            place=item.place or item.online_url,
            url=public_url + summary.url,
            description=summary.descriptions.get(item.default_language, ""),
        )
        for item, summary in zip(items, summaries, strict=True)
    ]
    return write_ics(instance.effective().instance_name, entries)


def sitemap_xml() -> str:
    """Every public item with its language alternates, for search engines."""
    public_url = config.settings.public_url
    with transaction() as session:
        items = session.exec(select(ContentItem).where(public_items()).order_by(col(ContentItem.id))).all()
        languages: dict[int, list[str]] = {}
        for item_id, language in session.exec(select(ContentVersion.item_id, ContentVersion.language).where(ContentVersion.plain == False)).all():  # noqa: E712
            languages.setdefault(item_id, []).append(language)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for path in ("/", "/news", "/events"):
        lines.append(f"<url><loc>{xml_escape(public_url + path)}</loc></url>")
    for item in items:
        lines.append(f"<url><loc>{xml_escape(public_url + url_of(item))}</loc><lastmod>{item.updated_at:%Y-%m-%d}</lastmod>")
        for language in sorted(languages.get(item.id, [])):
            lines.append(f'<xhtml:link rel="alternate" hreflang="{language}" href="{xml_escape(public_url + url_of(item, language))}"/>')
        lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def head_tags(path: str, language: str) -> str | None:
    """The head of a public item's page for clients without JavaScript: title, description, alternates, Open Graph; None if not public."""
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[0] not in KIND_OF_ADDRESS or not SLUG.fullmatch(parts[1]):
        return None
    try:
        found = public_item(KIND_OF_ADDRESS[parts[0]], parts[1])
    except Refused:
        return None
    item = found.item
    version = found.standard.get(language) or found.standard.get(item.default_language) or next(iter(found.standard.values()), None)
    if version is None:
        return None
    public_url = config.settings.public_url
    canonical = public_url + url_of(item, version.language if version.language != item.default_language else "")
    escape = lambda text: xml_escape(text, {'"': "&quot;"})  # noqa: E731
    tags = [
        f"<title>{escape(version.title)} · {escape(instance.effective().instance_name)}</title>",
        f'<meta name="description" content="{escape(version.description)}">',
        f'<link rel="canonical" href="{escape(canonical)}">',
        *[f'<link rel="alternate" hreflang="{code}" href="{escape(public_url + url_of(item, code))}">' for code in LANGUAGES if code in found.standard],
        f'<link rel="alternate" hreflang="x-default" href="{escape(public_url + url_of(item))}">',
        f'<meta property="og:type" content="{"article" if item.kind == ContentKind.NEWS else "website"}">',
        f'<meta property="og:title" content="{escape(version.title)}">',
        f'<meta property="og:description" content="{escape(version.description)}">',
        f'<meta property="og:url" content="{escape(canonical)}">',
        f'<meta property="og:site_name" content="{escape(instance.effective().instance_name)}">',
        f'<meta property="og:locale" content="{ {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}[version.language]}">',
    ]
    return "".join(tags)

