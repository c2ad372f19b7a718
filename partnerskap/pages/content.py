"""Public news, events and pages in the reader's language (or plain language), and the editors' desk."""

from __future__ import annotations

import reflex as rx

from partnerskap.components.forms import choice, field, field_error, submit
from partnerskap.components.i18n import T, T_choice
from partnerskap.components.layout import page
from partnerskap.components.markup import sanitised_html
from partnerskap.components.table import data_table, row_cell
from partnerskap.i18n import LANGUAGE_NAMES, LANGUAGES
from partnerskap.schemas import (
    ContentRevisionPublic,
    ContentSummaryPublic,
    ContentVersionPublic,
    ParityRowPublic,
)
from partnerskap.i18n import N_
from partnerskap.components.report import report_control
from partnerskap.state.base import AppState
from partnerskap.state.content import (
    IMAGE_UPLOAD_ID,
    ContentEditorState,
    PublicContentState,
    ServiceLinksState,
)

KIND_LABELS = {"page": N_("Page"), "news": N_("News"), "event": N_("Event")}
STATUS_LABELS = {"draft": N_("Draft"), "scheduled": N_("Scheduled"), "published": N_("Published"), "archived": N_("Archived")}
PARITY_LABELS = {"ok": N_("Written"), "outdated": N_("Outdated"), "missing": N_("Missing")}
NOT_IN_LANGUAGE = {
    "fi": N_("This is not available in Finnish."),
    "sv": N_("This is not available in Swedish."),
    "en": N_("This is not available in English."),
}
PLAIN_NAMES = {"fi": "Selkokieli", "sv": "Lättläst", "en": "Plain English"}
LANGUAGE_NAME_VAR = rx.Var.create(LANGUAGE_NAMES)


def localized(texts: rx.Var, default_language: rx.Var) -> rx.Var:
    """A text in the reader's language, or else in the item's default language."""
    return rx.cond(texts.contains(AppState.lang), texts[AppState.lang], texts[default_language]).to(str)


def summary_card(entry: ContentSummaryPublic) -> rx.Component:
    """One news item or event in a list: its title as a link, its date (and place) and description."""
    return rx.box(
        rx.heading(rx.link(localized(entry.titles, entry.default_language), href=entry.url), as_="h3", size="4"),
        rx.text(
            entry.dates[AppState.lang],
            rx.cond(entry.place != "", rx.fragment(" · ", entry.place)),
            rx.cond(entry.online, rx.fragment(" · ", T("Online"))),
            size="2",
            color="var(--gray-11)",
        ),
        rx.cond(
            ~entry.titles.contains(AppState.lang),
            rx.text(T("Not available in your language; shown in its original language."), size="1", class_name="language-note"),
        ),
        rx.text(localized(entry.descriptions, entry.default_language), size="3"),
        class_name="content-summary",
        margin_bottom="var(--space-4)",
    )


def summaries(items: rx.Var, empty: str) -> rx.Component:
    """A list of items, or a sentence when there are none."""
    return rx.cond(items.length() == 0, rx.text(T(empty)), rx.box(rx.foreach(items, summary_card), width="100%"))


def news_list() -> rx.Component:
    """All published news, and following them."""
    return page(
        "News",
        rx.cond(
            AppState.is_member,
            rx.cond(
                PublicContentState.follows_news,
                rx.button(T("Stop following the news"), on_click=PublicContentState.follow_news(False), variant="outline"),
                rx.button(T("Follow the news"), on_click=PublicContentState.follow_news(True)),
            ),
        ),
        rx.box(summaries(PublicContentState.news, N_("No news yet.")), margin_top="var(--space-4)"),
    )


def events_page() -> rx.Component:
    """Public events, upcoming and past, with the calendar feed."""
    return page(
        "Events",
        rx.text(T("Times are Finnish time (Europe/Helsinki)."), size="2"),
        rx.link(T("Subscribe to the events in your calendar app"), href="/events.ics", is_external=False, margin_bottom="var(--space-4)"),
        rx.heading(T("Upcoming events"), as_="h2", size="5", margin_y="var(--space-3)"),
        summaries(PublicContentState.events, N_("No upcoming events.")),
        rx.heading(T("Past events"), as_="h2", size="5", margin_y="var(--space-3)"),
        summaries(PublicContentState.past_events, N_("No past events.")),
    )


