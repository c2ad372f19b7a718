"""Workspaces: the list, the creation form, a workspace's front page, members and settings."""

import reflex as rx

from partnerskap.components.avatar import avatar
from partnerskap.components.composer import chosen_mentions, composer_behaviour, mention_box, mention_hint, mention_list
from partnerskap.components.forms import choice, field, field_error, submit, textarea_field
from partnerskap.components.i18n import T, T_choice
from partnerskap.components.labels import ACCESS_LABELS, COLOUR_LABELS, KIND_LABELS, LIFECYCLE_LABELS, OWNER_LIFECYCLE_LABELS, WORKSPACE_ROLE_LABELS
from partnerskap.components.layout import page
from partnerskap.components.links import route_link
from partnerskap.components.markup import sanitised_html
from partnerskap.components.report import report_control
from partnerskap.components.table import data_table, row_cell
from partnerskap.i18n import LANGUAGE_NAMES, N_
from partnerskap.schemas import EventPublic, MemberRow, ThreadSummary, WorkspaceCard
from partnerskap.pages.moderation import closing_form, premoderation_form
from partnerskap.state.workspaces import WorkspacesState, WorkspaceState


def workspace_card(card: WorkspaceCard) -> rx.Component:
    """One workspace in the list."""
    return rx.card(
        rx.vstack(
            rx.link(rx.heading(card.name, as_="h2", size="4"), href="/workspaces/" + card.id.to(str)),
            rx.text(card.purpose),
            rx.hstack(
                rx.badge(T_choice(card.kind, KIND_LABELS)),
                rx.badge(T_choice(card.access, ACCESS_LABELS), variant="outline"),
                rx.badge(T_choice(card.lifecycle, LIFECYCLE_LABELS), variant="soft"),
                rx.cond(card.role != "", rx.badge(T_choice(card.role, WORKSPACE_ROLE_LABELS), color_scheme="green")),
                rx.cond(card.request_pending, rx.badge(T("Request sent"), color_scheme="orange")),
                wrap="wrap",
            ),
            rx.text(T("Members"), ": ", card.member_count, size="2"),
            spacing="2",
        ),
        class_name="workspace-card colour-" + card.colour,
    )


def workspace_list() -> rx.Component:
    """Workspaces I belong to and those I may discover, with search and filters."""
    return page(
        "Workspaces",
        rx.hstack(rx.link(T("Create a workspace"), href="/workspaces/new", class_name="button-link"), margin_bottom="var(--space-4)"),
        rx.cond(
            WorkspacesState.my_invitations.length() > 0,
            rx.box(
                rx.heading(T("Invitations"), as_="h2", size="4"),
                rx.foreach(
                    WorkspacesState.my_invitations,
                    lambda invitation: rx.hstack(
                        rx.text(invitation.workspace),
                        rx.button(T("Accept"), on_click=WorkspacesState.answer_invitation(invitation.id, True), size="1"),
                        rx.button(T("Decline"), on_click=WorkspacesState.answer_invitation(invitation.id, False), size="1", variant="outline"),
                        align="center",
                    ),
                ),
                margin_bottom="var(--space-4)",
            ),
        ),
        rx.form(
            rx.hstack(
                rx.box(
                    rx.el.label(T("Search"), html_for="query", class_name="field-label"),
                    rx.input(id="query", name="query", type="search", default_value=WorkspacesState.query),
                ),
                choice("Show", "show", {"all": N_("All I can see"), "mine": N_("Only mine")}, value="all"),
                choice("Type", "kind", {"": N_("All"), "project": N_("Project"), "event": N_("Event")}),
                rx.button(T("Search"), type="submit"),
                align="end",
                wrap="wrap",
                spacing="3",
            ),
            on_submit=WorkspacesState.search,
            aria_label=T("Search workspaces"),
            role="search",
        ),
        rx.cond(
            WorkspacesState.cards.length() == 0,
            rx.text(T("No workspaces found."), margin_top="var(--space-4)"),
            rx.grid(rx.foreach(WorkspacesState.cards, workspace_card), columns=rx.breakpoints(initial="1", md="2"), spacing="3", margin_top="var(--space-4)"),
        ),
    )


