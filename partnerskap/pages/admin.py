"""Administration: membership applications and members, the outbox and the audit log."""

import reflex as rx

from partnerskap.components.forms import field, submit
from partnerskap.components.i18n import T, T_choice
from partnerskap.components.layout import page
from partnerskap.components.table import data_table, row_cell
from partnerskap.i18n import N_
from partnerskap.schemas import PersonForAdmin
from partnerskap.state.admin import AdminState

STATUS_LABELS = {
    "unconfirmed": N_("E-mail not confirmed"),
    "pending": N_("Waiting for approval"),
    "approved": N_("Member"),
    "denied": N_("Denied"),
    "suspended": N_("Suspended"),
    "erased": N_("Former member"),
}
ROLE_LABELS = {"member": N_("Member"), "editor": N_("Editor"), "admin": N_("Administrator")}
ACTION_LABELS = {
    "membership.approve": N_("Approved membership"),
    "membership.deny": N_("Denied membership"),
    "membership.suspend": N_("Suspended"),
    "membership.reinstate": N_("Reinstated"),
    "role.make_admin": N_("Made administrator"),
    "workspace.enter": N_("Entered a workspace"),
    "workspace.accept": N_("Accepted into a workspace"),
    "workspace.decline": N_("Declined from a workspace"),
    "workspace.set_role": N_("Changed a workspace role"),
    "workspace.hand_over": N_("Handed a workspace over"),
    "workspace.remove_member": N_("Removed from a workspace"),
    "workspace.export": N_("Exported a workspace's documents"),
    "settings.change": N_("Changed the instance settings"),
    "audit.export": N_("Exported the audit log"),
    "account.export": N_("Downloaded their data"),
    "account.delete": N_("Deleted their account"),
    "role.grant_editor": N_("Made editor"),
    "role.revoke_editor": N_("Editor role removed"),
    "report.received": N_("Reported an item"),
    "moderation.dismiss": N_("Dismissed a report"),
    "moderation.approve": N_("Approved a waiting item"),
    "moderation.hide": N_("Hid an item"),
    "moderation.remove": N_("Removed an item"),
    "moderation.warn": N_("Warned"),
    "moderation.suspend": N_("Suspended"),
    "moderation.close": N_("Closed a workspace"),
    "moderation.reopen": N_("Reopened a workspace"),
    "moderation.delete_workspace": N_("Deleted a closed workspace"),
    "moderation.appeal": N_("Appealed"),
    "membership.suspension_ended": N_("Suspension ended"),
    "sessions.end": N_("Ended all sessions"),
}


def admin_nav() -> rx.Component:
    """Links between the administration views."""
    return rx.el.nav(
        rx.hstack(
            rx.link(
                T("Membership"),
                rx.cond(AdminState.waiting_count > 0, rx.badge(AdminState.waiting_count, rx.el.span(" ", T("applicants waiting"), class_name="visually-hidden"), color_scheme="orange", margin_left="1", id="applicants-waiting")),
                href="/admin",
            ),
            rx.link(T("Outbox"), href="/admin/outbox"),
            rx.link(T("Audit log"), href="/admin/audit"),
            rx.link(T("Downloads"), href="/admin/downloads"),
            rx.link(T("Dashboard"), href="/admin/dashboard"),
            rx.link(T("Settings"), href="/admin/settings"),
            rx.link(T("National services"), href="/admin/services"),
            rx.link(
                T("Moderation"),
                rx.cond(AdminState.open_cases > 0, rx.badge(AdminState.open_cases, color_scheme="orange", margin_left="1", id="open-cases-count")),
                href="/moderation",
            ),
            rx.link(T("Activities"), href="/admin/activities"),
            spacing="5",
            wrap="wrap",
        ),
        aria_label=T("Administration"),
        margin_bottom="var(--space-5)",
    )


