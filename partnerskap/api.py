"""The few real HTTP routes (session cookie, health) and the security headers on every response."""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlencode

from reflex import constants
from reflex.config import get_config
from reflex.utils import prerequisites
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerskap import api_public, memory, offload, pwa
from partnerskap import settings as config
from partnerskap import uploads
from partnerskap.i18n import N_, best_language, t
from partnerskap.ops import failures
from partnerskap.ops import health as ops_health
from partnerskap.ops import metrics as ops_metrics
from partnerskap.services import activities, activity_data, audit, avatars, calendar, documents, membership, notifications, permissions, privacy, sessions, transparency
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.sessions import Viewer
from partnerskap.services.tokens import digest, new_token
from partnerskap.storage import content_disposition, get_storage

log = logging.getLogger(__name__)


def content_security_policy(origins: tuple[str, ...], tile_origin: str = "") -> str:
    """The pages' policy: everything from the instance itself; the event socket only at the instance's own origins;
    images also from the configured map tile server."""
    sockets = " ".join(origin.replace("http", "ws", 1) for origin in origins if origin.startswith(("http://", "https://")))
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        " ".join(["img-src 'self' data: blob:", *([tile_origin] if tile_origin else [])]),
        "font-src 'self' data:",
        f"connect-src 'self' {sockets}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


# What /auth/origin tells a page opened at an address the event socket refuses (shown by components.document).
ORIGIN_REFUSED = N_("This page was opened at an address the platform does not answer at, so it cannot load. Open it at {address}.")
# Downloads are data, never a page: no scripts, no plugins, sandboxed, not framed.
DOWNLOAD_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'"
ADMITTED = 204  # what admit_upload answers an upload it lets through (never sent)


def answered(route: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """A route whose refusals and failures are logged once and whose failures are read as the guard reads events'.

    A busy or full instance answers 503, input it cannot read 400, anything else 500; a full disk tells the administrators.
    """

    @functools.wraps(route)
    async def answering(request: Request) -> Response:
        try:
            response = await route(request)
        except Exception as error:  # noqa: BLE001  (every failure becomes an outcome and an answer)
            failure = failures.classify(error)
            failures.note(f"route {route.__name__}", failure, error)
            if failure.full:
                await offload.write(notifications.tell_admins_storage_full)
            status = {failures.UNAVAILABLE: 503, failures.INVALID: 400, failures.REFUSED: 403}.get(failure.outcome, 500)
            text = t(failure.message, best_language(request.headers.get("accept-language", "")), **failure.values)
            return Response(text, status_code=status, media_type="text/plain; charset=utf-8", headers={"Retry-After": "5"} if status == 503 else None)
        if response.status_code >= 400:  # a refusal the route answered itself
            said = bytes(getattr(response, "body", b"")).decode(errors="replace")  # the routes' own fixed words, never data
            refusal = failures.Failure(ops_metrics.outcome_of_status(response.status_code), said, {}, f"status {response.status_code}")
            failures.note(f"route {route.__name__}", refusal, None)
        return response

    return answering


def safe_next(path: str) -> str:
    """A local path to continue to; anything else becomes the front page."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def _from_another_site(request: Request) -> bool:
    """Whether the browser says another site started this request (a link, a form or a script elsewhere)."""
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


def _from_own_page(request: Request) -> bool:
    """Whether a POST comes from one of the instance's own pages: its Origin is ours and the browser does not say otherwise."""
    return not _from_another_site(request) and request.headers.get("origin", "") in config.settings.allowed_origins


def _set_cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=config.settings.secure_cookies, httponly=True, samesite="lax")


def _clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", secure=config.settings.secure_cookies, httponly=True, samesite="lax")


async def begin_login(request: Request) -> Response:
    """Give this browser its login value (see sessions.LOGIN_COOKIE), then go back to the login page."""
    response = RedirectResponse(safe_next(request.query_params.get("next", "/login")), status_code=303)
    if not _from_another_site(request):
        _set_cookie(response, sessions.LOGIN_COOKIE, new_token(), sessions.LOGIN_COOKIE_SECONDS)
    return response