def workspace_fields(intro=None) -> list[rx.Component]:
    """The fields of the create and settings forms, filled with the workspace's values in settings."""

    def current(name: str, fallback: str):
        return getattr(intro, name) if intro is not None else fallback

    return [
        field("Name", "name", max_length=120, default_value=current("name", "")),
        field("Purpose", "purpose", max_length=300, hint="One sentence: what is the workspace for?", default_value=current("purpose", "")),
        rx.box(
            rx.el.label(T("Description (markdown)"), html_for="description", class_name="field-label"),
            rx.text_area(id="description", name="description", max_length=10000, rows="5", width="100%", default_value=current("description", "")),
            field_error("description"),
            class_name="field",
        ),
        choice("Type", "kind", KIND_LABELS, value=current("kind", "project")),
        rx.box(
            field("Starts on", "starts_on", type="date", required=False, default_value=current("starts_iso", "")),
            field("Ends on", "ends_on", type="date", required=False, default_value=current("ends_iso", "")),
            class_name="field-pair",
        ),
        choice("Language", "language", dict(LANGUAGE_NAMES), value=current("language", "fi")),
        choice("Cover colour", "colour", COLOUR_LABELS, value=current("colour", "teal")),
        choice("Who can join", "access", ACCESS_LABELS, value=current("access", "open")),
        choice("Status", "lifecycle", {"preparing": N_("Being prepared"), "active": N_("Active")} if intro is None else OWNER_LIFECYCLE_LABELS, value=current("lifecycle", "active")),
    ]


def new_workspace() -> rx.Component:
    """Create a free workspace for a project or an event."""
    return page(
        "Create a workspace",
        rx.text(T("Workspaces are free. You become the owner and decide who can join.")),
        rx.form(
            rx.vstack(*workspace_fields(), submit("Create the workspace"), spacing="4", max_width="40em", margin_top="var(--space-4)"),
            on_submit=WorkspacesState.create,
            aria_label=T("Create a workspace"),
        ),
    )


def workspace_header(*, named: bool = True) -> rx.Component:
    """The workspace's name (unless the page's title is the name), status and navigation."""
    intro = WorkspaceState.intro
    return rx.box(
        *([rx.heading(intro.name, as_="h2", size="6")] if named else []),
        rx.text(intro.purpose, size="4"),
        rx.hstack(
            rx.badge(T_choice(intro.kind, KIND_LABELS)),
            rx.badge(T_choice(intro.lifecycle, LIFECYCLE_LABELS), variant="soft"),
            rx.badge(T_choice(intro.access, ACCESS_LABELS), variant="outline"),
            rx.badge(T_choice(intro.role, WORKSPACE_ROLE_LABELS), color_scheme="green"),
            wrap="wrap",
            margin_y="var(--space-2)",
        ),
        rx.cond(intro.starts_on != "", rx.text(T("Dates"), ": ", intro.starts_on, " – ", intro.ends_on, size="2")),
        rx.text(T("Owners"), ": ", intro.owners, size="2"),
        rx.cond(
            intro.closed_reason != "",
            rx.callout.root(
                rx.callout.text(T("This workspace was closed by the administrators: it can be read but not changed."), " ", intro.closed_on),
                rx.callout.text(T("Reason"), ": ", intro.closed_reason),
                rx.callout.text(T("You can still download the documents you uploaded:"), " ", route_link(T("your documents (.zip)"), href="/workspaces/" + intro.id.to(str) + "/export.zip")),
                color_scheme="red",
                id="closed-notice",
                margin_y="var(--space-2)",
            ),
        ),
        rx.cond(intro.role != "owner", report_control("workspace", intro.id)),
        rx.cond(
            intro.can_read,
            rx.el.nav(
                rx.hstack(
                    rx.link(T("Front page"), href="/workspaces/" + intro.id.to(str)),
                    rx.link(T("Members"), href="/workspaces/" + intro.id.to(str) + "/members"),
                    rx.link(T("Documents"), href="/workspaces/" + intro.id.to(str) + "/documents"),
                    route_link(T("Calendar (.ics)"), href="/workspaces/" + intro.id.to(str) + "/calendar.ics"),
                    rx.cond(intro.can_own, rx.link(T("Settings"), href="/workspaces/" + intro.id.to(str) + "/settings")),
                    rx.cond(intro.can_moderate, rx.link(T("Moderation"), href="/moderation")),
                    spacing="4",
                    wrap="wrap",
                ),
                aria_label=T("Workspace"),
                margin_top="var(--space-2)",
            ),
        ),
        class_name="workspace-header colour-" + intro.colour,
    )