def _shown_language() -> rx.Var:
    return rx.cond(PublicContentState.asked_language != "", PublicContentState.asked_language, AppState.lang).to(str)


def missing_language_notice() -> rx.Component:
    """Where the item lacks the reader's language: a notice in it, with links to the versions there are."""
    return rx.callout.root(
        rx.callout.text(T_choice(_shown_language(), NOT_IN_LANGUAGE), " ", T("Read it in:")),
        rx.hstack(
            rx.foreach(
                PublicContentState.available,
                lambda code: rx.el.a(LANGUAGE_NAME_VAR[code].to(str), href="?lang=" + code, lang=code, hreflang=code),
            ),
            spacing="3",
        ),
        class_name="missing-language",
        id="missing-language",
    )


def plain_switch() -> rx.Component:
    """One control between the standard and the plain-language text, shown where a plain version exists."""
    shown = _shown_language()
    plain_name = rx.Var.create(PLAIN_NAMES)[shown].to(str)
    return rx.cond(
        PublicContentState.plain_htmls.contains(shown),
        rx.button(
            rx.cond(PublicContentState.plain_choice == "1", T("Standard language"), plain_name),
            on_click=PublicContentState.switch_plain(PublicContentState.plain_choice != "1"),
            aria_pressed=rx.cond(PublicContentState.plain_choice == "1", "true", "false"),
            variant="outline",
            id="plain-switch",
            margin_bottom="var(--space-3)",
        ),
    )


def event_details() -> rx.Component:
    """When and where, the registration link or attending, and how many will come."""
    state = PublicContentState
    return rx.cond(
        state.kind == "event",
        rx.card(
            rx.text(T("When"), ": ", state.when[AppState.lang], " ", T("(Finnish time)")),
            rx.cond(state.place != "", rx.text(T("Where"), ": ", state.place)),
            rx.cond(state.online_url != "", rx.text(T("Online"), ": ", rx.link(state.online_url, href=state.online_url, is_external=True))),
            rx.cond(state.registration_url != "", rx.link(T("Register for the event"), href=state.registration_url, is_external=True)),
            rx.text(T("Members attending"), ": ", rx.el.span(state.attending, id="attending-count")),
            rx.cond(
                AppState.is_member & ~state.event_over,
                rx.cond(
                    state.viewer_attends,
                    rx.button(T("I will not attend after all"), on_click=state.attend(False), variant="outline"),
                    rx.button(T("I will attend"), on_click=state.attend(True)),
                ),
            ),
            margin_bottom="var(--space-4)",
        ),
    )


def item_page() -> rx.Component:
    """One page, news item or event in the reader's language, plain language when chosen."""
    state = PublicContentState
    shown = _shown_language()
    plain = (state.plain_choice == "1") & state.plain_htmls.contains(shown)
    return page(
        "",
        rx.cond(
            ~state.found,
            rx.text(T("This content does not exist.")),
            rx.cond(
                state.titles.contains(shown),
                rx.el.article(
                    rx.heading(rx.cond(plain, state.plain_titles[shown], state.titles[shown]), as_="h1", size="7", margin_bottom="var(--space-3)", id="item-title", lang=shown),
                    plain_switch(),
                    rx.cond(state.outdated.contains(shown), rx.text(T("This translation may be out of date."), size="2", class_name="language-note")),
                    event_details(),
                    rx.box(sanitised_html(rx.cond(plain, state.plain_htmls[shown], state.htmls[shown]).to(str)), lang=shown, id="item-body"),
                    rx.cond(
                        state.available.length() > 1,
                        rx.hstack(
                            rx.text(T("Also in:"), size="2"),
                            rx.foreach(state.available, lambda code: rx.cond(code != shown, rx.el.a(LANGUAGE_NAME_VAR[code].to(str), href="?lang=" + code, lang=code, hreflang=code))),
                            spacing="2",
                            margin_top="var(--space-5)",
                        ),
                    ),
                    rx.cond(AppState.is_member, rx.box(report_control("content", state.item_id), margin_top="var(--space-4)")),
                ),
                missing_language_notice(),
            ),
        ),
    )


