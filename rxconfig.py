"""Reflex configuration, derived from the instance's settings."""

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

from partnerskap.settings import settings

config = rx.Config(
    app_name="partnerskap",
    state_manager_mode="redis" if settings.redis_url else "memory",
    redis_url=settings.redis_url or None,
    cors_allowed_origins=settings.allowed_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium"))],
    disable_plugins=[SitemapPlugin],
)
