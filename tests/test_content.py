"""Information content: editors write in three languages and plain language; visitors read only what is published."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

import httpx
import icalendar
import pytest
from PIL import Image
from sqlmodel import SQLModel, select

from partnerskap import api, api_public
from partnerskap.db import transaction
from partnerskap.models import (
    AuditEntry,
    ContentItem,
    Notification,
    NotificationSettings,
    Role,
    User,
)
from partnerskap.services import content, membership, notifications
from partnerskap.services.content import ItemForm, VersionForm
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.sessions import Viewer
from partnerskap.state.content import PublicContentState
from partnerskap.storage import get_storage
from tests.conftest import make_person
from tests.handlers import Tab


def viewer(user: User) -> Viewer:
    with transaction() as session:
        return Viewer.of(session.get(User, user.id))


@pytest.fixture
def editor(password_hash: str) -> User:
    """Frida, an approved member who writes the instance's content."""
    return make_person(password_hash, "Frida", role=Role.EDITOR, language="fi")


def snapshot() -> str:
    """A hash of every table's rows: a refused call must leave it as it was."""
    digest = hashlib.sha256()
    with transaction() as session:
        for table in SQLModel.metadata.sorted_tables:
            digest.update(repr(session.execute(select(table).order_by(*table.primary_key.columns)).all()).encode())
    return digest.hexdigest()


def news(editor: User, slug: str = "kevatseminaari", *, languages: tuple[str, ...] = ("fi", "sv"), plain: tuple[str, ...] = ("sv",)) -> ContentItem:
    """A news item written in the given languages (and plain versions), not yet published."""
    item = content.save_item(viewer(editor), 0, ItemForm(kind="news", slug=slug, default_language="fi"))
    texts = {"fi": "Kevätseminaari Turussa", "sv": "Vårseminarium i Åbo", "en": "Spring seminar in Turku"}
    for language in languages:
        content.save_version(viewer(editor), item.id, VersionForm(language=language, title=texts[language], description=f"{texts[language]}: ohjelma", body=f"# {texts[language]}\n\nText."))
    for language in plain:
        content.save_version(viewer(editor), item.id, VersionForm(language=language, plain=True, title="Lätt: " + texts[language], body="Kort text."))
    return item


def jpeg_with_location(width: int = 3000, height: int = 2000) -> bytes:
    picture = Image.new("RGB", (width, height), "teal")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (60.0, 27.0, 0.0)}  # GPS info: latitude
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_admin_grants_and_revokes_the_editor_role_in_the_audit_log(admin, member):
    membership.grant_editor(viewer(admin), member.id)
    assert viewer(member).role == Role.EDITOR
    membership.revoke_editor(viewer(admin), member.id)
    assert viewer(member).role == Role.MEMBER
    with transaction() as session:
        actions = [entry.action for entry in session.exec(select(AuditEntry).where(AuditEntry.target_user_id == member.id).order_by(AuditEntry.id)).all()]
    assert actions == ["role.grant_editor", "role.revoke_editor"]


def test_an_editor_cannot_make_editors(editor, member):
    with pytest.raises(Refused, match="Only administrators"):
        membership.grant_editor(viewer(editor), member.id)


def test_a_member_cannot_write_content(member):
    before = snapshot()
    with pytest.raises(Refused, match="Only editors and administrators"):
        content.save_item(viewer(member), 0, ItemForm(kind="news", slug="mine"))
    assert snapshot() == before


def test_a_published_item_is_read_in_each_language_it_has(editor):
    item = news(editor)
    with pytest.raises(Refused, match="does not exist"):
        content.public_item("news", item.slug)
    content.publish(viewer(editor), item.id)
    found = content.public_item("news", item.slug)
    assert set(found.standard) == {"fi", "sv"}
    assert found.plain["sv"].title == "Lätt: Vårseminarium i Åbo"
    assert "<h1>Vårseminarium i Åbo</h1>" in found.standard["sv"].html
    front = content.front_page()
    assert [summary.titles for summary in front.news] == [{"fi": "Kevätseminaari Turussa", "sv": "Vårseminarium i Åbo"}]


def test_a_duplicate_slug_is_refused_and_nothing_is_written(editor):
    news(editor, "sama")
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        content.save_item(viewer(editor), 0, ItemForm(kind="page", slug="sama"))
    assert refused.value.errors == {"slug": "Another item already has this address. Choose another."}
    assert snapshot() == before


def test_the_title_in_the_default_language_comes_first(editor):
    item = content.save_item(viewer(editor), 0, ItemForm(kind="news", slug="uusi", default_language="fi"))
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        content.save_version(viewer(editor), item.id, VersionForm(language="sv", title="Bara svenska"))
    assert refused.value.errors == {"title": "Write the title in the item's default language first."}
    with pytest.raises(Invalid) as untitled:
        content.save_version(viewer(editor), item.id, VersionForm(language="fi", title="   "))
    assert untitled.value.errors == {"title": "Give the item a title in this language."}
    with pytest.raises(Refused, match="default language first"):
        content.publish(viewer(editor), item.id)
    assert snapshot() == before


