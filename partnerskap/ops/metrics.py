"""Prometheus metrics: HTTP requests by route, Reflex events by handler, websocket clients, uploads, failures, and what
operators alert on (free space, the outbox's backlog, the virus scanner).

Labels are route templates, handler names, methods, status codes and outcomes only: never ids, paths or addresses.
Outcomes are those of ops.failures: ok, refused, invalid, unavailable, error (and cancelled for events).
With several backend workers, set PROMETHEUS_MULTIPROC_DIR (an empty folder) and every worker's numbers are summed.
"""

from __future__ import annotations

import asyncio
import os
import time
import weakref
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from reflex.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerskap.ops.failures import CANCELLED, ERROR, FAILED_OUTCOMES, INVALID, OK, REFUSED, UNAVAILABLE

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UPLOAD_PATH = "/_upload"

HTTP_REQUESTS = Counter(
    "partnerskap_http_requests", "HTTP requests answered, by method, route template, status and outcome.", ["method", "route", "status", "outcome"]
)
HTTP_SECONDS = Histogram("partnerskap_http_request_duration_seconds", "Time to answer an HTTP request (until the response starts).", ["method", "route"])
EVENTS = Counter("partnerskap_events", "Reflex events handled, by handler and outcome (ok, refused, invalid, unavailable, error, cancelled).", ["handler", "outcome"])
EVENT_SECONDS = Histogram(
    "partnerskap_event_duration_seconds",
    "Time from an event's start to its handler's end (uploads: the whole upload).",
    ["handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
WEBSOCKETS = Gauge("partnerskap_websocket_clients", "Websocket clients connected now.", multiprocess_mode="livesum")
UPLOADS = Counter("partnerskap_uploads", "Uploads, by outcome (refused at the door by the endpoint's status, else by the upload handler's end).", ["outcome"])
UPLOAD_BYTES = Counter("partnerskap_upload_bytes", "Bytes received by the upload endpoint.")
UPLOAD_REFUSALS = Counter("partnerskap_upload_refusals", "Upload requests answered with an error status.")
ERRORS = Counter("partnerskap_errors", "Failures (outcome unavailable or error), by where they happened (http, event).", ["source"])
FREE_BYTES = Gauge("partnerskap_free_bytes", "Free space where the instance writes, by folder (data, documents, database when SQLite lies elsewhere).", ["folder"], multiprocess_mode="mostrecent")
OUTBOX_BACKLOG = Gauge("partnerskap_outbox_backlog", "E-mails in the outbox not sent yet.", multiprocess_mode="mostrecent")
OUTBOX_OLDEST_SECONDS = Gauge("partnerskap_outbox_oldest_seconds", "Age of the oldest e-mail not sent yet (0 when none waits).", multiprocess_mode="mostrecent")
CLAMD_UP = Gauge(
    "partnerskap_clamd_up", "Whether the virus scanner at an address answers (1) or not (0); absent when none is configured.", ["address"], multiprocess_mode="mostrecent"
)
_counted: weakref.WeakSet[asyncio.Task] = weakref.WeakSet()  # event tasks whose outcome the guard counted


def exposition() -> tuple[bytes, str]:
    """The current metrics in Prometheus' text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def count_event(handler: str, outcome: str, *, upload: bool = False) -> None:
    """Count a guarded handler's outcome (its event's task counts it no more), and an upload's."""
    EVENTS.labels(handler, outcome).inc()
    if outcome in FAILED_OUTCOMES:
        ERRORS.labels("event").inc()
    if upload:
        UPLOADS.labels(outcome).inc()
    if (task := asyncio.current_task()) is not None:
        _counted.add(task)


def count_upload_refused_at_the_door(status: int) -> None:
    """Count an upload answered with an error status before its handler ran (api.UploadSession stands outside this middleware)."""
    UPLOADS.labels(outcome_of_status(status)).inc()
    UPLOAD_REFUSALS.inc()


def outcome_of_status(status: int) -> str:
    """An HTTP answer's outcome by its status."""
    if status < 400:
        return OK
    if status in (401, 403, 404, 405):
        return REFUSED
    if status < 500:
        return INVALID
    return UNAVAILABLE if status in (503, 504, 507) else ERROR


def _route(scope: Scope) -> str:
    """The template of the route that answered (innermost router wins), never the concrete path."""
    route = scope.get("route")
    if isinstance(route, BaseRoute) and (template := getattr(route, "path", "")):
        return template
    return "other"  # pages and assets of the compiled frontend, and unknown paths


class RequestMetrics:
    """ASGI middleware: counts and times HTTP requests, uploads and errors, and keeps the websocket gauge."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            WEBSOCKETS.inc()
            try:
                await self.app(scope, receive, send)
            finally:
                WEBSOCKETS.dec()
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope.get("method", "") if scope.get("method") in METHODS else "other"
        upload = method == "POST" and scope.get("path", "").rstrip("/").endswith(UPLOAD_PATH)
        status = 500

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                UPLOAD_BYTES.inc(len(message.get("body", b"")))
            return message

        async def noting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                HTTP_SECONDS.labels(method, _route(scope)).observe(time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, counting_receive if upload else receive, noting_send)
        finally:
            outcome = outcome_of_status(status)
            HTTP_REQUESTS.labels(method, _route(scope), str(status), outcome).inc()
            if outcome in FAILED_OUTCOMES:
                ERRORS.labels("http").inc()
            if upload and status >= 400:  # the upload handler never ran, or its bytes never all arrived
                count_upload_refused_at_the_door(status)


class EventMetrics(Middleware):
    """Reflex event middleware: times each event until its task ends, and counts those the guard did not (Reflex's own)."""

    async def preprocess(self, app, state, event) -> None:
        """Note the start; the event's task reports its end."""
        handler = _handler_name(state, event.name)
        started = time.perf_counter()
        if (task := asyncio.current_task()) is not None:
            task.add_done_callback(lambda done: _finished(handler, started, done))


def _handler_name(state: Any, event_name: str) -> str:
    """The handler's class-qualified name (e.g. LibraryState.receive) rather than Reflex's long state path."""
    state_name, _, handler_name = event_name.rpartition(".")
    try:
        handler = type(state).get_root_state().get_class_substate(state_name).event_handlers.get(handler_name)
    except ValueError:
        handler = None
    return handler.fn.__qualname__ if handler is not None else "other"


def _finished(handler: str, started: float, task: asyncio.Task) -> None:
    EVENT_SECONDS.labels(handler).observe(time.perf_counter() - started)
    if task in _counted:
        _counted.discard(task)
        return
    if task.cancelled():
        outcome = CANCELLED
    elif task.exception() is not None:
        outcome = ERROR
        ERRORS.labels("event").inc()
    else:
        outcome = OK
    EVENTS.labels(handler, outcome).inc()
