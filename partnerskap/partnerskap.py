"""The Reflex app: its pages, routes and middleware; nothing else."""

import reflex as rx

from partnerskap import api
from partnerskap.middleware import SessionBinding
from partnerskap.services import mail
from partnerskap.pages import account, admin, auth, home, legal
from partnerskap.state.accounts import AccountState
from partnerskap.state.admin import AdminState
from partnerskap.state.base import AppState

app = rx.App(
    theme=rx.theme(accent_color="teal", radius="medium"),
    stylesheets=["/styles.css"],
    head_components=[
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        rx.el.meta(name="theme-color", content="#0d7377"),
    ],
    html_lang="fi",
    api_transformer=[api.routes(), api.SecurityHeaders],
)
app.add_middleware(SessionBinding(), index=0)
app.register_lifespan_task(mail.deliver_forever)

app.add_page(home.home, route="/", on_load=AppState.refresh, title="Partnerskap")
app.add_page(auth.register, route="/register", on_load=AppState.refresh, title="Partnerskap")
app.add_page(auth.login, route="/login", on_load=AppState.refresh, title="Partnerskap")
app.add_page(auth.forgot, route="/forgot", on_load=AppState.refresh, title="Partnerskap")
app.add_page(auth.reset, route="/reset", on_load=AppState.refresh, title="Partnerskap")
app.add_page(auth.confirm, route="/confirm", on_load=[AppState.refresh, AccountState.confirm_email], title="Partnerskap")
app.add_page(account.status, route="/status", on_load=AccountState.load_status, title="Partnerskap")
app.add_page(account.account, route="/account", on_load=AccountState.load_account, title="Partnerskap")
app.add_page(admin.membership, route="/admin", on_load=AdminState.load_people, title="Partnerskap")
app.add_page(admin.outbox, route="/admin/outbox", on_load=AdminState.load_outbox, title="Partnerskap")
app.add_page(admin.audit, route="/admin/audit", on_load=AdminState.load_audit, title="Partnerskap")
app.add_page(legal.terms, route="/terms", on_load=AppState.refresh, title="Partnerskap")
app.add_page(legal.privacy, route="/privacy", on_load=AppState.refresh, title="Partnerskap")
app.add_page(legal.accessibility, route="/accessibility", on_load=AppState.refresh, title="Partnerskap")
