"""The page shell: skip link, header with navigation, language and account menu, message banner, footer."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.components.core.banner import has_connection_errors

from partnerskap.components.avatar import avatar
from partnerskap.components.document import document_effects, document_title
from partnerskap.components.i18n import T
from partnerskap.components.report import report_dialog
from partnerskap.i18n import LANGUAGE_NAMES, LANGUAGES
from partnerskap.state.base import AppState
from partnerskap.state.language import LanguageState
from partnerskap.state.search import SearchState


def skip_link() -> rx.Component:
    """The first thing a keyboard user reaches."""
    return rx.el.a(T("Skip to content"), href="#main", class_name="skip-link")


def nav_link(label: str, href: str) -> rx.Component:
    """A link in the main navigation."""
    return rx.link(T(label), href=href, class_name="nav-link", underline="hover")


def language_switcher() -> rx.Component:
    """Buttons for Finnish, Swedish and English, each named in its own language."""
    return rx.hstack(
        *[
            rx.button(
                LANGUAGE_NAMES[code],
                lang=code,
                on_click=LanguageState.switch_language(code),
                variant=rx.cond(AppState.lang == code, "solid", "ghost"),
                aria_pressed=rx.cond(AppState.lang == code, "true", "false"),
                size="1",
                class_name=f"lang-{code}",
            )
            for code in LANGUAGES
        ],
        role="group",
        aria_label=T("Language"),
        spacing="1",
        align="center",
    )


# The push endpoint of this browser, if the member switched push on here (components/push.py keeps it): logging out
# forgets that device on the server, so the next person at a shared computer sees none of the member's notifications.
PUSH_DEVICE = rx.Var("(() => { try { return localStorage.getItem('partnerskap-push-endpoint') ?? '' } catch (error) { return '' } })()", _var_type=str)


def account_menu() -> rx.Component:
    """Log in and register for visitors; account and log out for people who are signed in."""
    return rx.cond(
        AppState.signed_in,
        rx.hstack(
            rx.link(
                rx.hstack(avatar(AppState.viewer_picture, AppState.viewer_initials, size="1"), rx.text(AppState.viewer_name, as_="span", class_name="viewer-name"), align="center", spacing="2"),
                href="/account",
                class_name="nav-link",
            ),
            rx.button(T("Log out"), on_click=AppState.log_out(PUSH_DEVICE), variant="outline", size="1", id="log-out"),
            align="center",
            spacing="3",
        ),
        rx.hstack(
            nav_link("Log in", "/login"),
            rx.link(T("Register"), href="/register", class_name="nav-link button-link"),
            align="center",
            spacing="3",
        ),
    )


def navigation(nav_entry: Callable[[str, str], rx.Component], notifications: rx.Component) -> list[rx.Component]:
    """The main navigation, the same in the wide header and the phone menu: `nav_entry` draws one entry."""
    return [
        rx.cond(AppState.is_member, nav_entry("Home", "/home"), nav_entry("Home", "/")),
        nav_entry("News", "/news"),
        nav_entry("Events", "/events"),
        nav_entry("Activities", "/activities"),
        rx.cond(AppState.is_member, nav_entry("Workspaces", "/workspaces")),
        nav_entry("People", "/people"),
        rx.cond(AppState.is_member, nav_entry("Networks", "/networks")),
        rx.cond(AppState.is_member, notifications),
        rx.cond(AppState.is_editor, nav_entry("Content", "/editor")),
        rx.cond(AppState.is_admin, nav_entry("Administration", "/admin")),
        rx.cond(AppState.is_admin, nav_entry("Moderation", "/moderation")),
    ]


def phone_menu(scoped: rx.Var, scope: rx.Var) -> rx.Component:
    """Everything the header holds, in one menu button for narrow screens (the header stays one row at 360 px); its search opens in the page's workspace."""
    item = lambda label, href: rx.menu.item(rx.link(T(label), href=href, underline="none", width="100%"))  # noqa: E731
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                T("Menu"),
                rx.cond(AppState.unread_notifications > 0, rx.badge(AppState.unread_notifications, color_scheme="orange")),
                variant="outline",
                size="2",
                class_name="menu-button",
            )
        ),
        rx.menu.content(
            rx.menu.item(rx.link(T("Search"), href=rx.cond(scoped, "/search?in=" + scope.to(str), "/search"), underline="none", width="100%")),
            *navigation(
                item,
                rx.menu.item(rx.link(T("Notifications"), " (", AppState.unread_notifications, ")", href="/notifications", underline="none", width="100%")),
            ),
            rx.menu.separator(),
            *[
                rx.menu.item(LANGUAGE_NAMES[code], lang=code, on_click=LanguageState.switch_language(code), class_name=f"menu-lang-{code}")
                for code in LANGUAGES
            ],
            rx.menu.separator(),
            rx.cond(
                AppState.signed_in,
                rx.fragment(
                    rx.menu.item(rx.link(AppState.viewer_name, href="/account", underline="none", width="100%")),
                    rx.menu.item(T("Log out"), on_click=AppState.log_out(PUSH_DEVICE), class_name="menu-log-out"),
                ),
                rx.fragment(item("Log in", "/login"), item("Register", "/register")),
            ),
        ),
    )


