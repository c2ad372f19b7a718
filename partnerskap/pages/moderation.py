"""Moderation: the queue of cases as cards (they fit a phone), and a decision as its author reads it, with the appeal."""

import reflex as rx

from partnerskap.components.forms import field, field_error, submit, textarea_field
from partnerskap.components.i18n import T, T_choice
from partnerskap.components.layout import page
from partnerskap.components.report import REASON_LABELS
from partnerskap.i18n import N_
from partnerskap.schemas import CasePublic, ReportPublic
from partnerskap.state.base import AppState
from partnerskap.state.moderation import ModerationState
from partnerskap.state.workspaces import WorkspaceState

KIND_LABELS = {"post": N_("Post"), "document": N_("Document"), "workspace": N_("Workspace"), "event": N_("Event"), "member": N_("Member"), "network": N_("Network"), "content": N_("Page or news")}
DECISION_LABELS = {
    "dismiss": N_("Dismiss"),
    "approve": N_("Approve"),
    "hide": N_("Hide"),
    "remove": N_("Remove"),
    "warn": N_("Warn the author"),
    "suspend": N_("Suspend the author"),
    "close": N_("Close the workspace"),
}



def report_line(line: ReportPublic) -> rx.Component:
    """Who reported and why."""
    return rx.box(
        rx.text(line.reporter, " · ", T_choice(line.reason, REASON_LABELS), " · ", line.when, size="2", weight="medium"),
        rx.cond(line.note != "", rx.text(line.note, size="2")),
        class_name="report-line",
    )


def decision_form(case: CasePublic) -> rx.Component:
    """One step: choose the action, give the reason the member reads, decide."""
    key = "decide-" + case.id.to(str)
    return rx.form(
        rx.el.input(type="hidden", name="case_id", value=case.id.to(str)),
        rx.el.label(T("Action"), html_for=key + "-decision", class_name="field-label"),
        rx.el.select(
            rx.cond(case.purpose == "approval", rx.el.option(T("Approve"), value="approve"), rx.el.option(T("Dismiss"), value="dismiss")),
            rx.cond((case.kind == "post") | (case.kind == "document"), rx.el.option(T("Hide"), value="hide")),
            rx.cond((case.kind == "post") | (case.kind == "document") | (case.kind == "event"), rx.el.option(T("Remove"), value="remove")),
            rx.el.option(T("Warn the author"), value="warn"),
            rx.cond(ModerationState.moderates_all, rx.el.option(T("Suspend the author"), value="suspend")),
            rx.cond(ModerationState.moderates_all & (case.workspace != ""), rx.el.option(T("Close the workspace"), value="close")),
            id=key + "-decision",
            name="decision",
            class_name="native-select",
        ),
        rx.cond(
            ModerationState.moderates_all,
            rx.box(
                rx.el.label(T("Suspended until (empty: until lifted)"), html_for=key + "-until", class_name="field-label"),
                rx.input(id=key + "-until", name="until", type="date", width="100%"),
                field_error("until", "decide"),
            ),
        ),
        rx.el.label(T("Reason (the member reads it)"), html_for=key + "-reason", class_name="field-label"),
        rx.text_area(id=key + "-reason", name="reason", max_length=2000, width="100%"),
        field_error("reason", "decide"),
        rx.box(submit("Decide"), margin_top="var(--space-2)"),
        on_submit=ModerationState.decide,
        reset_on_submit=True,
        aria_label=T("Decide"),
        width="100%",
    )