def thread_row(thread: ThreadSummary) -> rx.Component:
    """One discussion in the list."""
    return rx.hstack(
        rx.cond(thread.pinned, rx.badge(T("Pinned"))),
        rx.cond(thread.unread, rx.badge(T("Unread"), color_scheme="orange")),
        rx.link(thread.title, href="/threads/" + thread.id.to(str), weight="bold"),
        rx.text(thread.author, " · ", thread.post_count, " ", T("posts"), " · ", thread.last_post, size="2", color="var(--gray-11)"),
        wrap="wrap",
        align="center",
        class_name="thread-row",
    )


def event_row(event: EventPublic) -> rx.Component:
    """One upcoming event."""
    return rx.box(
        rx.text(event.title, weight="bold"),
        rx.text(event.when, size="2"),
        rx.cond(event.place != "", rx.text(T("Place"), ": ", event.place, size="2")),
        rx.cond(event.online_url != "", rx.link(T("Join online"), href=event.online_url, is_external=True, size="2")),
        rx.cond(event.description != "", rx.text(event.description, size="2")),
        rx.cond(event.can_remove, rx.button(T("Remove"), on_click=WorkspaceState.delete_event(event.id), size="1", variant="ghost", aria_label=T("Remove the event"))),
        report_control("event", event.id),
        class_name="event-row",
    )


def member_chip(member: MemberRow) -> rx.Component:
    """A member and their organisation."""
    return rx.hstack(
        avatar(member.picture, member.initials, size="1"),
        rx.text(member.name, " (", member.organisation, ") · ", T_choice(member.role, WORKSPACE_ROLE_LABELS), size="2"),
        align="center",
        spacing="2",
    )


def new_thread_form() -> rx.Component:
    """Start a discussion; the opening post is kept as a draft while it is written, `@` offers the workspace's members."""
    return rx.form(
        composer_behaviour(),
        rx.vstack(
            rx.el.input(type="hidden", name="key", value=WorkspaceState.thread_key),
            chosen_mentions("thread-body", key=WorkspaceState.thread_key),
            field("Title", "title", form="thread", max_length=200),
            rx.box(
                rx.el.label(T("Message (markdown)"), html_for="thread-body", class_name="field-label"),
                # In a workspace of one there is nobody to mention.
                rx.cond(WorkspaceState.mentionable.length() > 0, mention_hint("thread-mention-hint")),
                rx.box(
                    rx.text_area(
                        id="thread-body",
                        name="body",
                        value=WorkspaceState.thread_draft,
                        on_change=lambda body: WorkspaceState.save_thread_draft(body, WorkspaceState.thread_key).debounce(600),
                        rows="5",
                        width="100%",
                        max_length=20000,
                        aria_describedby="thread-body-error thread-mention-hint",
                        **mention_box("thread-body", look_up=False),
                    ),
                    mention_list("thread-body", WorkspaceState.mentionable),
                    class_name="mention-anchor",
                ),
                field_error("body", "thread"),
                width="100%",
            ),
            submit("Start the discussion"),
            spacing="3",
            width="100%",
        ),
        on_submit=WorkspaceState.start_thread,
        aria_label=T("Start a discussion"),
    )


def event_form() -> rx.Component:
    """Add an event to the workspace calendar."""
    return rx.form(
        rx.vstack(
            field("Title", "title", form="event", max_length=200),
            rx.box(
                field("Starts", "starts", form="event", type="datetime-local"),
                field("Ends", "ends", form="event", type="datetime-local"),
                class_name="field-pair",  # side by side where there is room, one under the other on a phone
            ),
            rx.el.input(type="hidden", name="time_zone", value="Europe/Helsinki"),
            field("Place", "place", form="event", required=False, max_length=300),
            field("Online link", "online_url", form="event", type="url", required=False, max_length=500),
            textarea_field("Description", "description", form="event", required=False, max_length=5000),
            submit("Add the event"),
            spacing="3",
            width="100%",
        ),
        on_submit=WorkspaceState.add_event,
        reset_on_submit=True,
        aria_label=T("Add an event"),
    )


