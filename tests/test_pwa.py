"""The installable app: the manifest, the service worker's one rule of what it keeps, and the offline page."""

from __future__ import annotations

import json
import re

from reflex_base.constants.event import Endpoint
from starlette.testclient import TestClient

import partnerskap.partnerskap  # noqa: F401  (registers every page)
from partnerskap import api, pwa
from partnerskap.i18n import LANGUAGES, t

# What the service worker must never keep, named in the issue: member data, downloads, exports, calendars, the event
# socket, uploads, sign-in, health and metrics.
NEVER_KEPT = [
    "/", "/home", "/workspaces", "/workspaces/1", "/threads/1", "/notifications", "/account", "/admin", "/people/1",
    "/documents/1/download", "/workspaces/1/export.zip", "/account/my-data.zip", "/admin/audit.csv",
    "/workspaces/1/calendar.ics", "/activities.ics", "/events.ics", "/people/1/avatar",
    "/_event", "/_event/", "/_upload", "/_upload/some-file.png", "/auth/begin", "/auth/complete", "/auth/logout", "/auth/origin",
    "/healthz", "/metrics", "/sw.js", "/manifest.webmanifest",
]


def _concrete(route: str) -> str:
    """A path the route serves: its parameters filled in."""
    path = "/" + route.strip("/") if route != "index" else "/"
    return re.sub(r"\[[^\]]+\]|\{[^}]+\}", "1", path)


def every_route() -> list[str]:
    """Every path the app answers: its pages, its own HTTP routes and Reflex's endpoints."""
    pages = [_concrete(route) for route in partnerskap.partnerskap.app._unevaluated_pages]
    http = [_concrete(route.path) for route in api.routes().routes]
    reflex = [str(endpoint) for endpoint in Endpoint] + [str(Endpoint.UPLOAD) + "/anything.png"]
    return sorted(set(pages + http + reflex))


def test_service_worker_keeps_no_route_the_app_serves_except_its_offline_page():
    routes = every_route()
    assert len(routes) > 60 and "/threads/1" in routes and "/documents/1/download" in routes
    assert [route for route in routes if pwa.may_cache(route)] == [pwa.OFFLINE_PATH]


def test_service_worker_never_keeps_member_data_downloads_calendars_socket_uploads_auth_health_or_metrics():
    assert [path for path in NEVER_KEPT if pwa.may_cache(path)] == []
    assert not pwa.may_cache("/assets/not-hashed.js") and not pwa.may_cache("/assets/../healthz-abcdefgh.js")


def test_service_worker_keeps_the_shell_and_the_builds_hashed_files():
    assert all(pwa.may_cache(path) for path in pwa.SHELL)
    assert pwa.may_cache("/assets/_threads_.$thread_id._index-DnczDGzU.js") is False  # a "$" is no build name of ours
    assert pwa.may_cache("/assets/__reflex_global_styles-CLFaJz-s.css") and pwa.may_cache("/assets/_404_._index-CX-O8Hue.js")


def test_service_worker_runs_the_same_rule_and_is_served_no_cache():
    response = TestClient(api.routes()).get("/sw.js")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/javascript")
    script = response.text
    assert f"const SHELL = {json.dumps(list(pwa.SHELL))};" in script
    assert f"new RegExp({json.dumps(pwa.HASHED_BUILD_FILE.pattern)})" in script
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', script) and "__" not in script.replace("__VERSION__", "")


def test_manifest_names_icons_shortcuts_and_display_in_the_browsers_language():
    client = TestClient(api.routes())
    for language in LANGUAGES:
        response = client.get("/manifest.webmanifest", headers={"accept-language": language})
        manifest = response.json()
        assert response.headers["content-type"].startswith("application/manifest+json")
        assert manifest["name"] and manifest["short_name"] and manifest["lang"] == language
        assert manifest["start_url"] == "/home" and manifest["scope"] == "/" and manifest["display"] == "standalone"
        assert manifest["theme_color"] == pwa.THEME_COLOUR and manifest["background_color"]
        sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
        assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
        assert [shortcut["url"] for shortcut in manifest["shortcuts"]] == ["/home", "/workspaces", "/notifications"]
        assert manifest["shortcuts"][1]["name"] == t("Workspaces", language)


def test_icons_exist_at_the_sizes_the_manifest_names():
    from PIL import Image

    for path, size in (("icons/icon-192.png", 192), ("icons/icon-512.png", 512), ("icons/maskable-512.png", 512), ("icons/apple-touch-icon.png", 180)):
        with Image.open(pwa.ASSETS / path) as image:
            assert image.size == (size, size), path
    with Image.open(pwa.ASSETS / "icons/maskable-512.png") as maskable:
        assert maskable.getpixel((0, 0))[3] == 255  # full bleed: the launcher's mask decides the shape


def test_offline_page_speaks_finnish_swedish_and_english():
    response = TestClient(api.routes()).get(pwa.OFFLINE_PATH)
    assert response.status_code == 200
    for language in LANGUAGES:
        assert f'lang="{language}"' in response.text
        assert t(pwa.OFFLINE_TITLE, language) in response.text and t(pwa.OFFLINE_RETRY, language) in response.text