def search_box(scoped: rx.Var, scope: rx.Var, place: rx.Var) -> rx.Component:
    """The header's search box: Enter shows the results page (no button of its own: a page's form stays its only submit button).

    On a workspace's pages a chip says the search stays in that workspace; removing it searches everywhere.
    """
    chip = rx.el.span(
        T("In the workspace"),
        " ",
        rx.el.strong(place, title=place, class_name="scope-chip-name"),
        rx.el.button("×", type="button", on_click=SearchState.leave_scope(scope), aria_label=T("Search everywhere"), title=T("Search everywhere"), id="header-scope-remove", class_name="scope-chip-remove"),
        class_name="chip scope-chip",
        id="header-scope",
    )
    return rx.el.form(
        rx.cond(scoped, chip),
        rx.el.input(type="hidden", name="in", value=rx.cond(scoped, scope.to(str), "0")),
        rx.input(name="q", type="search", placeholder=T("Search"), aria_label=T("Search for"), max_length=200, size="1", id="header-search", class_name="header-search-input"),
        on_submit=SearchState.go,
        aria_label=T("Search"),
        role="search",
        class_name="header-search",
    )


def header(scope: rx.Var, place: rx.Var) -> rx.Component:
    """Two calm rows on wide screens (the name, search, languages and account; then the navigation), one row with a menu on phones.

    The search stays in the page's workspace (`scope`, 0 when none) for a member who kept its scope.
    """
    scoped = (scope != 0) & (SearchState.left_scope != scope) & AppState.is_member
    return rx.el.header(
        rx.flex(
            rx.link(rx.cond(AppState.instance_name != "", AppState.instance_name, T("Partnership Platform")), href="/", class_name="brand", underline="none", id="brand"),
            rx.box(search_box(scoped, scope, place), class_name="header-wide"),
            rx.spacer(),
            rx.box(language_switcher(), class_name="header-wide"),
            rx.box(account_menu(), class_name="header-wide"),
            rx.box(phone_menu(scoped, scope), class_name="header-phone"),
            align="center",
            spacing="4",
            class_name="header-inner header-top",
        ),
        rx.el.nav(
            rx.flex(
                *navigation(
                    nav_link,
                    rx.link(
                        T("Notifications"),
                        rx.cond(AppState.unread_notifications > 0, rx.badge(AppState.unread_notifications, color_scheme="orange", margin_left="1", id="unread-count")),
                        href="/notifications",
                        class_name="nav-link",
                    ),
                ),
                wrap="wrap",
                align="center",
                class_name="header-inner header-links",
            ),
            aria_label=T("Main navigation"),
            class_name="header-wide header-nav",
        ),
        class_name="site-header",
    )