def join_box() -> rx.Component:
    """What a member who may discover the workspace can do: join, or ask to."""
    intro = WorkspaceState.intro
    return rx.cond(
        intro.can_join,
        rx.form(
            rx.vstack(
                rx.cond(intro.access == "request", textarea_field("Message to the owners", "message", required=False, max_length=1000)),
                rx.button(rx.cond(intro.access == "request", T("Ask to join"), T("Join the workspace")), type="submit"),
                spacing="3",
                max_width="32em",
            ),
            on_submit=WorkspaceState.join,
            aria_label=T("Join the workspace"),
        ),
    )


def workspace_front() -> rx.Component:
    """Recent discussion, upcoming events and members; only the introduction for non-members."""
    intro = WorkspaceState.intro
    return page(
        "Workspace",
        rx.cond(
            WorkspaceState.found,
            rx.vstack(
                workspace_header(named=False),
                rx.cond(intro.description_html != "", sanitised_html(intro.description_html)),
                rx.cond(
                    intro.can_read,
                    rx.grid(
                        rx.box(
                            rx.heading(T("Discussions"), as_="h2", size="5"),
                            rx.cond(WorkspaceState.threads.length() == 0, rx.text(T("No discussions yet."))),
                            rx.vstack(rx.foreach(WorkspaceState.threads, thread_row), spacing="2"),
                            rx.cond(intro.can_contribute, rx.box(rx.heading(T("Start a discussion"), as_="h3", size="4", margin_top="var(--space-5)"), new_thread_form())),
                        ),
                        rx.box(
                            rx.heading(T("Recent documents"), as_="h2", size="5"),
                            rx.cond(WorkspaceState.recent_documents.length() == 0, rx.text(T("No documents here yet."))),
                            rx.vstack(
                                rx.foreach(WorkspaceState.recent_documents, lambda document: route_link(document.name, href="/documents/" + document.id.to(str) + "/download")),
                                rx.link(T("All documents"), href="/workspaces/" + intro.id.to(str) + "/documents"),
                                rx.link(T("Search in this workspace"), href="/search?in=" + intro.id.to(str), id="search-workspace"),
                                spacing="1",
                                margin_bottom="var(--space-5)",
                            ),
                            rx.heading(T("Upcoming events"), as_="h2", size="5"),
                            rx.cond(WorkspaceState.events.length() == 0, rx.text(T("No upcoming events."))),
                            rx.vstack(rx.foreach(WorkspaceState.events, event_row), spacing="3"),
                            rx.cond(intro.can_contribute, rx.box(rx.heading(T("Add an event"), as_="h3", size="4", margin_top="var(--space-5)"), event_form())),
                            rx.heading(T("Members"), as_="h2", size="5", margin_top="var(--space-5)"),
                            rx.vstack(rx.foreach(WorkspaceState.members, member_chip), spacing="1"),
                        ),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="6",
                        width="100%",
                    ),
                    join_box(),
                ),
                closing_form(),
                spacing="4",
                width="100%",
            ),
        ),
        heading=WorkspaceState.intro.name,
        scope=rx.cond(WorkspaceState.intro.role != "", WorkspaceState.intro.id, 0),  # its members search it; others see its introduction
    )


def member_admin_row(member: MemberRow) -> rx.Component:
    """A member with the role changes the viewer may make."""
    intro = WorkspaceState.intro
    return rx.table.row(
        row_cell("Name", rx.hstack(avatar(member.picture, member.initials, size="1"), rx.text(member.name), report_control("member", member.id), align="center", spacing="2"), header=True),
        row_cell("Organisation", member.organisation),
        row_cell("Role", T_choice(member.role, WORKSPACE_ROLE_LABELS)),
        row_cell(
            "Actions",
            rx.cond(
                intro.can_moderate,
                rx.hstack(
                    rx.cond(
                        intro.can_appoint,
                        rx.hstack(
                            rx.cond(member.role == "member", rx.button(T("Make moderator"), on_click=WorkspaceState.set_role(member.id, "moderator"), size="1", variant="outline")),
                            rx.cond(member.role == "moderator", rx.button(T("Make member"), on_click=WorkspaceState.set_role(member.id, "member"), size="1", variant="outline")),
                            rx.cond(member.role != "owner", rx.button(T("Hand over ownership"), on_click=WorkspaceState.transfer_ownership(member.id), size="1", variant="outline")),
                        ),
                    ),
                    rx.cond(
                        (member.role == "member") | ((intro.role == "owner") & (member.role != "owner")),
                        rx.button(T("Remove"), on_click=WorkspaceState.remove_member(member.id), size="1", color_scheme="red", variant="soft"),
                    ),
                    wrap="wrap",
                ),
            )
        ),
    )