@answered
async def complete_login(request: Request) -> Response:
    """Exchange a one-time login ticket, in the browser that asked for it, for an HttpOnly session cookie, then continue."""
    browser = request.cookies.get(sessions.LOGIN_COOKIE, "")
    token = None
    if browser and not _from_another_site(request):
        previous = request.cookies.get(sessions.COOKIE_NAME, "")
        token = await offload.write(sessions.exchange_ticket, request.query_params.get("ticket", ""), previous, browser)
    if token is None:
        return RedirectResponse("/login?" + urlencode({"expired": "1"}), status_code=303)
    response = RedirectResponse(safe_next(request.query_params.get("next", "/")), status_code=303)
    _set_cookie(response, sessions.COOKIE_NAME, token, config.settings.session_absolute_hours * 3600)
    _clear_cookie(response, sessions.LOGIN_COOKIE)
    return response


@answered
async def log_out(request: Request) -> Response:
    """A POST from the instance's own pages ends the session; any other request changes nothing (403)."""
    if not _from_own_page(request):
        return Response("Not allowed.", status_code=403, media_type="text/plain")
    if token := request.cookies.get(sessions.COOKIE_NAME, ""):
        await offload.write(sessions.revoke, token)
    response = RedirectResponse("/", status_code=303)
    _clear_cookie(response, sessions.COOKIE_NAME)
    return response


async def forget_ended_session(request: Request) -> Response:
    """Clear the cookie of a session that has already ended (the log-out button ends it first); a live one stays.

    So a link from another site cannot log anyone out, while the app's own pages reach this route by a GET.
    """
    response = RedirectResponse("/", status_code=303)
    token = request.cookies.get(sessions.COOKIE_NAME, "")
    if token and await offload.read(sessions.has_ended, token):
        _clear_cookie(response, sessions.COOKIE_NAME)
    return response


async def check_origin(request: Request) -> Response:
    """Whether the event socket will accept this page's origin; if not, says so in the visitor's language."""
    origin = request.headers.get("origin", "")
    if not origin or origin in config.settings.allowed_origins:
        return Response(status_code=204)
    language = best_language(request.headers.get("accept-language", ""))
    return Response(t(ORIGIN_REFUSED, language, address=config.settings.public_url), status_code=403, media_type="text/plain; charset=utf-8")


RouteHandler = Callable[[Request, Viewer], Awaitable[Response]]


def member_route(handler: RouteHandler) -> Callable[[Request], Awaitable[Response]]:
    """The one guard of the HTTP routes that serve members: the session is resolved on every request and the
    service the handler calls decides by the permission policy; refusals are plain text in the person's language
    (404 for anything refused, so an id reveals nothing)."""

    @functools.wraps(handler)
    async def guarded_route(request: Request) -> Response:
        viewer = await _viewer_of(request)
        language = viewer.language if viewer else best_language(request.headers.get("accept-language", ""))
        if viewer is None:
            return Response(t(permissions.LOG_IN, language), status_code=403, media_type="text/plain")
        try:
            return await handler(request, viewer)
        except Refused as refusal:
            return Response(t(refusal.message, language, **refusal.values), status_code=404, media_type="text/plain")

    return guarded_route


async def _viewer_of(request: Request) -> Viewer | None:
    return await offload.read(sessions.resolve, request.cookies.get(sessions.COOKIE_NAME, ""))