@pytest.mark.parametrize("body", ["<script>alert(1)</script>", "Katso [tämä](javascript:alert(1))", '<img src=x onerror="alert(1)">'])
def test_unsafe_markdown_is_refused_and_nothing_is_written(editor, body):
    item = news(editor, languages=("fi",), plain=())
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        content.save_version(viewer(editor), item.id, VersionForm(language="fi", title="Otsikko", body=body))
    assert refused.value.errors["body"].startswith("The text contains HTML or a link that is not allowed")
    assert snapshot() == before


def test_a_file_that_is_not_an_image_is_refused(editor):
    item = news(editor, languages=("fi",), plain=())
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        content.add_image(viewer(editor), item.id, b"%PDF-1.7 not a picture at all")
    assert refused.value.errors == {"image": content.NOT_AN_IMAGE}
    assert snapshot() == before
    assert list(get_storage().keys("content-images/")) == []


def test_an_image_is_resized_and_loses_its_metadata_and_is_public_only_with_its_item(editor):
    item = news(editor, languages=("fi",), plain=())
    image = content.add_image(viewer(editor), item.id, jpeg_with_location())
    stored = b"".join(get_storage().open(image.key))
    with Image.open(io.BytesIO(stored)) as picture:
        assert max(picture.size) == 1600
        assert dict(picture.getexif()) == {}
    assert b"SecretCam" not in stored
    assert content.public_image(image.id) is None
    content.publish(viewer(editor), item.id)
    assert content.public_image(image.id) == image.key


def test_a_scheduled_time_in_the_past_is_refused(editor):
    item = news(editor)
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        content.publish(viewer(editor), item.id, "2020-01-01 10:00")
    assert refused.value.errors == {"publish_at": "Choose a time in the future."}
    assert snapshot() == before


def test_scheduled_news_appears_and_reaches_its_followers_when_its_time_comes(editor, member, outsider, monkeypatch):
    content.follow_news(viewer(member), True)
    item = news(editor)
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(content, "utcnow", lambda: now)
    content.publish(viewer(editor), item.id, "2027-03-01 12:00")  # Helsinki: 10:00 UTC
    assert content.news_list() == []
    assert content.announce_due() == 0
    now = datetime(2027, 3, 1, 10, 1, tzinfo=UTC)
    assert [summary.slug for summary in content.news_list()] == [item.slug]
    assert content.announce_due() == 1
    assert content.announce_due() == 0
    with transaction() as session:
        sent = session.exec(select(Notification).where(Notification.kind == "news")).all()
        wants = session.get(NotificationSettings, member.id)
    assert [(n.user_id, n.link) for n in sent] == [(member.id, f"/news/{item.slug}")]
    assert notifications.text_of(sent[0], "sv") == "Nyheter: Vårseminarium i Åbo"
    assert "news" in wants.email_kinds.split(",")


def test_a_member_who_stops_following_hears_no_more_news(editor, member):
    content.follow_news(viewer(member), True)
    content.follow_news(viewer(member), False)
    content.publish(viewer(editor), news(editor).id)
    with transaction() as session:
        assert session.exec(select(Notification)).all() == []


def test_a_restored_revision_is_the_text_again_and_the_history_keeps_both(editor):
    item = news(editor, languages=("fi",), plain=())
    content.save_version(viewer(editor), item.id, VersionForm(language="fi", title="Muutettu otsikko", body="Uusi"))
    history = content.item_for_editor(viewer(editor), item.id).revisions
    assert [revision.title for revision in history] == ["Muutettu otsikko", "Kevätseminaari Turussa"]
    content.restore(viewer(editor), history[1].id)
    found = content.item_for_editor(viewer(editor), item.id)
    assert [v.title for v in found.versions] == ["Kevätseminaari Turussa"]
    assert len(found.revisions) == 3


def test_the_overview_shows_missing_and_outdated_languages(editor):
    item = news(editor)
    content.mark_outdated(viewer(editor), item.id, "sv")
    (row,) = content.overview(viewer(editor))
    assert row.languages == {"fi": "ok", "sv": "outdated", "en": "missing"}
    assert row.plain == ("sv",)
    content.save_version(viewer(editor), item.id, VersionForm(language="sv", title="Vårseminarium i Åbo, uppdaterat"))
    assert content.overview(viewer(editor))[0].languages["sv"] == "ok"