def status_filter() -> rx.Component:
    """Buttons that filter the people by status."""
    choices = [("waiting", N_("Applicants")), ("approved", N_("Members")), ("denied", N_("Denied")), ("suspended", N_("Suspended")), ("", N_("All"))]
    return rx.hstack(
        *[
            rx.button(
                T(label),
                on_click=AdminState.filter_people(value),
                variant=rx.cond(AdminState.status_filter == value, "solid", "outline"),
                aria_pressed=rx.cond(AdminState.status_filter == value, "true", "false"),
                size="2",
            )
            for value, label in choices
        ],
        wrap="wrap",
        role="group",
        aria_label=T("Show"),
    )


def reason_form(person: PersonForAdmin, handler, label: str) -> rx.Component:
    """A button opening a dialog for the reason, which the person receives by e-mail; only an opened dialog is in the page."""
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(T(label), color_scheme="red", variant="soft")),
        rx.dialog.content(
            rx.dialog.title(T(label), ": ", person.name),
            rx.form(
                rx.el.input(type="hidden", name="user_id", value=person.id.to(str)),
                rx.el.label(T("Reason (sent to the person)"), html_for=f"reason-{label}-" + person.id.to(str), class_name="field-label"),
                rx.text_area(name="reason", id=f"reason-{label}-" + person.id.to(str), required=True, max_length=2000, width="100%"),
                rx.hstack(
                    rx.dialog.close(rx.button(T("Cancel"), type="button", variant="soft", color_scheme="gray")),
                    rx.button(T(label), type="submit", color_scheme="red"),
                    justify="end",
                    margin_top="var(--space-3)",
                ),
                on_submit=handler,
                reset_on_submit=True,
                width="100%",
            ),
        ),
    )


def search_and_pages() -> rx.Component:
    """A search over names, e-mail addresses and organisations, and the pages of what matches."""
    return rx.vstack(
        rx.form(
            rx.el.label(T("Search people"), html_for="people-search", class_name="field-label"),
            rx.hstack(
                rx.input(id="people-search", name="search", placeholder=T("Name, e-mail or organisation"), type="search", max_length=100, width="18em"),
                rx.button(T("Search"), type="submit", variant="outline"),
                wrap="wrap",
            ),
            on_submit=AdminState.search_people,
            role="search",
        ),
        rx.text(AdminState.people_summary, size="2", role="status"),
        spacing="2",
        margin_top="var(--space-3)",
    )


def pager() -> rx.Component:
    """Previous and next page of the membership list."""
    return rx.hstack(
        rx.button(T("Previous page"), on_click=AdminState.turn_page(AdminState.page_number - 1), disabled=AdminState.page_number == 0, variant="outline"),
        rx.button(T("Next page"), on_click=AdminState.turn_page(AdminState.page_number + 1), disabled=AdminState.page_number + 1 >= AdminState.page_count, variant="outline"),
        margin_top="var(--space-4)",
    )


