"""Public content over plain HTTP: the events feed, the sitemap, pictures, and item pages' head for clients without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerskap import offload
from partnerskap.i18n import LANGUAGES
from partnerskap.services import content
from partnerskap.storage import NotFound, get_storage

# Public answers hold nothing personal: shared caches may keep them a little while (members-only answers stay no-store).
PUBLIC_CACHE = "public, max-age=60"
ITEM_PATH = re.compile(r"/(news|events|info)/[a-z0-9]+(?:-[a-z0-9]+)*/?")
_HEAD = re.compile(rb"<head[^>]*>", re.IGNORECASE)
_TITLE = re.compile(rb"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
_DESCRIPTION = re.compile(rb'<meta name="description"[^>]*>', re.IGNORECASE)


async def events_feed(_request: Request) -> Response:
    """Public events as iCalendar, for calendar apps to subscribe to without a cookie."""
    text = await offload.read(content.events_ics)
    return Response(text, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": PUBLIC_CACHE, "Content-Disposition": 'inline; filename="events.ics"'})


async def sitemap(_request: Request) -> Response:
    """Every public item and its language alternates, for search engines."""
    return Response(await offload.read(content.sitemap_xml), media_type="application/xml", headers={"Cache-Control": PUBLIC_CACHE})


async def content_image(request: Request) -> Response:
    """A picture of a published item (pictures of drafts are not found)."""
    key = await offload.read(content.public_image, int(request.path_params["image_id"]))
    if key is None:
        return Response("Not found.", status_code=404, media_type="text/plain")
    storage = get_storage()
    try:
        size = await offload.read(storage.size, key)
    except NotFound:
        return Response("Not found.", status_code=404, media_type="text/plain")
    return StreamingResponse(storage.open(key), media_type="image/jpeg", headers={"Content-Length": str(size), "Cache-Control": PUBLIC_CACHE})


ROUTES = [
    Route("/events.ics", events_feed, methods=["GET"]),
    Route("/sitemap.xml", sitemap, methods=["GET"]),
    Route("/content-images/{image_id:int}", content_image, methods=["GET"]),
]


class ItemHead:
    """Puts a public item's title, description, language alternates and Open Graph tags into its page's HTML.

    Pages compile once, so the compiled HTML of /news/[slug] names no item; a crawler without JavaScript would
    see none. For a public item, the compiled page is answered with the item's head tags in place of the
    generic ones (the browser's app renders the same page from there), and may be cached briefly.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or not ITEM_PATH.fullmatch(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        # The page is read whole and changed: asked for uncompressed, and as bytes (not a path the server sends by itself).
        plain_scope = {
            **scope,
            "headers": [(name, value) for name, value in scope["headers"] if name.lower() != b"accept-encoding"],
            "extensions": {name: value for name, value in scope.get("extensions", {}).items() if name not in ("http.response.pathsend", "http.response.zerocopysend")},
        }
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(plain_scope, receive, keep)
        start = next((m for m in messages if m["type"] == "http.response.start"), None)
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        html = start is not None and start.get("status") == 200 and any(
            name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in start.get("headers", [])
        )
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[0]
        head = await offload.read(content.head_tags, scope["path"], asked if asked in LANGUAGES else "") if html else None
        if head is None or (opening := _HEAD.search(body)) is None:
            for message in messages:
                await send(message)
            return
        page = _DESCRIPTION.sub(b"", _TITLE.sub(b"", body))
        opening = _HEAD.search(page)
        page = page[: opening.end()] + head.encode() + page[opening.end() :]
        headers = [(name, value) for name, value in start["headers"] if name.lower() not in (b"content-length", b"cache-control", b"etag", b"last-modified")]
        headers += [(b"content-length", str(len(page)).encode()), (b"cache-control", PUBLIC_CACHE.encode())]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": page, "more_body": False})