def workspace_members() -> rx.Component:
    """Members, requests to join and invitations."""
    intro = WorkspaceState.intro
    return page(
        "Members",
        rx.cond(
            WorkspaceState.found & intro.can_read,
            rx.vstack(
                workspace_header(),
                data_table("Members", ("Name", "Organisation", "Role", "Actions"), WorkspaceState.members, member_admin_row),
                rx.cond(
                    intro.can_review,
                    rx.vstack(
                        rx.heading(T("Requests to join"), as_="h2", size="5"),
                        rx.cond(WorkspaceState.requests.length() == 0, rx.text(T("No requests."))),
                        rx.foreach(
                            WorkspaceState.requests,
                            lambda request: rx.card(
                                rx.text(request.name, " (", request.organisation, ") · ", request.created),
                                rx.cond(request.message != "", rx.text(request.message, size="2")),
                                rx.cond(
                                    intro.can_moderate,
                                    rx.hstack(
                                        rx.button(T("Accept"), on_click=WorkspaceState.decide_request(request.id, True), size="2"),
                                        rx.button(T("Decline"), on_click=WorkspaceState.decide_request(request.id, False), size="2", variant="outline"),
                                        margin_top="var(--space-2)",
                                    ),
                                ),
                                width="100%",
                            ),
                        ),
                        rx.cond(
                            intro.can_moderate,
                            rx.box(
                                rx.heading(T("Invite"), as_="h2", size="5", margin_top="var(--space-4)"),
                                rx.form(
                                    rx.vstack(
                                        field("A member's name or an e-mail address", "who", max_length=254),
                                        submit("Send the invitation"),
                                        spacing="3",
                                        max_width="32em",
                                    ),
                                    on_submit=WorkspaceState.invite,
                                    reset_on_submit=True,
                                    aria_label=T("Invite"),
                                ),
                            ),
                        ),
                        rx.foreach(
                            WorkspaceState.invitations,
                            lambda invitation: rx.hstack(
                                rx.text(invitation.email, " · ", T("valid until"), " ", invitation.expires, size="2"),
                                rx.cond(intro.can_moderate, rx.button(T("Withdraw"), on_click=WorkspaceState.withdraw_invitation(invitation.id), size="1", variant="outline")),
                                align="center",
                            ),
                        ),
                        spacing="3",
                        width="100%",
                    ),
                ),
                rx.cond(intro.can_leave, rx.button(T("Leave the workspace"), on_click=WorkspaceState.leave, color_scheme="red", variant="outline", margin_top="var(--space-6)")),
                spacing="4",
                width="100%",
            ),
        ),
        context=WorkspaceState.intro.name,
        scope=WorkspaceState.intro.id,
    )


def workspace_settings() -> rx.Component:
    """Owners change the details, who can join and the lifecycle."""
    intro = WorkspaceState.intro
    return page(
        "Workspace settings",
        rx.cond(
            WorkspaceState.found & intro.can_own,
            rx.vstack(
                workspace_header(),
                rx.form(
                    rx.vstack(*workspace_fields(intro), submit("Save"), spacing="4", max_width="40em"),
                    on_submit=WorkspaceState.save_settings,
                    aria_label=T("Workspace settings"),
                    key=intro.id.to(str) + intro.lifecycle + intro.access,
                ),
                premoderation_form(),
                width="100%",
            ),
        ),
        context=WorkspaceState.intro.name,
        scope=WorkspaceState.intro.id,
    )