def parity_row(row: ParityRowPublic) -> rx.Component:
    """One item in the overview, with the state of each language."""
    return rx.table.row(
        row_cell("Title", rx.link(row.title, href="/editor/" + row.id.to(str)), header=True),
        row_cell("Kind", T_choice(row.kind, KIND_LABELS)),
        row_cell("Status", T_choice(row.status, STATUS_LABELS)),
        *[row_cell(LANGUAGE_NAMES[code], T_choice(row.languages[code], PARITY_LABELS), rx.cond(row.plain.contains(code), rx.fragment(" + ", PLAIN_NAMES[code])), class_name=f"parity-{code}") for code in LANGUAGES],
    )


def editor_overview() -> rx.Component:
    """The editors' overview: every item, and which languages it lacks."""
    return page(
        "Content",
        rx.link(T("New item"), href="/editor/new", class_name="button-link", margin_bottom="var(--space-4)"),
        data_table("Content", ("Title", "Kind", "Status", *(LANGUAGE_NAMES[code] for code in LANGUAGES)), ContentEditorState.rows, parity_row),
    )


def item_settings() -> rx.Component:
    """What all versions share: kind, address, default language, and an event's time and place."""
    state = ContentEditorState
    return rx.form(
        rx.heading(T("Item"), as_="h2", size="5"),
        choice("Kind", "kind", KIND_LABELS, value=state.kind, form="item"),
        field("Address (slug)", "slug", form="item", hint="Lowercase letters a-z, digits and hyphens; the address stays the same in every language.", default_value=state.slug),
        choice("Default language", "default_language", {"fi": N_("Finnish"), "sv": N_("Swedish"), "en": N_("English")}, value=state.item_default_language, form="item"),
        field("Starts (events, Finnish time)", "starts", form="item", required=False, hint="Like 2027-05-31 14:00", default_value=state.starts),
        field("Ends (events, Finnish time)", "ends", form="item", required=False, default_value=state.ends),
        field("Place", "place", form="item", required=False, default_value=state.place),
        field("Online link", "online_url", form="item", required=False, default_value=state.online_url),
        field("Registration link", "registration_url", form="item", required=False, default_value=state.registration_url),
        submit("Save item"),
        on_submit=state.save_item,
        key=state.item_id.to(str) + state.slug,
        width="100%",
    )


def version_tab(key: str, label: rx.Var | str) -> rx.Component:
    """A button that opens one language version for editing."""
    return rx.button(
        label,
        on_click=ContentEditorState.choose_version(key),
        variant=rx.cond(ContentEditorState.editing == key, "solid", "outline"),
        aria_pressed=rx.cond(ContentEditorState.editing == key, "true", "false"),
        size="2",
        id=f"version-{key}",
    )


def version_editor(version: ContentVersionPublic) -> rx.Component:
    """The form of the version being edited (filled with its saved text)."""
    return rx.cond(ContentEditorState.editing == version.key, version_form(version.title, version.description, version.body, version.key))


def version_form(title: rx.Var | str, description: rx.Var | str, body: rx.Var | str, key: rx.Var | str) -> rx.Component:
    """Title, description and markdown text of one language version."""
    return rx.form(
        field("Title", "title", form="version", default_value=title, max_length=200),
        field("Description (for lists, search engines and link previews)", "description", form="version", required=False, default_value=description, max_length=300),
        rx.box(
            rx.el.label(T("Text (markdown)"), html_for="version-body", class_name="field-label"),
            rx.text_area(id="version-body", name="body", default_value=body, rows="14", width="100%", aria_describedby="version-body-error"),
            field_error("body", "version"),
            class_name="field",
        ),
        submit("Save this language"),
        on_submit=ContentEditorState.save_version,
        key=key,
        width="100%",
    )


def versions_panel() -> rx.Component:
    """Tabs for every language and its plain version, the form of the one open, and marking it outdated."""
    state = ContentEditorState
    has_open = state.version_keys.contains(state.editing)
    return rx.box(
        rx.heading(T("Language versions"), as_="h2", size="5", margin_top="var(--space-5)"),
        rx.hstack(
            *[
                rx.fragment(version_tab(code, LANGUAGE_NAMES[code]), version_tab(f"{code}-plain", PLAIN_NAMES[code]))
                for code in LANGUAGES
            ],
            wrap="wrap",
            role="group",
            aria_label=T("Language versions"),
            margin_y="var(--space-3)",
        ),
        rx.foreach(state.versions, version_editor),
        rx.cond(~has_open, version_form("", "", "", state.editing)),
        rx.cond(has_open, rx.button(T("Mark this translation outdated"), on_click=state.mark_outdated(state.editing), variant="ghost", size="1", margin_top="var(--space-2)")),
    )


