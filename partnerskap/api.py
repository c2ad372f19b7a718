"""The few real HTTP routes (session cookie, health) and the security headers on every response."""

from __future__ import annotations

import asyncio
import dataclasses
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerskap import api_public
from partnerskap import settings as config
from partnerskap.ops import health as ops_health
from partnerskap.ops import metrics as ops_metrics
from partnerskap.services import calendar, documents, sessions
from partnerskap.services.errors import Refused
from partnerskap.services.sessions import Viewer
from partnerskap.services.tokens import digest
from partnerskap.storage import content_disposition, get_storage

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# Downloads are data, never a page: no scripts, no plugins, sandboxed, not framed.
DOWNLOAD_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'"


@dataclasses.dataclass(frozen=True)
class UploadRequest:
    """What an upload request came with: its session (as a digest) and the body length it declared, if any."""

    session_digest: str
    declared_bytes: int | None


# Each upload request by the client token it names, checked by the upload handler before it reads a byte.
UPLOAD_SESSIONS: dict[str, UploadRequest] = {}


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


def routes() -> Starlette:
    """The HTTP routes mounted beside Reflex's own."""
    return Starlette(
        routes=[
            Route("/auth/complete", complete_login, methods=["GET"]),
            Route("/auth/logout", finish_logout, methods=["POST", "GET"]),
            Route("/healthz", health, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route("/workspaces/{workspace_id:int}/calendar.ics", workspace_calendar, methods=["GET"]),
            Route("/workspaces/{workspace_id:int}/export.zip", export_library, methods=["GET"]),
            Route("/documents/{document_id:int}/download", download_document, methods=["GET"]),
            *api_public.ROUTES,
        ],
        middleware=[Middleware(ops_metrics.RequestMetrics)],  # Reflex's own routes are mounted inside these, so it counts theirs too
    )


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
            request = Request(scope)
            token = request.cookies.get(sessions.COOKIE_NAME, "")
            if await asyncio.to_thread(sessions.resolve, token) is None:
                await Response("Log in to continue.", status_code=403, media_type="text/plain")(scope, receive, send)
                return
            length = request.headers.get("content-length", "")
            UPLOAD_SESSIONS[request.headers.get("reflex-client-token", "")] = UploadRequest(digest(token), int(length) if length.isdigit() else None)
        await self.app(scope, receive, send)


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
                        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                        (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"same-origin"),
                        (b"x-frame-options", b"DENY"),
                        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    )
                    if name not in present
                ]
                if b"cache-control" not in present and not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                if config.settings.public_url.startswith("https://"):
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