def test_members_attend_public_events_and_the_count_follows(editor, member, outsider):
    start = (datetime.now(UTC) + timedelta(days=7)).astimezone(content.TIME_ZONE)
    form = ItemForm(kind="event", slug="verkostotapaaminen", starts=start.strftime("%Y-%m-%d %H:%M"), ends=(start + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"), place="Helsinki")
    item = content.save_item(viewer(editor), 0, form)
    content.save_version(viewer(editor), item.id, VersionForm(language="fi", title="Verkostotapaaminen"))
    content.publish(viewer(editor), item.id)
    assert content.attend(viewer(member), item.slug, True) == 1
    assert content.attend(viewer(outsider), item.slug, True) == 2
    assert content.attend(viewer(member), item.slug, False) == 1
    assert content.public_item("event", item.slug, viewer(outsider)).viewer_attends


def test_the_public_calendar_parses_and_holds_only_published_events(editor):
    start = (datetime.now(UTC) + timedelta(days=3)).astimezone(content.TIME_ZONE).replace(second=0, microsecond=0)
    for slug, publish in (("julkinen", True), ("luonnos", False)):
        item = content.save_item(viewer(editor), 0, ItemForm(kind="event", slug=slug, starts=start.strftime("%Y-%m-%d %H:%M"), ends=(start + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")))
        content.save_version(viewer(editor), item.id, VersionForm(language="fi", title=f"Tapahtuma {slug}", description="Kuvaus; pilkulla, ja rivillä"))
        if publish:
            content.publish(viewer(editor), item.id)
    calendar = icalendar.Calendar.from_ical(content.events_ics())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Tapahtuma julkinen"
    assert str(event["DESCRIPTION"]) == "Kuvaus; pilkulla, ja rivillä"
    assert event.decoded("DTSTART") == start.astimezone(UTC)


def test_crawlers_get_title_description_alternates_and_a_link_preview(editor):
    item = news(editor)
    assert content.head_tags(f"/news/{item.slug}", "sv") is None
    content.publish(viewer(editor), item.id)
    head = content.head_tags(f"/news/{item.slug}", "sv")
    assert "<title>Vårseminarium i Åbo · Partnerskap</title>" in head
    assert '<meta name="description" content="Vårseminarium i Åbo: ohjelma">' in head
    assert f'hreflang="fi" href="http://localhost:3000/news/{item.slug}?lang=fi"' in head
    assert 'hreflang="sv"' in head and 'hreflang="en"' not in head
    assert '<meta property="og:title" content="Vårseminarium i Åbo">' in head
    sitemap = content.sitemap_xml()
    assert f"<loc>http://localhost:3000/news/{item.slug}</loc>" in sitemap
    assert 'hreflang="sv"' in sitemap


def test_service_links_are_arranged_by_admins_only(admin, editor):
    links = [("Kotoutuminen.fi", "Integration.fi", "Integration.fi", "https://kotoutuminen.fi")]
    with pytest.raises(Refused, match="Only administrators"):
        content.set_service_links(viewer(editor), links)
    with pytest.raises(Invalid):
        content.set_service_links(viewer(admin), [("A", "B", "C", "javascript:alert(1)")])
    content.set_service_links(viewer(admin), links)
    assert [link.url for link in content.front_page().services] == ["https://kotoutuminen.fi"]


SHELL = b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Partnerskap</title></head><body><div id="root"></div></body></html>'


async def compiled_page(scope, receive, send):
    """The compiled page as the frontend files answer it, the same for every item: by path when the server can send files itself."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(SHELL)).encode())]})
    if "http.response.pathsend" in scope.get("extensions", {}):
        await send({"type": "http.response.pathsend", "path": "/compiled/news/[slug].html"})
    else:
        await send({"type": "http.response.body", "body": SHELL})


def server_sending_files(app):
    """The app as a server that sends files by path (granian) runs it."""

    async def serve(scope, receive, send):
        async def send_file_by_path(message):
            await send({"type": "http.response.body", "body": SHELL} if message["type"] == "http.response.pathsend" else message)

        await app({**scope, "extensions": {**scope.get("extensions", {}), "http.response.pathsend": {}}}, receive, send_file_by_path)

    return serve


async def test_a_public_items_page_carries_its_own_head_and_may_be_cached_a_draft_does_not(editor):
    published, draft = news(editor, "julkaistu"), news(editor, "luonnos")
    content.publish(viewer(editor), published.id)
    app = server_sending_files(api.SecurityHeaders(api_public.ItemHead(compiled_page)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        public = await client.get("/news/julkaistu?lang=sv")
        unpublished = await client.get("/news/luonnos")
        members_page = await client.get("/workspaces")
    assert "<title>Vårseminarium i Åbo · Partnerskap</title>" in public.text
    assert public.text.count("<title>") == 1
    assert 'hreflang="sv"' in public.text and '<meta property="og:description"' in public.text
    assert public.headers.get_list("cache-control") == ["public, max-age=60"]
    assert int(public.headers["content-length"]) == len(public.content)
    assert unpublished.content == SHELL and unpublished.headers.get_list("cache-control") == ["no-store"]
    assert members_page.headers.get_list("cache-control") == ["no-store"]
    assert draft.slug not in content.sitemap_xml()


async def test_a_visitor_tab_gets_every_language_of_a_published_item_and_nothing_of_a_draft(editor):
    published, draft = news(editor, "julkaistu"), news(editor, "luonnos")
    content.publish(viewer(editor), published.id)
    state, _ = await Tab(path="/news/[slug]?slug=julkaistu&lang=en").call(PublicContentState, "load_item")
    assert (state.found, state.asked_language, state.available) == (True, "en", ["fi", "sv"])
    assert state.plain_titles == {"sv": "Lätt: Vårseminarium i Åbo"}
    state, _ = await Tab(path=f"/news/[slug]?slug={draft.slug}").call(PublicContentState, "load_item")
    assert (state.found, state.titles, state.notice) == (False, {}, "This content does not exist.")
