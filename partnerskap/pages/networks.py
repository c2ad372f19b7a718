"""Networks: the list and the creation form, a network's page; open areas and direct messages, all on one discussion code."""

import reflex as rx

from partnerskap.components.composer import chosen_mentions, composer_behaviour, mention_box, mention_hint, mention_list
from partnerskap.components.forms import choice, field, field_error, native_select, submit, textarea_field
from partnerskap.components.i18n import T, T_choice
from partnerskap.components.labels import NETWORK_ACCESS_LABELS, NETWORK_KIND_LABELS
from partnerskap.components.layout import page
from partnerskap.schemas import ConversationSummary, NetworkCard, NetworkMemberRow
from partnerskap.components.report import report_control
from partnerskap.state.base import AppState
from partnerskap.state.messages import AreasState, MessagesState
from partnerskap.state.networks import NetworksState, NetworkState


def start_thread_form(key: rx.Var, on_submit, mentionable: rx.Var, find_mentions) -> rx.Component:
    """Start a discussion in a network or an open area; `@` offers its members, looked up by `find_mentions` as one types."""
    return rx.form(
        composer_behaviour(find_mentions),
        rx.vstack(
            rx.el.input(type="hidden", name="key", value=key),
            chosen_mentions("thread-body", key=key),
            field("Title", "title", form="thread", max_length=200),
            rx.box(
                rx.el.label(T("Message (markdown)"), html_for="thread-body", class_name="field-label"),
                mention_hint("thread-mention-hint"),
                rx.box(
                    rx.text_area(
                        id="thread-body",
                        name="body",
                        rows="5",
                        width="100%",
                        max_length=20000,
                        aria_describedby="thread-body-error thread-mention-hint",
                        **mention_box("thread-body", look_up=True),
                    ),
                    mention_list("thread-body", mentionable),
                    class_name="mention-anchor",
                ),
                field_error("body", "thread"),
                width="100%",
            ),
            submit("Start the discussion"),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        aria_label=T("Start a discussion"),
    )


def thread_list(threads: rx.Var) -> rx.Component:
    """A place's discussions, each a link with its last activity."""
    return rx.el.ul(
        rx.foreach(
            threads,
            lambda thread: rx.el.li(
                rx.link(thread.title, href="/threads/" + thread.id.to(str), font_weight=rx.cond(thread.unread, "bold", "normal")),
                " · ",
                thread.author,
                " · ",
                thread.last_post,
            ),
        ),
        class_name="thread-list",
    )


def network_card(card: NetworkCard) -> rx.Component:
    """One network in the list."""
    return rx.card(
        rx.vstack(
            rx.link(rx.heading(card.name, as_="h2", size="4"), href="/networks/" + card.id.to(str)),
            rx.text(card.purpose),
            rx.hstack(
                rx.badge(T_choice(card.kind, NETWORK_KIND_LABELS)),
                rx.badge(T_choice(card.access, NETWORK_ACCESS_LABELS), variant="outline"),
                rx.cond(card.role != "", rx.badge(T("Member"), color_scheme="green")),
                rx.cond(card.pending, rx.badge(T("Request sent"), color_scheme="orange")),
                rx.cond(card.closed, rx.badge(T("Closed"), color_scheme="gray")),
                wrap="wrap",
            ),
            rx.text(T("Members"), ": ", card.member_count, size="2"),
            spacing="2",
        ),
    )


def network_list() -> rx.Component:
    """Networks to find and join, and the form that creates one."""
    return page(
        "Networks",
        rx.hstack(rx.link(T("Open areas"), href="/areas"), rx.link(T("Messages"), href="/messages"), spacing="4", margin_bottom="var(--space-3)"),
        rx.form(
            rx.hstack(field("Search", "query", required=False, max_length=100), rx.box(submit("Search"), align_self="end")),
            on_submit=NetworksState.search,
            aria_label=T("Search networks"),
        ),
        rx.el.section(rx.foreach(NetworksState.cards, network_card), aria_label=T("Networks"), class_name="network-list"),
        rx.heading(T("Create a network"), as_="h2", size="5", margin_top="var(--space-6)"),
        rx.form(
            rx.vstack(
                field("Name", "name", form="network", max_length=120),
                textarea_field("Purpose", "purpose", form="network", required=False, max_length=1000),
                choice("Kind", "kind", NETWORK_KIND_LABELS, form="network"),
                choice("Who can join", "access", NETWORK_ACCESS_LABELS, form="network"),
                submit("Create the network"),
                spacing="3",
                max_width="40em",
            ),
            on_submit=NetworksState.create,
            aria_label=T("Create a network"),
        ),
    )


def member_row(member: NetworkMemberRow) -> rx.Component:
    """A member in a network's list."""
    return rx.el.li(
        rx.link(member.name, href="/people/" + member.id.to(str)),
        rx.cond(member.organisation != "", rx.text.span(" · ", member.organisation)),
        rx.cond(member.role == "owner", rx.badge(T("Owner"), margin_left="2")),
    )


def request_row(request: NetworkMemberRow) -> rx.Component:
    """A request to join, for the network's owners."""
    return rx.el.li(
        request.name,
        " ",
        rx.button(T("Accept"), on_click=NetworkState.decide_request(request.id, True), size="1"),
        " ",
        rx.button(T("Decline"), on_click=NetworkState.decide_request(request.id, False), size="1", variant="outline"),
    )


def link_workspace_form() -> rx.Component:
    """Link one of the member's own workspaces to the network."""
    return rx.form(
        rx.hstack(
            rx.box(
                rx.el.label(T("Link one of your workspaces"), html_for="link-workspace_id", class_name="field-label"),
                native_select(
                    rx.foreach(NetworkState.linkable, lambda link: rx.el.option(link.name, value=link.id.to(str))),
                    id="link-workspace_id",
                    name="workspace_id",
                ),
                field_error("workspace_id", "link"),
            ),
            rx.box(submit("Link the workspace"), align_self="end"),
            wrap="wrap",
            align="end",
        ),
        on_submit=NetworkState.link_workspace,
        aria_label=T("Link one of your workspaces"),
    )


def network_page() -> rx.Component:
    """A network: who is in it, its discussion and linked workspaces; join, leave, and for administrators merge and close."""
    return page(
        "Network",
        rx.cond(
            NetworkState.found,
            rx.vstack(
                rx.heading(NetworkState.name, as_="h2", size="6", id="network-name"),
                rx.text(NetworkState.purpose),
                rx.hstack(
                    rx.badge(T_choice(NetworkState.kind, NETWORK_KIND_LABELS)),
                    rx.badge(T_choice(NetworkState.access, NETWORK_ACCESS_LABELS), variant="outline"),
                    rx.cond(NetworkState.closed, rx.badge(T("Closed"), color_scheme="gray")),
                    rx.cond(AppState.is_member, report_control("network", NetworkState.network_id)),
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(NetworkState.can_join, rx.button(T("Join the network"), on_click=NetworkState.join, id="join-network")),
                rx.cond(NetworkState.pending, rx.text(T("Your request to join is waiting for the network's owners."))),
                rx.cond(NetworkState.can_leave, rx.button(T("Leave the network"), on_click=NetworkState.leave, variant="outline", size="1")),
                rx.cond(
                    NetworkState.requests.length() > 0,
                    rx.box(rx.heading(T("Requests to join"), as_="h3", size="4"), rx.el.ul(rx.foreach(NetworkState.requests, request_row))),
                ),
                rx.heading(T("Discussion"), as_="h3", size="4"),
                rx.cond(NetworkState.can_read, thread_list(NetworkState.threads), rx.text(T("Join the network to read and take part in its discussion."))),
                rx.cond(NetworkState.can_contribute, start_thread_form(NetworkState.thread_key, NetworkState.start_thread, NetworkState.mentionable, NetworkState.find_mentions)),
                rx.cond(
                    NetworkState.linked.length() > 0,
                    rx.box(
                        rx.heading(T("Linked workspaces"), as_="h3", size="4"),
                        rx.el.ul(rx.foreach(NetworkState.linked, lambda link: rx.el.li(rx.link(link.name, href="/workspaces/" + link.id.to(str)))), id="linked-workspaces"),
                    ),
                ),
                rx.cond(NetworkState.linkable.length() > 0, link_workspace_form()),
                rx.heading(T("Members"), " (", NetworkState.member_count, ")", as_="h3", size="4"),
                rx.el.ul(rx.foreach(NetworkState.members, member_row), id="network-members"),
                rx.cond(
                    AppState.is_admin,
                    rx.box(
                        rx.heading(T("Administration"), as_="h3", size="4"),
                        rx.form(
                            rx.hstack(field("Merge into the network number", "target", form="merge", max_length=12), rx.box(submit("Merge"), align_self="end")),
                            on_submit=NetworkState.merge_into,
                            aria_label=T("Merge"),
                        ),
                        rx.cond(~NetworkState.closed, rx.button(T("Close the network"), on_click=NetworkState.close, color_scheme="red", variant="outline", margin_top="var(--space-2)")),
                    ),
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )


def area_list() -> rx.Component:
    """The open discussion areas, and for administrators the form that opens one."""
    return page(
        "Open areas",
        rx.text(T("Every member reads and writes in open areas without joining.")),
        rx.el.ul(rx.foreach(AreasState.areas, lambda area: rx.el.li(rx.link(area.name, href="/areas/" + area.id.to(str)))), class_name="area-list"),
        rx.cond(
            AppState.is_admin,
            rx.form(
                rx.vstack(
                    rx.heading(T("Open a new area"), as_="h2", size="4"),
                    field("Name", "name", form="area", max_length=120),
                    textarea_field("Description", "description", form="area", required=False, max_length=1000),
                    submit("Open the area"),
                    spacing="3",
                    max_width="40em",
                ),
                on_submit=AreasState.create,
                aria_label=T("Open a new area"),
            ),
        ),
    )


def area_page() -> rx.Component:
    """An open area: its discussions and the form that starts one."""
    return page(
        "Open area",
        rx.cond(
            AreasState.found,
            rx.vstack(
                rx.heading(AreasState.name, as_="h2", size="6"),
                rx.text(AreasState.description),
                thread_list(AreasState.threads),
                start_thread_form(AreasState.thread_key, AreasState.start_thread, AreasState.mentionable, AreasState.find_mentions),
                spacing="3",
                width="100%",
            ),
        ),
    )


def conversation_row(row: ConversationSummary) -> rx.Component:
    """A conversation in the viewer's list."""
    return rx.el.li(rx.link(row.title, href="/threads/" + row.thread_id.to(str)), " · ", row.with_names, " · ", row.last_post)


def message_list() -> rx.Component:
    """The viewer's private conversations."""
    return page(
        "Messages",
        rx.text(T("Only the people in a conversation read it."), size="2"),
        rx.el.ul(rx.foreach(MessagesState.conversations, conversation_row), class_name="conversation-list"),
        rx.link(T("Find someone to write to"), href="/people"),
    )


def new_message() -> rx.Component:
    """Write to a member."""
    return page(
        "New message",
        rx.text(T("To"), ": ", rx.el.strong(MessagesState.to_name, id="message-to")),
        field_error("to", "message"),
        rx.form(
            rx.vstack(
                rx.el.input(type="hidden", name="key", value=MessagesState.message_key),
                field("Subject", "title", form="message", max_length=200),
                textarea_field("Message (markdown)", "body", form="message", max_length=20000),
                submit("Send"),
                spacing="3",
                max_width="40em",
            ),
            on_submit=MessagesState.send,
            aria_label=T("New message"),
        ),
    )
