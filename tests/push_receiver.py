"""A push service on loopback for tests: it keeps what the server posts, and a device's keys decrypt it as a browser would."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclasses.dataclass
class Device:
    """What a browser makes when it subscribes: an ECDH key pair and an authentication secret (only their public half leaves it)."""

    private_key: ec.EllipticCurvePrivateKey = dataclasses.field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = dataclasses.field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return _b64(self.private_key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    @property
    def auth(self) -> str:
        return _b64(self.auth_secret)

    def read(self, body: bytes) -> dict:
        """The push's message, decrypted (RFC 8291, aes128gcm) with the device's private key and secret."""
        return json.loads(http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"))


@dataclasses.dataclass
class Received:
    """One POST the push service got."""

    path: str
    headers: dict[str, str]
    body: bytes


class PushService:
    """Answers every POST with `status` (and `location`, after `delay` seconds) and keeps it in `received`."""

    def __init__(self, server: ThreadingHTTPServer):
        self.server = server
        self.received: list[Received] = []
        self.status = 201
        self.location = ""  # sent with the answer when set (a redirect)
        self.delay = 0.0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        """The first `count` POSTs, once they have arrived."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.received) >= count, f"{len(self.received)} push(es) arrived, {count} expected"
        return self.received[:count]


@contextlib.contextmanager
def push_service() -> Iterator[PushService]:
    """A push service listening on 127.0.0.1 until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(service.delay)
            with service.lock:
                service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(service.status)
            if service.location:
                self.send_header("Location", service.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = PushService(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
