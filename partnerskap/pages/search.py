"""The search results page: a query box, filters by kind, sorting, passages with the matching words marked, paging."""

from __future__ import annotations

import reflex as rx

from partnerskap.components.i18n import T, T_choice
from partnerskap.components.layout import page
from partnerskap.i18n import N_
from partnerskap.schemas import SearchHitPublic, SnippetPiece
from partnerskap.state.search import SearchState

KIND_LABELS = {
    "": N_("Everything"),
    "content": N_("Pages and news"),
    "post": N_("Posts"),
    "document": N_("Documents"),
    "activity": N_("Activities"),
    "member": N_("Members"),
    "workspace": N_("Workspaces"),
    "network": N_("Networks"),
    "event": N_("Events"),
}
MEMBER_KINDS = ("post", "document", "member", "workspace", "network")


def query_box() -> rx.Component:
    """The query, kept in the box, searched again on Enter; inside a workspace the search stays in it."""
    return rx.el.form(
        rx.el.label(T("Search for"), html_for="search-query", class_name="field-label"),
        rx.hstack(
            rx.input(id="search-query", name="q", type="search", default_value=SearchState.q, key=SearchState.q, max_length=200, width="100%"),
            rx.el.input(type="hidden", name="in", value=SearchState.scope_id.to(str)),
            rx.button(T("Search"), type="submit", size="2"),
            width="100%",
            align="center",
        ),
        on_submit=SearchState.go,
        role="search",
        aria_label=T("Search"),
        width="100%",
    )


def kind_filter(kind: str) -> rx.Component:
    """One kind to show, with how many of it were found; the current one is marked."""
    link = rx.link(
        T(KIND_LABELS[kind]),
        " ",
        SearchState.counts[kind],
        href=SearchState.kind_links[kind],
        class_name=rx.cond(SearchState.kind == kind, "chip chip-current", "chip"),
        aria_current=rx.cond(SearchState.kind == kind, "page", "false"),
        id=f"kind-{kind or 'all'}",
    )
    return rx.cond(SearchState.is_member, link) if kind in MEMBER_KINDS else link  # visitors search public kinds only


def piece(part: SnippetPiece) -> rx.Component:
    """A piece of a passage: text, marked when it matched (never HTML)."""
    return rx.cond(part.marked, rx.el.mark(part.text), rx.el.span(part.text))


def hit_card(hit: SearchHitPublic) -> rx.Component:
    """One result: its kind, title as a link, where it is, when, and the passage that matched."""
    return rx.el.li(
        rx.text(T_choice(hit.kind, KIND_LABELS), rx.cond(hit.place != "", " · " + hit.place, ""), " · ", hit.date, size="1", color="var(--gray-11)"),
        rx.link(rx.cond(hit.title != "", hit.title, T("(untitled)")), href=hit.link, class_name="search-title", weight="bold"),
        rx.text(rx.foreach(hit.pieces, piece), size="2", class_name="search-snippet"),
        class_name="search-hit",
    )


def results() -> rx.Component:
    """The filters, the order and the page of results, or that nothing was found."""
    return rx.vstack(
        rx.flex(*[kind_filter(kind) for kind in KIND_LABELS], wrap="wrap", gap="2", role="navigation", aria_label=T("Kinds of results")),
        rx.hstack(
            rx.text(T("Order"), ":", size="2"),
            rx.link(T("Most relevant"), href=SearchState.relevance_link, aria_current=rx.cond(SearchState.sort == "relevance", "page", "false"), id="sort-relevance"),
            rx.link(T("Newest first"), href=SearchState.date_link, aria_current=rx.cond(SearchState.sort == "date", "page", "false"), id="sort-date"),
            spacing="3",
            align="center",
        ),
        rx.cond(
            SearchState.total == 0,
            rx.text(T("Nothing was found. Try other or fewer words."), id="search-empty"),
            rx.el.ol(rx.foreach(SearchState.hits, hit_card), class_name="search-results", id="search-results"),
        ),
        rx.cond(
            SearchState.pages > 1,
            rx.hstack(
                rx.cond(SearchState.previous_link != "", rx.link(T("Previous"), href=SearchState.previous_link, id="search-previous")),
                rx.text(SearchState.page_number, " / ", SearchState.pages),
                rx.cond(SearchState.next_link != "", rx.link(T("Next"), href=SearchState.next_link, id="search-next")),
                spacing="3",
                align="center",
            ),
        ),
        spacing="4",
        width="100%",
    )


def search_page() -> rx.Component:
    """Search everything the viewer may see; inside a workspace, only that workspace until they choose everywhere."""
    return page(
        "Search",
        rx.vstack(
            query_box(),
            rx.cond(
                SearchState.scope_name != "",
                rx.hstack(
                    rx.text(T("In the workspace"), " ", rx.el.strong(SearchState.scope_name), id="search-scope"),
                    rx.link(T("Search everywhere"), href=SearchState.everywhere_link, id="search-everywhere"),
                    spacing="3",
                    wrap="wrap",
                ),
            ),
            rx.cond(~SearchState.is_member, rx.text(T("Visitors find public pages, news, events and activities. Log in to search discussions and documents."), size="2")),
            rx.cond(SearchState.searched, results()),
            spacing="4",
            width="100%",
        ),
    )