def publishing_panel() -> rx.Component:
    """The item's state; publish now or at a time; back to draft; archive."""
    state = ContentEditorState
    return rx.box(
        rx.heading(T("Publishing"), as_="h2", size="5", margin_top="var(--space-5)"),
        rx.text(T("Status"), ": ", T_choice(state.status, STATUS_LABELS), rx.cond(state.publish_at != "", rx.fragment(" · ", state.publish_at)), id="item-status"),
        rx.cond(state.status == "published", rx.link(T("Open the public page"), href=state.public_url)),
        rx.form(
            field("Publish at (Finnish time; empty for now)", "publish_at", form="publish", required=False, hint="Like 2027-05-31 14:00"),
            submit("Publish"),
            on_submit=state.publish,
            width="100%",
        ),
        rx.hstack(
            rx.button(T("Back to draft"), on_click=state.set_status("draft"), variant="outline"),
            rx.button(T("Archive"), on_click=state.set_status("archived"), variant="outline", color_scheme="red"),
            spacing="3",
            margin_top="var(--space-2)",
        ),
    )


def images_panel() -> rx.Component:
    """Upload a picture (resized, metadata removed) and see the item's pictures."""
    from partnerskap.pages.library import labelled_upload

    state = ContentEditorState
    return rx.box(
        rx.heading(T("Pictures"), as_="h2", size="5", margin_top="var(--space-5)"),
        labelled_upload(
            T("Upload a picture"),
            rx.vstack(rx.text(T("Drop a picture here, or choose one")), rx.button(T("Choose a picture"), type="button", variant="outline"), align="center"),
            id=IMAGE_UPLOAD_ID,
            multiple=False,
            border="2px dashed var(--gray-8)",
            padding="1em",
            on_drop=state.receive_image(rx.upload_files_chunk(upload_id=IMAGE_UPLOAD_ID)),
        ),
        field_error("image"),
        rx.hstack(rx.foreach(state.images, lambda url: rx.vstack(rx.image(src=url, alt="", width="120px"), rx.code(url))), wrap="wrap", margin_top="var(--space-3)"),
    )


def revision_row(revision: ContentRevisionPublic) -> rx.Component:
    """One saved text and a button to bring it back."""
    return rx.table.row(
        row_cell("Date", revision.saved),
        row_cell("Language", revision.language, rx.cond(revision.plain, rx.fragment(" · ", T("Plain language")))),
        row_cell("Title", revision.title),
        row_cell("Actions", rx.button(T("Restore"), on_click=ContentEditorState.restore(revision.id), size="1", variant="outline")),
    )


def history_panel() -> rx.Component:
    """Every saved text of the item, newest first."""
    return rx.box(
        rx.heading(T("History"), as_="h2", size="5", margin_top="var(--space-5)"),
        data_table("History", ("Date", "Language", "Title", "Actions"), ContentEditorState.revisions, revision_row),
    )


def editor_item() -> rx.Component:
    """One item's editor: settings, language versions, publishing, pictures and history."""
    return page(
        "Edit content",
        rx.link(T("All content"), href="/editor"),
        item_settings(),
        rx.cond(ContentEditorState.item_id > 0, rx.fragment(versions_panel(), publishing_panel(), images_panel(), history_panel())),
    )


def service_links() -> rx.Component:
    """Administrators arrange the national services linked from the front page."""
    return page(
        "National services",
        rx.form(
            rx.el.label(T("One link a line: Finnish title | Swedish title | English title | https://address"), html_for="services-links", class_name="field-label"),
            rx.text_area(id="services-links", name="links", default_value=ServiceLinksState.links_text, rows="8", width="100%", aria_describedby="services-links-error"),
            field_error("links", "services"),
            submit("Save"),
            on_submit=ServiceLinksState.save_services,
            key=ServiceLinksState.links_text,
            width="100%",
        ),
    )