def case_card(case: CasePublic) -> rx.Component:
    """One open case: the item in context, its reports, the author's earlier cases, and the decision."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(T_choice(case.kind, KIND_LABELS)),
                rx.cond(case.purpose == "approval", rx.badge(T("Waiting for approval"), color_scheme="orange")),
                rx.cond(case.status == "appealed", rx.badge(T("Appealed"), color_scheme="red")),
                rx.cond(case.held == "hidden", rx.badge(T("Hidden from members"), color_scheme="gray")),
                wrap="wrap",
            ),
            rx.text(case.excerpt, class_name="case-excerpt"),
            rx.text(T("Author"), ": ", case.author, rx.cond(case.workspace != "", rx.fragment(" · ", case.workspace)), size="2"),
            rx.cond(case.link != "", rx.link(T("Open in its place"), href=case.link, size="2")),
            rx.foreach(case.reports, report_line),
            rx.cond(
                case.status == "appealed",
                rx.box(
                    rx.text(T("Earlier decision"), ": ", T_choice(case.decision, DECISION_LABELS), " (", case.decided_by, ") · ", case.reason, size="2"),
                    rx.text(T("Appeal"), ": ", case.appeal_note, size="2"),
                ),
            ),
            rx.cond(
                case.earlier.length() > 0,
                rx.box(rx.text(T("Earlier cases of the author"), size="2", weight="medium"), rx.foreach(case.earlier, lambda line: rx.text(line, size="2"))),
            ),
            decision_form(case),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="case-card",
    )


def decided_card(case: CasePublic) -> rx.Component:
    """One decided case, briefly."""
    return rx.box(
        rx.text(T_choice(case.kind, KIND_LABELS), ": ", case.excerpt, size="2"),
        rx.text(T_choice(case.decision, DECISION_LABELS), " · ", case.decided_by, " · ", case.decided, " · ", case.reason, size="2", color="var(--gray-11)"),
        class_name="decided-case",
    )


def queue() -> rx.Component:
    """The moderation queue."""
    return page(
        "Moderation",
        rx.heading(T("Open cases"), " (", ModerationState.cases.length(), ")", as_="h2", size="5", id="open-cases"),
        rx.cond(ModerationState.cases.length() == 0, rx.text(T("Nothing waits for a decision."))),
        rx.vstack(rx.foreach(ModerationState.cases, case_card), spacing="3", width="100%"),
        rx.heading(T("Recently decided"), as_="h2", size="5", margin_top="var(--space-6)"),
        rx.vstack(rx.foreach(ModerationState.decided, decided_card), spacing="2", width="100%"),
    )


def own_case() -> rx.Component:
    """A decision as the member it affects reads it, with the one appeal they may make."""
    case = ModerationState.case
    return page(
        "A moderator's decision",
        rx.cond(
            case.id > 0,
            rx.vstack(
                rx.text(T_choice(case.kind, KIND_LABELS), ": ", case.excerpt),
                rx.text(T("Decision"), ": ", T_choice(case.decision, DECISION_LABELS), weight="bold", id="case-decision"),
                rx.text(T("Reason"), ": ", case.reason, id="case-reason"),
                rx.cond(case.status == "appealed", rx.text(T("You appealed. Another administrator will decide."))),
                rx.cond(
                    ModerationState.can_appeal,
                    rx.form(
                        rx.el.input(type="hidden", name="case_id", value=case.id.to(str)),
                        rx.text(T("You can appeal once, until"), " ", ModerationState.appeal_until, size="2"),
                        textarea_field("Why should the decision change?", "note", form="appeal", required=False),
                        submit("Appeal"),
                        on_submit=ModerationState.appeal,
                        aria_label=T("Appeal"),
                        width="100%",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )


def closing_form() -> rx.Component:
    """Administrators close a workspace with a reason (shown on the workspace page)."""
    intro = WorkspaceState.intro
    return rx.cond(
        AppState.is_admin,
        rx.box(
            rx.cond(
                intro.lifecycle == "closed",
                rx.vstack(
                    rx.form(
                        rx.el.input(type="hidden", name="workspace_id", value=intro.id.to(str)),
                        field("Reason for reopening", "reason", form="reopen", max_length=2000),
                        rx.button(T("Reopen the workspace"), type="submit", variant="outline"),
                        on_submit=ModerationState.reopen_workspace,
                        reset_on_submit=True,
                        width="100%",
                    ),
                    rx.button(T("Delete its content for good"), on_click=ModerationState.delete_workspace(intro.id), color_scheme="red", variant="soft"),
                    width="100%",
                ),
                rx.form(
                    rx.el.input(type="hidden", name="workspace_id", value=intro.id.to(str)),
                    field("Reason for closing (members read it)", "reason", form="close", max_length=2000),
                    rx.button(T("Close the workspace"), type="submit", color_scheme="red", variant="soft"),
                    on_submit=ModerationState.close_workspace,
                    reset_on_submit=True,
                    width="100%",
                ),
            ),
            class_name="admin-closing",
            margin_top="var(--space-5)",
        ),
    )


def premoderation_form() -> rx.Component:
    """Owners choose how long new members' posts and documents wait for approval here."""
    intro = WorkspaceState.intro
    return rx.form(
        rx.el.input(type="hidden", name="workspace_id", value=intro.id.to(str)),
        field(
            "Pre-moderation: days a new member's posts and documents wait for approval (0: off)",
            "premoderation_days",
            form="premoderation",
            type="number",
            default_value=intro.premoderation_days.to(str),
        ),
        submit("Save"),
        on_submit=ModerationState.save_premoderation,
        aria_label=T("Pre-moderation"),
        key="premoderation-" + intro.id.to(str),
        max_width="40em",
    )
