"""Reflex configuration, derived from the instance's settings."""

import socket

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

from partnerskap.settings import settings


def _serves_ipv6() -> bool:
    """Whether this computer can listen on IPv6 (then `::` also answers IPv4, so http://[::1] works beside 127.0.0.1)."""
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::", 0))
    except OSError:
        return False
    return True


config = rx.Config(
    app_name="partnerskap",
    state_manager_mode="redis" if settings.redis_url else "memory",
    redis_url=settings.redis_url or None,
    cors_allowed_origins=settings.allowed_origins,
    backend_host="::" if settings.local_trial and _serves_ipv6() else "0.0.0.0",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="medium"))],
    disable_plugins=[SitemapPlugin],
    # Brotli first for browsers that take it (the scripts and styles are about a fifth smaller than with gzip).
    frontend_compression_formats=["brotli", "gzip"],
    # Reflex's root would otherwise import all of Radix Themes on every page for components evaluated at run time,
    # which the platform never has (its CSP forbids eval): 91 KB of scripts no page used.
    frontend_lazy_bundled_libraries=True,
)