@answered
@member_route
async def workspace_calendar(request: Request, viewer: Viewer) -> Response:
    """A workspace's calendar as iCalendar, for those who may read the workspace."""
    text, filename = await offload.read(calendar.ics, viewer, int(request.path_params["workspace_id"]))
    return Response(text, media_type="text/calendar; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@answered
@member_route
async def download_document(request: Request, viewer: Viewer) -> Response:
    """Stream one version of a document after checking, for this very request, that the viewer may read it."""
    version = request.query_params.get("version", "")
    inline = request.query_params.get("inline") == "1"
    found = await offload.write(
        documents.authorise_download, viewer, int(request.path_params["document_id"]), int(version) if version.isdigit() else None, inline=inline
    )
    headers = {
        "Content-Disposition": content_disposition("inline" if found.inline else "attachment", found.filename),
        "Content-Length": str(found.size),
        "Content-Security-Policy": DOWNLOAD_POLICY,
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(get_storage().open(found.key), media_type=found.content_type if found.inline else "application/octet-stream", headers=headers)


@answered
@member_route
async def export_library(request: Request, viewer: Viewer) -> Response:
    """A zip of a workspace's documents: the viewer's own, or (owners) all of them."""
    chunks, filename = await offload.write(  # an owner's export of everyone's documents is on the record
        documents.export_zip, viewer, int(request.path_params["workspace_id"]), only_mine=request.query_params.get("scope") != "all"
    )
    return StreamingResponse(chunks, media_type="application/zip", headers={"Content-Disposition": content_disposition("attachment", filename), "Content-Security-Policy": DOWNLOAD_POLICY})


@answered
@member_route
async def audit_export(request: Request, viewer: Viewer) -> Response:
    """The record, filtered as the query string says, as CSV (administrators only)."""
    text = await offload.write(membership.audit_csv, viewer, audit.Filter.of(request.query_params))
    return Response(text, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": content_disposition("attachment", "audit.csv"), "Content-Security-Policy": DOWNLOAD_POLICY})


@answered
@member_route
async def my_data(request: Request, viewer: Viewer) -> Response:
    """Everything the instance holds about the member as one zip (the request is on the record)."""
    chunks, filename = await offload.write(privacy.export, viewer)
    return StreamingResponse(chunks, media_type="application/zip", headers={"Content-Disposition": content_disposition("attachment", filename), "Content-Security-Policy": DOWNLOAD_POLICY})


@answered
async def transparency_report(_request: Request) -> Response:
    """The public transparency report as JSON (no personal data in it)."""
    return JSONResponse(await offload.read(transparency.as_json))


@answered
@member_route
async def person_avatar(request: Request, viewer: Viewer) -> Response:
    """A member's profile picture, for signed-in members only (never from the public upload folder)."""
    found = await offload.read(avatars.picture_of, viewer, int(request.path_params["person_id"]))
    headers = {"Content-Length": str(found.size), "Content-Security-Policy": DOWNLOAD_POLICY, "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(get_storage().open(found.key), media_type=avatars.CONTENT_TYPE, headers=headers)


async def health(_request: Request) -> Response:
    """Whether the database takes a write, the storage takes bytes and gives them back, the folders have room and (when
    configured) Redis answers; 503 names what failed, "warn" (still 200) says free space runs low."""
    healthy, report = await ops_health.check()
    return JSONResponse(report, status_code=200 if healthy else 503)


async def metrics(_request: Request) -> Response:
    """The instance's Prometheus metrics (no personal data in them), with free space, outbox and scanner measured now."""
    try:
        await asyncio.wait_for(offload.read(ops_health.measure), ops_health.CHECK_SECONDS)
    except TimeoutError:
        log.warning("metrics: measuring free space, the outbox and the scanner took over %s s", ops_health.CHECK_SECONDS)
    body, content_type = ops_metrics.exposition()
    return Response(body, media_type=content_type)


async def _open_data_query(request: Request, max_per_page: int, default_per_page: int) -> activities.Query | Response:
    try:
        return await offload.read(activities.Query.parse, dict(request.query_params), max_per_page=max_per_page, default_per_page=default_per_page)
    except Invalid as invalid:
        language = request.query_params.get("lang", "en")
        return JSONResponse(
            {"error": "invalid_parameters", "parameters": {name: t(message, language) for name, message in invalid.errors.items()}}, status_code=400
        )


OPEN_DATA_HEADERS = {"Access-Control-Allow-Origin": "*"}


async def activities_json(request: Request) -> Response:
    """The published directory as paged JSON (see docs/open-data.md); a 400 with a JSON error for a wrong parameter."""
    query = await _open_data_query(request, activities.OPEN_DATA_MAX_PER_PAGE, activities.OPEN_DATA_PER_PAGE)
    if isinstance(query, Response):
        return query
    found = await offload.read(activities.search, query, order="updated")
    body = await offload.read(activity_data.as_json, found, query)
    return JSONResponse(body, headers=OPEN_DATA_HEADERS)


async def activities_csv(request: Request) -> Response:
    """The published directory as CSV, filtered and paged as the JSON is."""
    query = await _open_data_query(request, activities.OPEN_DATA_MAX_PER_PAGE, activities.OPEN_DATA_MAX_PER_PAGE)
    if isinstance(query, Response):
        return query
    found = await offload.read(activities.search, query, order="updated")
    text = await offload.read(activity_data.as_csv, found)
    headers = {**OPEN_DATA_HEADERS, "Content-Disposition": 'attachment; filename="activities.csv"', "Link": f'<{config.settings.open_data_licence_url}>; rel="license"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


async def activities_ics(request: Request) -> Response:
    """The next dates of the published activities as iCalendar, filtered as the page is."""
    query = await _open_data_query(request, activities.OPEN_DATA_MAX_PER_PAGE, activities.OPEN_DATA_MAX_PER_PAGE)
    if isinstance(query, Response):
        return query
    found = await offload.read(activities.search, query)
    language = request.query_params.get("lang", "fi")
    text = await offload.read(activity_data.as_ics, found, language)
    headers = {**OPEN_DATA_HEADERS, "Content-Disposition": 'attachment; filename="activities.ics"', "Link": f'<{config.settings.open_data_licence_url}>; rel="license"'}
    return Response(text, media_type="text/calendar; charset=utf-8", headers=headers)


async def service_worker(_request: Request) -> Response:
    """The service worker; `no-cache` so the browser asks for it on every visit and finds a new release at once."""
    return Response(pwa.worker_script(), media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "no-cache"})


async def web_manifest(request: Request) -> Response:
    """The web app manifest in the browser's language; `no-cache` so a changed manifest is read again."""
    language = best_language(request.headers.get("accept-language", ""))
    return JSONResponse(pwa.manifest(language), media_type="application/manifest+json", headers={"Cache-Control": "no-cache"})


async def offline_page(_request: Request) -> Response:
    """The page the service worker keeps and shows when the network is gone (no personal data in it)."""
    return HTMLResponse(pwa.offline_page())


def routes() -> Starlette:
    """The HTTP routes mounted beside Reflex's own."""
    return Starlette(
        routes=[
            Route("/auth/begin", begin_login, methods=["GET"]),
            Route("/auth/complete", complete_login, methods=["GET"]),
            Route("/auth/logout", log_out, methods=["POST"]),
            Route("/auth/logout", forget_ended_session, methods=["GET"]),
            Route("/auth/origin", check_origin, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
            Route("/activities.json", activities_json, methods=["GET"]),
            Route("/activities.csv", activities_csv, methods=["GET"]),
            Route("/activities.ics", activities_ics, methods=["GET"]),
            Route("/people/{person_id:int}/avatar", person_avatar, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route("/workspaces/{workspace_id:int}/calendar.ics", workspace_calendar, methods=["GET"]),
            Route("/workspaces/{workspace_id:int}/export.zip", export_library, methods=["GET"]),
            Route("/documents/{document_id:int}/download", download_document, methods=["GET"]),
            Route("/admin/audit.csv", audit_export, methods=["GET"]),
            Route("/account/my-data.zip", my_data, methods=["GET"]),
            Route("/transparency.json", transparency_report, methods=["GET"]),
            Route("/sw.js", service_worker, methods=["GET"]),
            Route("/manifest.webmanifest", web_manifest, methods=["GET"]),
            Route(pwa.OFFLINE_PATH, offline_page, methods=["GET"]),
            *api_public.ROUTES,
        ],
        middleware=[Middleware(ops_metrics.RequestMetrics)],  # Reflex's own routes are mounted inside these, so it counts theirs too
    )


@functools.lru_cache(maxsize=4)  # every response carries it: made once per configuration
def _page_policy(origins: tuple[str, ...], tile_origin: str) -> bytes:
    return content_security_policy(origins, tile_origin).encode()


def _is_static_asset(path: str) -> bool:
    return path.startswith("/assets/") or path.endswith((".js", ".css", ".woff2", ".png", ".svg", ".ico", ".webmanifest"))


class UploadSession:
    """Refuses uploads without a live session cookie, and notes which session sent each one and its length.

    The upload handler runs in the Reflex state of the client token the request names; the handler
    compares the noted session with its own, so a stolen client token cannot upload as someone else,
    and refuses an upload that declares more than the limit before reading its files.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").rstrip("/").endswith("/_upload") and scope.get("method") == "POST":
            answer = await admit_upload(Request(scope))
            if answer.status_code != ADMITTED:
                ops_metrics.count_upload_refused_at_the_door(answer.status_code)
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)


@answered
async def admit_upload(request: Request) -> Response:
    """ADMITTED when the upload comes with a live session (noted for the upload handler), else the answer to send."""
    token = request.cookies.get(sessions.COOKIE_NAME, "")
    if await offload.read(sessions.resolve, token) is None:
        return Response("Log in to continue.", status_code=403, media_type="text/plain")
    length = request.headers.get("content-length", "")
    uploads.note(request.headers.get("reflex-client-token", ""), digest(token), int(length) if length.isdigit() else None)
    return Response(status_code=ADMITTED)


class PrerenderedPage:
    """Answers a page's HTML at its own address, with the scripts it needs named in its head.

    A prerendered page (`/home`) is served as `/home/` is, not redirected there: Reflex's static files redirect a
    page's folder to its address with a slash, which cost every full load of such a page (the app's start page, where
    each login lands) a round trip more (0.6 s in Lighthouse's mobile run). A page with a part in its address
    (`/threads/12`) has no prerendered file: it gets the build's fallback page, which names only the scripts every
    page shares, so the browser learnt of the page's own scripts only once those had run, and of theirs after that.
    It is answered with its route's scripts named as well (`modulepreload`), so they all load at once.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.strip("/") and "." not in path.rsplit("/", 1)[-1]:
            if _prerendered(path):
                if not path.endswith("/"):
                    scope = {**scope, "path": path + "/", "raw_path": (path + "/").encode()}
            elif scope.get("method") == "GET" and (page := _fallback_page(_route_of(path.strip("/")))) is not None:
                # Compressed as the build's own pages are (a thread's page is 10 KB, 3 KB gzipped).
                if "gzip" in Request(scope).headers.get("accept-encoding", ""):
                    answer = HTMLResponse(_gzipped(page), headers={"content-encoding": "gzip", "vary": "accept-encoding"})
                else:
                    answer = HTMLResponse(page, headers={"vary": "accept-encoding"})
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _static_dir() -> Path:
    return prerequisites.get_web_dir() / constants.Dirs.STATIC / get_config().frontend_path.strip("/")


def _prerendered(path: str) -> bool:
    return (_static_dir() / path.strip("/") / "index.html").is_file()


def _route_of(path: str) -> str:
    """The pattern of the app's route with a part in its address that `path` is (`threads/:thread_id`), or ""."""
    return next((pattern for pattern, matcher in _route_patterns() if matcher.fullmatch(path)), "")


@functools.cache
def _route_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """The build's routes with a part in their address, each with its matcher, from its route manifest (none before a production build)."""
    paths = [route["path"] for route in _manifest().get("routes", {}).values() if ":" in route.get("path", "")]
    return tuple((path, re.compile(re.sub(r":[A-Za-z_]+", "[^/]+", re.escape(path)))) for path in paths)


@functools.cache
def _manifest() -> dict:
    """React Router's manifest of the build: each route's script and the scripts it imports."""
    fallback = _static_dir() / "__spa-fallback.html"
    named = re.search(r'/assets/manifest-[\w-]+\.js', fallback.read_text()) if fallback.is_file() else None
    if named is None:
        return {}
    text = (_static_dir() / named.group().lstrip("/")).read_text()
    return json.loads(text[text.index("{"): text.rindex("}") + 1])


@functools.cache
def _fallback_page(pattern: str) -> bytes | None:
    """The fallback page with the scripts of the route `pattern` named in its head, or None if there is no such route."""
    route = next((route for route in _manifest().get("routes", {}).values() if pattern and route.get("path") == pattern), None)
    if route is None:
        return None
    html = (_static_dir() / "__spa-fallback.html").read_text()
    named = [script for script in [route["module"], *route.get("imports", [])] if f'href="{script}"' not in html]
    links = "".join(f'<link rel="modulepreload" href="{script}"/>' for script in dict.fromkeys(named))
    return html.replace("</head>", links + "</head>", 1).encode()


@functools.cache
def _gzipped(page: bytes) -> bytes:
    """A fallback page compressed once."""
    return gzip.compress(page)


memory.register(
    "route scripts",
    holds="the build's route manifest and the fallback page of each route with a part in its address, its scripts named, as is and gzipped",
    lasts="the process",
    others_learn="nothing to learn: a build's files do not change while it is served",
)


class SecurityHeaders:
    """Adds security headers to every HTTP response; pages are never cached, hashed assets and public content may be.

    A route whose answer holds nothing personal says so with its own `Cache-Control: public, …` (see api_public).
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = _is_static_asset(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control" or cacheable or v.startswith(b"public")]
                present = {k.lower() for k, _v in headers}
                headers += [
                    (name, value)
                    for name, value in (
                        (b"content-security-policy", _page_policy(tuple(config.settings.allowed_origins), config.settings.map_tile_origin)),
                        (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"same-origin"),
                        (b"x-frame-options", b"DENY"),
                        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    )
                    if name not in present
                ]
                if b"cache-control" not in present and not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                elif b"cache-control" not in present and scope["path"].startswith("/assets/"):
                    headers.append((b"cache-control", b"public, max-age=31536000, immutable"))  # the build names them by their content
                if config.settings.public_url.startswith("https://"):
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
