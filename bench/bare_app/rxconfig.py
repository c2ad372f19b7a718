"""A minimal Reflex app, the reference for bench/load/: served and loaded exactly as Partnerskap is."""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

REDIS_URL = os.environ.get("REDIS_URL", "").strip()

config = rx.Config(
    app_name="bare_app",
    state_manager_mode="redis" if REDIS_URL else "memory",
    redis_url=REDIS_URL or None,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[SitemapPlugin],
)
