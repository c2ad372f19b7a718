"""The few real HTTP routes (session cookie, health) and the security headers on every response."""

from __future__ import annotations

import asyncio
import functools
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerskap import settings as config
from partnerskap.ops import health as ops_health
from partnerskap.ops import metrics as ops_metrics
from partnerskap.i18n import t
from partnerskap.services import activities, activity_data, calendar, documents, sessions
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.sessions import Viewer
from partnerskap.services.tokens import digest
from partnerskap.storage import content_disposition, get_storage

def content_security_policy() -> str:
    """The page policy; images may also come from the configured map tile server."""
    return _policy_with_tiles(config.settings.map_tile_origin)


@functools.lru_cache(maxsize=4)  # every response carries it: made once per tile server
def _policy_with_tiles(tile_origin: str) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        " ".join(["img-src 'self' data: blob:", *([tile_origin] if tile_origin else [])]),
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


# Downloads are data, never a page: no scripts, no plugins, sandboxed, not framed.
DOWNLOAD_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'"
# Which session each upload request came with (client token → session digest), checked by the upload handler.
UPLOAD_SESSIONS: dict[str, str] = {}


def safe_next(path: str) -> str:
    """A local path to continue to; anything else becomes the front page."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


async def complete_login(request: Request) -> Response:
    """Exchange a one-time login ticket for an HttpOnly session cookie, then continue."""
    previous = request.cookies.get(sessions.COOKIE_NAME, "")
    token = await asyncio.to_thread(sessions.exchange_ticket, request.query_params.get("ticket", ""), previous)
    if token is None:
        return RedirectResponse("/login?" + urlencode({"expired": "1"}), status_code=303)
    response = RedirectResponse(safe_next(request.query_params.get("next", "/")), status_code=303)
    settings = config.settings
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        max_age=settings.session_absolute_hours * 3600,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return response


async def finish_logout(request: Request) -> Response:
    """Revoke the session (if any) and clear its cookie."""
    if token := request.cookies.get(sessions.COOKIE_NAME, ""):
        await asyncio.to_thread(sessions.revoke, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/", secure=config.settings.secure_cookies, httponly=True, samesite="lax")
    return response


async def workspace_calendar(request: Request) -> Response:
    """A workspace's calendar as iCalendar, for its members only (checked on every request)."""
    viewer = await asyncio.to_thread(sessions.resolve, request.cookies.get(sessions.COOKIE_NAME, ""))
    if viewer is None:
        return Response("Log in to continue.", status_code=403, media_type="text/plain")
    try:
        text, filename = await asyncio.to_thread(calendar.ics, viewer, int(request.path_params["workspace_id"]))
    except Refused:
        return Response("Not found.", status_code=404, media_type="text/plain")
    return Response(text, media_type="text/calendar; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def _viewer_of(request: Request) -> Viewer | None:
    return await asyncio.to_thread(sessions.resolve, request.cookies.get(sessions.COOKIE_NAME, ""))


async def download_document(request: Request) -> Response:
    """Stream one version of a document after checking, for this very request, that the viewer may read it."""
    viewer = await _viewer_of(request)
    if viewer is None:
        return Response("Log in to continue.", status_code=403, media_type="text/plain")
    version = request.query_params.get("version", "")
    inline = request.query_params.get("inline") == "1"
    try:
        found = await asyncio.to_thread(
            documents.authorise_download, viewer, int(request.path_params["document_id"]), int(version) if version.isdigit() else None, inline=inline
        )
    except Refused:
        return Response("Not found.", status_code=404, media_type="text/plain")
    headers = {
        "Content-Disposition": content_disposition("inline" if found.inline else "attachment", found.filename),
        "Content-Length": str(found.size),
        "Content-Security-Policy": DOWNLOAD_POLICY,
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(get_storage().open(found.key), media_type=found.content_type if found.inline else "application/octet-stream", headers=headers)


async def export_library(request: Request) -> Response:
    """A zip of a workspace's documents: the viewer's own, or (owners) all of them."""
    viewer = await _viewer_of(request)
    if viewer is None:
        return Response("Log in to continue.", status_code=403, media_type="text/plain")
    try:
        chunks, filename = await asyncio.to_thread(
            documents.export_zip, viewer, int(request.path_params["workspace_id"]), only_mine=request.query_params.get("scope") != "all"
        )
    except Refused:
        return Response("Not found.", status_code=404, media_type="text/plain")
    return StreamingResponse(chunks, media_type="application/zip", headers={"Content-Disposition": content_disposition("attachment", filename), "Content-Security-Policy": DOWNLOAD_POLICY})


async def health(_request: Request) -> Response:
    """Whether the instance can reach its database, its storage and (when configured) Redis; 503 names what failed."""
    healthy, report = await ops_health.check()
    return JSONResponse(report, status_code=200 if healthy else 503)


async def metrics(_request: Request) -> Response:
    """The instance's Prometheus metrics (no personal data in them)."""
    body, content_type = ops_metrics.exposition()
    return Response(body, media_type=content_type)


async def _open_data_query(request: Request, max_per_page: int, default_per_page: int) -> activities.Query | Response:
    try:
        return await asyncio.to_thread(activities.Query.parse, dict(request.query_params), max_per_page=max_per_page, default_per_page=default_per_page)
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
    found = await asyncio.to_thread(activities.search, query, order="updated")
    body = await asyncio.to_thread(activity_data.as_json, found, query)
    return JSONResponse(body, headers=OPEN_DATA_HEADERS)


async def activities_csv(request: Request) -> Response:
    """The published directory as CSV, filtered and paged as the JSON is."""
    query = await _open_data_query(request, activities.OPEN_DATA_MAX_PER_PAGE, activities.OPEN_DATA_MAX_PER_PAGE)
    if isinstance(query, Response):
        return query
    found = await asyncio.to_thread(activities.search, query, order="updated")
    text = await asyncio.to_thread(activity_data.as_csv, found)
    headers = {**OPEN_DATA_HEADERS, "Content-Disposition": 'attachment; filename="activities.csv"', "Link": f'<{config.settings.open_data_licence_url}>; rel="license"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


async def activities_ics(request: Request) -> Response:
    """The next dates of the published activities as iCalendar, filtered as the page is."""
    query = await _open_data_query(request, activities.OPEN_DATA_MAX_PER_PAGE, activities.OPEN_DATA_MAX_PER_PAGE)
    if isinstance(query, Response):
        return query
    found = await asyncio.to_thread(activities.search, query)
    language = request.query_params.get("lang", "fi")
    text = await asyncio.to_thread(activity_data.as_ics, found, language)
    headers = {**OPEN_DATA_HEADERS, "Content-Disposition": 'attachment; filename="activities.ics"', "Link": f'<{config.settings.open_data_licence_url}>; rel="license"'}
    return Response(text, media_type="text/calendar; charset=utf-8", headers=headers)


def routes() -> Starlette:
    """The HTTP routes mounted beside Reflex's own."""
    return Starlette(
        routes=[
            Route("/auth/complete", complete_login, methods=["GET"]),
            Route("/auth/logout", finish_logout, methods=["POST", "GET"]),
            Route("/healthz", health, methods=["GET"]),
            Route("/activities.json", activities_json, methods=["GET"]),
            Route("/activities.csv", activities_csv, methods=["GET"]),
            Route("/activities.ics", activities_ics, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route("/workspaces/{workspace_id:int}/calendar.ics", workspace_calendar, methods=["GET"]),
            Route("/workspaces/{workspace_id:int}/export.zip", export_library, methods=["GET"]),
            Route("/documents/{document_id:int}/download", download_document, methods=["GET"]),
        ],
        middleware=[Middleware(ops_metrics.RequestMetrics)],  # Reflex's own routes are mounted inside these, so it counts theirs too
    )


def _is_static_asset(path: str) -> bool:
    return path.startswith("/assets/") or path.endswith((".js", ".css", ".woff2", ".png", ".svg", ".ico", ".webmanifest"))


class UploadSession:
    """Refuses uploads without a live session cookie, and notes which session sent each one.

    The upload handler runs in the Reflex state of the client token the request names; the handler
    compares the noted session with its own, so a stolen client token cannot upload as someone else.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").rstrip("/").endswith("/_upload") and scope.get("method") == "POST":
            request = Request(scope)
            token = request.cookies.get(sessions.COOKIE_NAME, "")
            if await asyncio.to_thread(sessions.resolve, token) is None:
                await Response("Log in to continue.", status_code=403, media_type="text/plain")(scope, receive, send)
                return
            UPLOAD_SESSIONS[request.headers.get("reflex-client-token", "")] = digest(token)
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Adds security headers to every HTTP response; pages are never cached, hashed assets may be."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = _is_static_asset(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control" or cacheable]
                present = {k.lower() for k, _v in headers}
                headers += [
                    (name, value)
                    for name, value in (
                        (b"content-security-policy", content_security_policy().encode()),
                        (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"same-origin"),
                        (b"x-frame-options", b"DENY"),
                        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    )
                    if name not in present
                ]
                if not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                if config.settings.public_url.startswith("https://"):
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