def notice_banner() -> rx.Component:
    """The last message for the viewer, read out by screen readers when it changes."""
    return rx.box(
        rx.cond(
            AppState.notice != "",
            rx.callout.root(
                rx.callout.text(AppState.notice),
                rx.button(T("Close"), on_click=AppState.dismiss_notice, variant="ghost", size="1"),
                class_name="notice",
            ),
        ),
        role="status",
        aria_live="polite",
    )


def connection_status() -> rx.Component:
    """While the server cannot be reached, a calm line in the viewer's language (Reflex's own toast is English only)."""
    return rx.box(
        rx.cond(
            has_connection_errors,
            rx.text(
                T("The connection to the platform was lost. Reconnecting… What you write stays here and is sent when the connection returns."),
                class_name="connection-lost",
                id="connection-lost",
            ),
        ),
        role="status",
        aria_live="polite",
    )


def update_offer() -> rx.Component:
    """Shown by /pwa.js when a new release of the platform has taken over: a reload loads it."""
    return rx.box(
        rx.text(T("A new version of the platform is ready."), as_="span"),
        rx.el.button(T("Reload"), type="button", id="update-reload", class_name="update-reload"),
        id="update-ready",
        hidden=True,
        role="status",
        class_name="update-ready",
    )


def footer() -> rx.Component:
    """Links to the terms of use, privacy notice, accessibility statement and transparency report."""
    return rx.el.footer(
        rx.flex(
            rx.link(T("Terms of use"), href="/terms"),
            rx.link(T("Privacy notice"), href="/privacy"),
            rx.link(T("Accessibility statement"), href="/accessibility"),
            rx.link(T("Transparency report"), href="/transparency"),
            spacing="5",
            wrap="wrap",
        ),
        class_name="site-footer",
    )


def page(title: str, *children: rx.Component, heading: rx.Var | None = None, context: rx.Var | None = None, scope: rx.Var | None = None) -> rx.Component:
    """One page of the app inside the shell, led by its real title (`heading`, e.g. a thread's, until it is known `title`).

    The browser's tab reads "Title – Context – Partnership Platform" (the context: the workspace a page belongs to).
    `scope` is that workspace's id (0 when the page has none): the header's search stays in it by default, its chip
    naming the context (or, on the workspace's own page, its heading).
    """
    instance = T("Partnership Platform")
    if heading is None:
        shown = T(title) if title else instance
    else:
        shown = rx.cond(heading != "", heading, T(title)) if title else heading
    named = shown + " – " + instance if context is None else rx.cond(context != "", shown + " – " + context + " – " + instance, shown + " – " + instance)
    return rx.box(
        document_effects(),
        document_title(rx.cond(shown == instance, instance, named)),
        skip_link(),
        connection_status(),
        update_offer(),
        header(rx.Var.create(0) if scope is None else scope, context if context is not None else heading if heading is not None else rx.Var.create("")),
        rx.el.main(
            notice_banner(),
            *([rx.heading(shown, as_="h1", size="7", margin_bottom="var(--space-4)")] if title or heading is not None else []),  # a content item's page names itself
            *children,
            id="main",
            tab_index=-1,
            class_name="site-main",
        ),
        footer(),
        rx.cond(AppState.is_member, report_dialog()),
        lang=AppState.lang,
        class_name="site",
    )


def starting_shell() -> rx.Component:
    """What a page with a part in its address (`/threads/12`) shows until the app has started: the header's bar.

    Such a page has no prerendered HTML, so it was blank until its scripts had run (2.9 s in Lighthouse's mobile run).
    It knows no state yet, so it holds nothing in words: the platform's mark, the header's outline and a busy main.
    """
    return rx.el.div(
        rx.el.div(rx.el.div(rx.el.img(src="/icon.svg", alt="", class_name="starting-mark"), class_name="header-inner"), class_name="site-header"),
        rx.el.main(class_name="site-main awaiting-data", aria_busy="true"),
        class_name="site",
    )
