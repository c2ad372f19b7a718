"""The Reflex app: its pages, routes and middleware; nothing else."""

import gc

import reflex as rx

from partnerskap import api, api_public, jobs, memory, pwa
from partnerskap.components import layout
from partnerskap.middleware import SessionBinding, StopGate
from partnerskap.ops import redaction
from partnerskap.ops.metrics import EventMetrics
from partnerskap.pages import account, activities, admin, admin_dashboard, admin_settings, auth, content, home, legal, library, member_home, moderation, networks, notifications, people, search, thread, transparency, workspaces
from partnerskap.state.accounts import AccountState
from partnerskap.state.activities import ActivitiesState, ActivityReviewState, MyActivitiesState
from partnerskap.state.admin import AdminState
from partnerskap.state.admin_dashboard import AdminDashboardState
from partnerskap.state.admin_settings import AdminSettingsState
from partnerskap.state.base import AppState
from partnerskap.state.content import ContentEditorState, PublicContentState, ServiceLinksState
from partnerskap.state.discussions import ThreadState
from partnerskap.state.home import HomeState
from partnerskap.state.library import LibraryState
from partnerskap.state.moderation import ModerationState
from partnerskap.state.messages import AreasState, MessagesState
from partnerskap.state.networks import NetworksState, NetworkState
from partnerskap.state.notifications import NotificationsState
from partnerskap.state.people import ListsState, PeopleState, ProfileState
from partnerskap.state.search import SearchState
from partnerskap.state.transparency import TransparencyState
from partnerskap.state.workspaces import WorkspacesState, WorkspaceState

redaction.install()
app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        rx.el.link(rel="icon", href="/icon.svg", type="image/svg+xml"),
        rx.el.link(rel="icon", href="/icons/icon-192.png", type="image/png", sizes="192x192"),
        rx.el.link(rel="apple-touch-icon", href="/icons/apple-touch-icon.png"),
        rx.el.meta(name="theme-color", content=pwa.THEME_COLOUR),
        rx.el.script(src="/pwa.js", defer=True),
    ],
    html_lang="fi",
    hydrate_fallback=layout.starting_shell,
    api_transformer=[api.routes(), api.UploadSession, api.PrerenderedPage, api_public.ItemHead, api.SecurityHeaders],
)
# Reflex's own connection toast speaks English only: the page shell shows the state of the connection instead.
del app.app_wraps[(5, "Overlay")]
app.add_middleware(SessionBinding(), index=0)
app.add_middleware(StopGate(), index=0)
app.add_middleware(EventMetrics())
for task in jobs.LIFESPAN_TASKS:
    app.register_lifespan_task(task)

PAGES = [
    (home.home, "/", [PublicContentState.load_front]),
    (member_home.member_home, "/home", [HomeState.load]),
    (content.news_list, "/news", [PublicContentState.load_news]),
    (content.events_page, "/events", [PublicContentState.load_events]),
    (content.item_page, "/news/[slug]", [PublicContentState.load_item]),
    (content.item_page, "/events/[slug]", [PublicContentState.load_item]),
    (content.item_page, "/info/[slug]", [PublicContentState.load_item]),
    (content.editor_overview, "/editor", [ContentEditorState.load_overview]),
    (content.editor_item, "/editor/[item_id]", [ContentEditorState.load_item]),
    (auth.register, "/register", []),
    (auth.login, "/login", [AccountState.begin_login]),
    (auth.forgot, "/forgot", []),
    (auth.reset, "/reset", []),
    (auth.confirm, "/confirm", [AccountState.confirm_email]),
    (account.status, "/status", [AccountState.load_status]),
    (account.account, "/account", [AccountState.load_account]),
    (admin.membership, "/admin", [AdminState.load_people]),
    (admin.outbox, "/admin/outbox", [AdminState.load_outbox]),
    (admin.audit, "/admin/audit", [AdminState.load_audit]),
    (admin.downloads, "/admin/downloads", [AdminState.load_downloads]),
    (admin_dashboard.dashboard, "/admin/dashboard", [AdminDashboardState.load]),
    (admin_settings.settings, "/admin/settings", [AdminSettingsState.load]),
    (content.service_links, "/admin/services", [ServiceLinksState.load_services]),
    (moderation.queue, "/moderation", [ModerationState.load_queue]),
    (moderation.own_case, "/moderation/cases/[case_id]", [ModerationState.load_case]),
    (people.lists_admin, "/admin/lists", [ListsState.load]),
    (workspaces.workspace_list, "/workspaces", [WorkspacesState.load_list]),
    (workspaces.new_workspace, "/workspaces/new", []),
    (workspaces.workspace_front, "/workspaces/[workspace_id]", [WorkspaceState.load]),
    (workspaces.workspace_members, "/workspaces/[workspace_id]/members", [WorkspaceState.load_members]),
    (workspaces.workspace_settings, "/workspaces/[workspace_id]/settings", [WorkspaceState.load]),
    (library.library, "/workspaces/[workspace_id]/documents", [LibraryState.load]),
    (thread.thread, "/threads/[thread_id]", [ThreadState.load]),
    (notifications.notifications, "/notifications", [NotificationsState.load]),
    (activities.directory, "/activities", [ActivitiesState.load_directory]),
    (activities.activity_page, "/activities/[activity_id]", [ActivitiesState.load_activity]),
    (activities.my_activities, "/my-activities", [MyActivitiesState.load_mine]),
    (activities.edit_activity, "/my-activities/edit", [MyActivitiesState.load_form]),
    (activities.review, "/admin/activities", [ActivityReviewState.load]),
    (people.profile_page, "/profile", [ProfileState.load]),
    (people.directory, "/people", [PeopleState.load_directory]),
    (people.person, "/people/[person_id]", [PeopleState.load_person]),
    (networks.network_list, "/networks", [NetworksState.load_list]),
    (networks.network_page, "/networks/[network_id]", [NetworkState.load]),
    (networks.area_list, "/areas", [AreasState.load_list]),
    (networks.area_page, "/areas/[area_id]", [AreasState.load]),
    (networks.message_list, "/messages", [MessagesState.load]),
    (networks.new_message, "/messages/new", [MessagesState.load_new]),
    (legal.terms, "/terms", []),
    (legal.privacy, "/privacy", []),
    (legal.accessibility, "/accessibility", []),
    (transparency.transparency, "/transparency", [TransparencyState.load]),
    (search.search_page, "/search", [SearchState.load]),
]
for component, route, loaders in PAGES:
    app.add_page(component, route=route, on_load=loaders or [AppState.refresh], title="Partnerskap")

# Start-up objects (modules, page trees) live as long as the process: out of the garbage collector's way. With 500
# tabs open a full collection paused every member for 0.1-0.3 s; full collections now come a tenth as often.
gc.freeze()
gc.set_threshold(700, 10, 100)
memory.register(
    "frozen start-up objects",
    holds="every object made at start-up (modules, page trees, prebuilt statements), kept out of garbage collection by gc.freeze()",
    lasts="the process",
    others_learn="nothing to learn: each worker freezes its own",
)
