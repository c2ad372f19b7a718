"""The administrators' dashboard: members, activity, open cases, storage and the outbox at a glance."""

import reflex as rx

from partnerskap.components.i18n import T
from partnerskap.components.layout import page
from partnerskap.pages.admin import admin_nav
from partnerskap.state.admin_dashboard import AdminDashboardState

CHART_HEIGHT = 240


def bar_chart(title: str, data: rx.Var, chart_id: str, *bars: rx.Component) -> rx.Component:
    """A titled bar chart that fits a phone."""
    return rx.card(
        rx.heading(T(title), as_="h2", size="4"),
        rx.recharts.bar_chart(
            *bars,
            rx.recharts.x_axis(data_key="name"),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            data=data,
            width="100%",
            height=CHART_HEIGHT,
        ),
        id=chart_id,
        width="100%",
    )


def dashboard() -> rx.Component:
    """Charts, one service call behind them."""
    return page(
        "Dashboard",
        admin_nav(),
        rx.grid(
            bar_chart("Members by status", AdminDashboardState.members_by_status, "chart-members", rx.recharts.bar(data_key="value", fill="#0d7377", name=T("People"))),
            rx.card(
                rx.heading(T("Registrations and active members per week"), as_="h2", size="4"),
                rx.recharts.line_chart(
                    rx.recharts.line(data_key="registrations", stroke="#0d7377", name=T("Registrations")),
                    rx.recharts.line(data_key="active", stroke="#b45309", name=T("Active members")),
                    rx.recharts.x_axis(data_key="name"),
                    rx.recharts.y_axis(allow_decimals=False),
                    rx.recharts.legend(),
                    rx.recharts.graphing_tooltip(),
                    data=AdminDashboardState.per_week,
                    width="100%",
                    height=CHART_HEIGHT,
                ),
                id="chart-weeks",
                width="100%",
            ),
            rx.card(
                rx.heading(T("Open cases by age"), as_="h2", size="4"),
                rx.cond(
                    AdminDashboardState.oldest_open_case_days >= 0,
                    rx.text(T("The oldest open case (days)"), ": ", AdminDashboardState.oldest_open_case_days, size="2"),
                    rx.text(T("No open cases."), size="2"),
                ),
                rx.recharts.bar_chart(
                    rx.recharts.bar(data_key="value", fill="#b45309", name=T("Cases")),
                    rx.recharts.x_axis(data_key="name"),
                    rx.recharts.y_axis(allow_decimals=False),
                    rx.recharts.graphing_tooltip(),
                    data=AdminDashboardState.open_cases,
                    width="100%",
                    height=CHART_HEIGHT,
                ),
                id="chart-cases",
                width="100%",
            ),
            bar_chart("Workspaces by activity", AdminDashboardState.workspaces_by_activity, "chart-activity", rx.recharts.bar(data_key="value", fill="#0d7377", name=T("Workspaces"))),
            bar_chart("Storage per workspace (MB)", AdminDashboardState.storage_by_workspace, "chart-storage", rx.recharts.bar(data_key="value", fill="#4f46e5", name="MB")),
            rx.card(
                rx.heading(T("Outbox"), as_="h2", size="4"),
                rx.text(T("Messages that could not be sent"), ": ", rx.text.strong(AdminDashboardState.outbox_failures, id="outbox-failures")),
                rx.link(T("Open the outbox"), href="/admin/outbox"),
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
    )