def person_card(person: PersonForAdmin) -> rx.Component:
    """One account with the decisions that fit its status."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(person.name, as_="h2", size="4"),
                rx.badge(
                    T_choice(person.status, STATUS_LABELS),
                    color_scheme=rx.match(person.status, ("pending", "orange"), ("unconfirmed", "gray"), ("approved", "green"), "red"),
                ),
                align="center",
                wrap="wrap",
            ),
            rx.text(person.email, rx.cond(person.organisation != "", " · " + person.organisation, "")),
            rx.text(T("Role"), ": ", T_choice(person.role, ROLE_LABELS)),
            rx.text(T("Registered"), ": ", person.registered, size="2"),
            rx.cond(person.reason != "", rx.text(T("Reason"), ": ", person.reason, size="2")),
            rx.cond(
                ~person.email_confirmed,
                rx.text(T("The e-mail address is not confirmed. Until the person confirms it, invitations sent to it do not admit them, even once approved."), size="2", class_name="unconfirmed-note"),
            ),
            rx.cond(
                (person.status == "pending") | (person.status == "unconfirmed") | (person.status == "denied"),
                rx.button(T("Approve"), on_click=AdminState.approve(person.id), color_scheme="green"),
            ),
            rx.cond(
                (person.status == "pending") | (person.status == "unconfirmed"),
                reason_form(person, AdminState.deny, N_("Deny membership")),
            ),
            rx.cond(
                person.status == "approved",
                rx.vstack(
                    rx.cond(person.role != "admin", rx.button(T("Make administrator"), on_click=AdminState.make_admin(person.id), variant="outline")),
                    rx.cond(person.role == "member", rx.button(T("Make editor"), on_click=AdminState.grant_editor(person.id), variant="outline")),
                    rx.cond(person.role == "editor", rx.button(T("Remove editor role"), on_click=AdminState.revoke_editor(person.id), variant="outline")),
                    reason_form(person, AdminState.suspend, N_("Suspend")),
                    width="100%",
                ),
            ),
            rx.cond(person.status == "suspended", rx.button(T("Reinstate"), on_click=AdminState.reinstate(person.id), variant="outline")),
            rx.button(T("End all sessions"), on_click=AdminState.end_sessions(person.id), variant="outline", size="1"),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def membership() -> rx.Component:
    """Applications and members."""
    return page(
        "Membership",
        admin_nav(),
        status_filter(),
        search_and_pages(),
        rx.cond(
            AdminState.people.length() == 0,
            rx.text(T("Nobody here."), margin_top="var(--space-4)"),
            rx.vstack(rx.foreach(AdminState.people, person_card), spacing="3", margin_top="var(--space-4)", width="100%"),
        ),
        pager(),
    )


def outbox() -> rx.Component:
    """E-mail the instance has sent or queued."""
    return page(
        "Outbox",
        admin_nav(),
        rx.cond(
            AdminState.outbox.length() == 0,
            rx.text(T("No e-mail yet.")),
            rx.vstack(
                rx.foreach(
                    AdminState.outbox,
                    lambda message: rx.card(
                        rx.heading(message.subject, as_="h2", size="3"),
                        rx.text(T("To"), ": ", message.recipient, " · ", message.created, size="2"),
                        rx.el.pre(message.body, class_name="mail-body"),
                        width="100%",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
        )
    )


def audit_filter() -> rx.Component:
    """Narrow the record down by actor, action, target kind and days; the CSV export follows the filter."""
    return rx.form(
        rx.flex(
            field("Actor's e-mail address", "actor", form="audit", type="email", required=False),
            field("Action", "action", form="audit", required=False, hint="For example membership.suspend, or moderation. for all moderation"),
            field("Target kind", "kind", form="audit", required=False, hint="user, workspace, post, document…"),
            field("From", "since", form="audit", type="date", required=False),
            field("Until", "until", form="audit", type="date", required=False),
            submit("Filter"),
            wrap="wrap",
            spacing="3",
            align="end",
        ),
        on_submit=AdminState.filter_audit,
        aria_label=T("Filter the audit log"),
        margin_bottom="var(--space-4)",
    )


def audit() -> rx.Component:
    """Who did what, to what, when and why."""
    return page(
        "Audit log",
        admin_nav(),
        audit_filter(),
        rx.link(T("Download as CSV"), href=AdminState.audit_export_link, is_external=True, id="audit-csv", margin_bottom="var(--space-3)"),
        data_table(
            "Audit log",
            ("When", "Who", "What", "Whom", "Why"),
            AdminState.audit,
            lambda entry: rx.table.row(
                row_cell("When", entry.when),
                row_cell("Who", entry.actor),
                row_cell("What", T_choice(entry.action, ACTION_LABELS), rx.el.br(), rx.text(entry.action, as_="span", size="1", color="var(--gray-11)")),
                row_cell("Whom", entry.target),
                row_cell("Why", entry.reason),
            ),
        ),
    )


def downloads() -> rx.Component:
    """The disclosure log: every download of a document, by whom and when."""
    return page(
        "Downloads",
        admin_nav(),
        data_table(
            "Downloads",
            ("When", "Who", "Document", "Viewed in the browser"),
            AdminState.downloads,
            lambda entry: rx.table.row(
                row_cell("When", entry.when),
                row_cell("Who", entry.who),
                row_cell("Document", entry.document),
                row_cell("Viewed in the browser", rx.cond(entry.inline, T("Yes"), T("No"))),
            ),
        ),
    )
