"""A member's home, where login and approval lead: my workspaces, news since my last visit, what waits for me."""

import reflex as rx

from partnerskap.components.i18n import T, T_choice
from partnerskap.components.labels import WORKSPACE_ROLE_LABELS
from partnerskap.components.layout import page
from partnerskap.schemas import ActivityPublic, HomeEvent, HomeWorkspace, MyInvitation
from partnerskap.state.home import HomeState


def section(title: str, section_id: str, *children: rx.Component) -> rx.Component:
    """A titled part of the home."""
    return rx.el.section(rx.heading(T(title), as_="h2", size="5", margin_bottom="var(--space-3)"), *children, id=section_id, class_name="home-section")


def waiting_for_me() -> rx.Component:
    """What an administrator or a workspace's manager has to decide."""
    shown = HomeState.shown
    return rx.cond(
        (shown.applicants_waiting > 0) | (shown.requests_to_decide > 0),
        rx.callout.root(
            rx.callout.text(
                rx.cond(
                    shown.applicants_waiting > 0,
                    rx.link(T("Membership applications waiting for your decision"), ": ", shown.applicants_waiting, href="/admin", display="block"),
                ),
                rx.cond(
                    shown.requests_to_decide > 0,
                    rx.link(T("Requests to join your workspaces"), ": ", shown.requests_to_decide, href="/workspaces", display="block"),
                ),
            ),
            color="orange",
            id="waiting-for-me",
            margin_bottom="var(--space-4)",
        ),
    )


def workspace_card(card: HomeWorkspace) -> rx.Component:
    """One of my workspaces, with how many discussions have posts I have not read."""
    return rx.card(
        rx.vstack(
            rx.link(rx.heading(card.name, as_="h3", size="4"), href="/workspaces/" + card.id.to(str)),
            rx.text(card.purpose, size="2", color="var(--gray-11)"),
            rx.hstack(
                rx.badge(T_choice(card.role, WORKSPACE_ROLE_LABELS), color_scheme="green", variant="soft"),
                rx.cond(card.unread > 0, rx.badge(T("Unread discussions"), ": ", card.unread, color_scheme="orange", class_name="unread-badge")),
                wrap="wrap",
            ),
            spacing="2",
        ),
        class_name="workspace-card colour-" + card.colour,
    )


def activity_item(item: ActivityPublic) -> rx.Component:
    """One line of news."""
    return rx.el.li(
        rx.link(item.text, href=item.link),
        rx.text(item.workspace, " · ", item.when, size="1", color="var(--gray-11)", display="block"),
        class_name="activity-item",
    )


def invitation_row(invitation: MyInvitation) -> rx.Component:
    """An invitation to answer."""
    return rx.hstack(
        rx.text(T("Invitation to"), " ", rx.el.strong(invitation.workspace)),
        rx.button(T("Accept"), on_click=HomeState.answer_invitation(invitation.id, True), size="1"),
        rx.button(T("Decline"), on_click=HomeState.answer_invitation(invitation.id, False), size="1", variant="outline"),
        align="center",
        wrap="wrap",
    )


def event_row(event: HomeEvent) -> rx.Component:
    """An upcoming event."""
    return rx.el.li(
        rx.link(event.title, href="/workspaces/" + event.workspace_id.to(str)),
        rx.text(event.when, " · ", event.workspace, size="1", color="var(--gray-11)", display="block"),
        class_name="activity-item",
    )


def member_home() -> rx.Component:
    """The member's home."""
    # Nothing until the home has loaded: an empty list first ("no workspace yet") and the real one after would
    # push every section down as it arrived (a layout shift of 0.35 in Lighthouse); a screen-high space meanwhile
    # keeps the footer out of view, so it does not move either.
    return page(
        "Home",
        rx.cond(HomeState.shown.since != "", home_sections(), rx.box(class_name="awaiting-data")),
    )


def home_sections() -> rx.Component:
    """What waits, the workspaces, invitations, news and events, once loaded."""
    shown = HomeState.shown
    return rx.fragment(
        waiting_for_me(),
        section(
            "My workspaces",
            "my-workspaces",
            rx.cond(
                shown.workspaces.length() == 0,
                rx.text(T("You do not belong to any workspace yet."), " ", rx.link(T("Find workspaces"), href="/workspaces")),
                rx.grid(rx.foreach(shown.workspaces, workspace_card), columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="3", width="100%"),
            ),
        ),
        rx.cond(
            (shown.invitations.length() > 0) | (shown.requests.length() > 0),
            section(
                "Invitations and requests",
                "my-invitations",
                rx.vstack(
                    rx.foreach(shown.invitations, invitation_row),
                    rx.foreach(shown.requests, lambda request: rx.text(T("Your request to join is waiting"), ": ", rx.link(request.workspace, href="/workspaces/" + request.workspace_id.to(str)))),
                    spacing="2",
                ),
            ),
        ),
        section(
            "Since your last visit",
            "news",
            rx.text(T("News since"), " ", shown.since, size="2", color="var(--gray-11)", margin_bottom="var(--space-2)"),
            rx.cond(
                shown.activity.length() == 0,
                rx.text(T("Nothing new in your workspaces.")),
                rx.el.ul(rx.foreach(shown.activity, activity_item), class_name="activity-list"),
            ),
        ),
        section(
            "Upcoming events",
            "upcoming",
            rx.cond(
                shown.upcoming.length() == 0,
                rx.text(T("No upcoming events in your workspaces.")),
                rx.el.ul(rx.foreach(shown.upcoming, event_row), class_name="activity-list"),
            ),
        ),
    )
