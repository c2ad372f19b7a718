"""The installable app: its manifest, its service worker and the one rule of what that worker may keep offline.

Hand-written rather than Workbox: the worker does three things (keep a short list and the hashed build files,
answer navigations from the network or else the offline page, drop old caches), Workbox would add a build step
and a second bundle to the Node toolchain Reflex already drives, and the rule of what may be kept is generated
from this module, so the Python test of every route checks the very rule the browser runs.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from pathlib import Path

from partnerskap import memory
from partnerskap.i18n import LANGUAGES, N_, t

ROOT = Path(__file__).resolve().parent.parent.parent
ASSETS = ROOT / "assets"
WORKER_TEMPLATE = Path(__file__).with_name("sw.js")
OFFLINE_PATH = "/offline"
# The app shell the worker keeps from its installation on: the offline page and what it and the header show.
SHELL = (OFFLINE_PATH, "/styles.css", "/icon.svg", "/icons/icon-192.png", "/icons/icon-512.png", "/icons/maskable-512.png", "/icons/apple-touch-icon.png")
# The build's own files: their names carry a hash of their content (Vite), so a name never changes meaning.
HASHED_BUILD_FILE = re.compile(r"^/assets/[A-Za-z0-9_.\-]+-[A-Za-z0-9_\-]{8}\.(?:js|css|woff2?)$")
SHORTCUTS = ((N_("Home"), "/home"), (N_("Workspaces"), "/workspaces"), (N_("Notifications"), "/notifications"))
THEME_COLOUR = "#0d7377"

RETRY_MILLISECONDS = 5000
OFFLINE_TITLE = N_("You are offline")
OFFLINE_TEXT = N_("The platform cannot be reached right now. What you wrote on an open page stays there and is sent when the connection returns.")
OFFLINE_KEPT = N_("A reply you could not send is kept on this device: it is back in its reply box when you open the thread again.")
OFFLINE_RETRY = N_("Try again")
DESCRIPTION = N_("Collaboration platform for integration, immigration and refugee reception work")


def may_cache(path: str) -> bool:
    """Whether the service worker may keep a response for this path: only the shell and hashed build files, never
    pages, member data, downloads, exports, calendars, the event socket, uploads, /auth/*, /healthz or /metrics."""
    return path in SHELL or bool(HASHED_BUILD_FILE.match(path))


def manifest(language: str) -> dict:
    """The web app manifest, its texts in the language the browser asks for (browsers read one manifest per install)."""
    return {
        "id": "/",
        "name": "Partnerskap",
        "short_name": "Partnerskap",
        "description": t(DESCRIPTION, language),
        "lang": language,
        "dir": "ltr",
        "start_url": "/home",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "categories": ["productivity", "social"],
        "icons": [
            {"src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/icons/maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": "/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
        "shortcuts": [
            {"name": t(name, language), "url": url, "icons": [{"src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png"}]}
            for name, url in SHORTCUTS
        ],
    }


def offline_page() -> str:
    """The page the worker shows when the network is gone: in Finnish, Swedish and English, the member's language
    first (the app notes it in localStorage), and back to the page as soon as the connection returns."""
    sections = "\n".join(
        f'<section lang="{code}" data-lang="{code}"><h2>{html.escape(t(OFFLINE_TITLE, code))}</h2>'
        f"<p>{html.escape(t(OFFLINE_TEXT, code))} {html.escape(t(OFFLINE_KEPT, code))}</p>"
        f'<button type="button" class="retry">{html.escape(t(OFFLINE_RETRY, code))}</button></section>'
        for code in LANGUAGES
    )
    names = " · ".join(html.escape(t(OFFLINE_TITLE, code)) for code in LANGUAGES)
    return f"""<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{names} – Partnerskap</title><meta name="theme-color" content="{THEME_COLOUR}"><link rel="icon" href="/icon.svg">
<style>body{{font-family:system-ui,sans-serif;margin:0;color:#1c2024;background:#fff}}header{{background:{THEME_COLOUR};color:#fff;padding:1rem}}
main{{max-width:40rem;margin:0 auto;padding:1rem}}section{{border-bottom:1px solid #d9d9e0;padding:0.5rem 0 1rem}}
button{{font:inherit;padding:0.5rem 1rem;border-radius:6px;border:0;background:{THEME_COLOUR};color:#fff;cursor:pointer}}
button:focus-visible{{outline:3px solid #0b57d0;outline-offset:2px}}h1{{font-size:1.2rem;margin:0}}h2{{font-size:1.1rem}}</style></head>
<body><header><h1>Partnerskap</h1></header><main id="offline" aria-label="{names}">
{sections}
</main>
<script>
(function () {{
  var preferred = "";
  try {{ preferred = localStorage.getItem("partnerskap-lang") || ""; }} catch (error) {{}}
  if (!preferred) {{ preferred = (navigator.language || "fi").slice(0, 2); }}
  var own = document.querySelector('section[data-lang="' + preferred + '"]');
  if (own) {{ own.parentNode.insertBefore(own, own.parentNode.firstChild); document.documentElement.lang = preferred; }}
  document.querySelectorAll("button.retry").forEach(function (button) {{ button.addEventListener("click", function () {{ location.reload(); }}); }});
  window.addEventListener("online", function () {{ location.reload(); }});
  // Browsers do not always say when the network returns: ask the server now and then (the worker never keeps this).
  setInterval(function () {{
    fetch("/manifest.webmanifest", {{ cache: "no-store" }}).then(function (answer) {{ if (answer.ok) {{ location.reload(); }} }}, function () {{}});
  }}, {RETRY_MILLISECONDS});
}})();
</script></body></html>
"""


def _shell_fingerprint() -> str:
    """A hash of everything the worker keeps under one version: its own code, the shell and the build's file names."""
    digest = hashlib.sha256(WORKER_TEMPLATE.read_bytes())
    digest.update(offline_page().encode())
    for path in SHELL:
        if (file := ASSETS / path.lstrip("/")).is_file():
            digest.update(file.read_bytes())
    from reflex.utils.prerequisites import get_web_dir  # the build folder, known once Reflex is configured

    built = get_web_dir() / "build" / "client" / "assets"
    if built.is_dir():
        digest.update("\n".join(sorted(entry.name for entry in built.iterdir())).encode())
    return digest.hexdigest()[:16]


@functools.cache  # one worker per running release: made on first request
def worker_script() -> str:
    """The service worker, its version and its rule filled in from this module."""
    return (
        WORKER_TEMPLATE.read_text()
        .replace("__VERSION__", json.dumps(_shell_fingerprint()))
        .replace("__SHELL__", json.dumps(list(SHELL)))
        .replace("__HASHED_BUILD_FILE__", json.dumps(HASHED_BUILD_FILE.pattern))
        .replace("__OFFLINE_PATH__", json.dumps(OFFLINE_PATH))
    )


memory.register(
    "service worker",
    holds="the service worker's script with its release version, made from the code, the shell and the build's file names",
    lasts="the process",
    others_learn="at restart (a release restarts every worker)",
)
