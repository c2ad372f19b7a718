"""The few real HTTP routes (session cookie, health) and the security headers on every response."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerskap import settings as config
from partnerskap import uploads
from partnerskap.i18n import best_language, t
from partnerskap.ops import failures
from partnerskap.ops import health as ops_health
from partnerskap.ops import metrics as ops_metrics
from partnerskap.services import audit, calendar, documents, membership, notifications, permissions, privacy, sessions, transparency
from partnerskap.services.errors import Refused
from partnerskap.services.sessions import Viewer
from partnerskap.services.tokens import digest
from partnerskap.storage import content_disposition, get_storage

log = logging.getLogger(__name__)

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
                await asyncio.to_thread(notifications.tell_admins_storage_full)
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


@answered
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


@answered
async def finish_logout(request: Request) -> Response:
    """Revoke the session (if any) and clear its cookie."""
    if token := request.cookies.get(sessions.COOKIE_NAME, ""):
        await asyncio.to_thread(sessions.revoke, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/", secure=config.settings.secure_cookies, httponly=True, samesite="lax")
    return response


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
    return await asyncio.to_thread(sessions.resolve, request.cookies.get(sessions.COOKIE_NAME, ""))


@answered
@member_route
async def workspace_calendar(request: Request, viewer: Viewer) -> Response:
    """A workspace's calendar as iCalendar, for those who may read the workspace."""
    text, filename = await asyncio.to_thread(calendar.ics, viewer, int(request.path_params["workspace_id"]))
    return Response(text, media_type="text/calendar; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@answered
@member_route
async def download_document(request: Request, viewer: Viewer) -> Response:
    """Stream one version of a document after checking, for this very request, that the viewer may read it."""
    version = request.query_params.get("version", "")
    inline = request.query_params.get("inline") == "1"
    found = await asyncio.to_thread(
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
    chunks, filename = await asyncio.to_thread(
        documents.export_zip, viewer, int(request.path_params["workspace_id"]), only_mine=request.query_params.get("scope") != "all"
    )
    return StreamingResponse(chunks, media_type="application/zip", headers={"Content-Disposition": content_disposition("attachment", filename), "Content-Security-Policy": DOWNLOAD_POLICY})


@answered
@member_route
async def audit_export(request: Request, viewer: Viewer) -> Response:
    """The record, filtered as the query string says, as CSV (administrators only)."""
    text = await asyncio.to_thread(membership.audit_csv, viewer, audit.Filter.of(request.query_params))
    return Response(text, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": content_disposition("attachment", "audit.csv"), "Content-Security-Policy": DOWNLOAD_POLICY})


@answered
@member_route
async def my_data(request: Request, viewer: Viewer) -> Response:
    """Everything the instance holds about the member as one zip (the request is on the record)."""
    chunks, filename = await asyncio.to_thread(privacy.export, viewer)
    return StreamingResponse(chunks, media_type="application/zip", headers={"Content-Disposition": content_disposition("attachment", filename), "Content-Security-Policy": DOWNLOAD_POLICY})


@answered
async def transparency_report(_request: Request) -> Response:
    """The public transparency report as JSON (no personal data in it)."""
    return JSONResponse(await asyncio.to_thread(transparency.as_json))


async def health(_request: Request) -> Response:
    """Whether the database takes a write, the storage takes bytes and gives them back, the folders have room and (when
    configured) Redis answers; 503 names what failed, "warn" (still 200) says free space runs low."""
    healthy, report = await ops_health.check()
    return JSONResponse(report, status_code=200 if healthy else 503)


async def metrics(_request: Request) -> Response:
    """The instance's Prometheus metrics (no personal data in them), with free space, outbox and scanner measured now."""
    try:
        await asyncio.wait_for(asyncio.to_thread(ops_health.measure), ops_health.CHECK_SECONDS)
    except TimeoutError:
        log.warning("metrics: measuring free space, the outbox and the scanner took over %s s", ops_health.CHECK_SECONDS)
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
            Route("/admin/audit.csv", audit_export, methods=["GET"]),
            Route("/account/my-data.zip", my_data, methods=["GET"]),
            Route("/transparency.json", transparency_report, methods=["GET"]),
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
    if await asyncio.to_thread(sessions.resolve, token) is None:
        return Response("Log in to continue.", status_code=403, media_type="text/plain")
    length = request.headers.get("content-length", "")
    uploads.note(request.headers.get("reflex-client-token", ""), digest(token), int(length) if length.isdigit() else None)
    return Response(status_code=ADMITTED)


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
                        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
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
