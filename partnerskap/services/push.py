"""Push notifications: members' devices, the pushes written with their notifications, and their delivery.

The rule of where the server posts (a member chooses the address, so it must not reach the server's own network):
an endpoint is `https://` on the default port at a host *name* (never a bare address, never user:password@), and at
each delivery every address that name resolves to must be a public one (no loopback, private, link-local, shared
or reserved range); redirects are not followed and the push service's certificate is verified, so a name that
points elsewhere between the check and the request reaches no plain HTTP service. Only with
PARTNERSKAP_PUSH_LOOPBACK (tests) may an endpoint be `http://` at 127.0.0.1, localhost or [::1].
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import ipaddress
import json
import logging
import os
import socket
import tempfile
import uuid
from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import insert, update
from sqlmodel import Session, col, delete, select

from partnerskap import memory
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import N_, t
from partnerskap.models import PushDelivery, PushSubscription
from partnerskap.models.base import utcnow
from partnerskap.services import claims
from partnerskap.services.errors import Refused
from partnerskap.services.permissions import require_member
from partnerskap.services.sessions import Viewer

log = logging.getLogger(__name__)
KEY_FILE = "vapid_private.pem"
DEVICES_PER_MEMBER = 10  # a member's oldest device makes room; nobody makes the server post to hundreds of addresses
TEXT_LENGTH = 300
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
BATCH = 20
SEND_SECONDS = 10
LEASE = timedelta(minutes=5)  # longer than a batch can take (BATCH × SEND_SECONDS): a claim outlives its sends
ATTEMPTS = 6  # tried again after 30 s, 1, 2, 4 and 8 minutes, then given up
FIRST_RETRY_SECONDS = 30
KEEP_SECONDS = 24 * 3600  # how long a push service holds a push for a device that is off (the TTL header)
GONE = (404, 410)  # the push service says the subscription has ended
NOT_POSTED = -1  # `_send`: the endpoint failed the rule at delivery, so nothing was posted
NOT_A_PUSH_ENDPOINT = N_("This browser gave an address the platform does not send push notifications to.")


def ensure_keys() -> bool:
    """Make the instance's VAPID key pair in the data folder (its owner only, 0600) unless it is there; whether it was made."""
    path = config.settings.data_dir / KEY_FILE
    if path.exists():
        return False
    config.settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    made = Vapid()
    made.generate_keys()
    fd, written = tempfile.mkstemp(dir=config.settings.data_dir, prefix=".vapid.")  # 0600 from the first byte
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(made.private_pem())
        try:
            os.link(written, path)
        except FileExistsError:  # another process of the instance made it first: theirs stands
            return False
    finally:
        os.unlink(written)
    _keys.cache_clear()
    return True


@functools.cache
def _keys() -> Vapid | None:
    path = config.settings.data_dir / KEY_FILE
    return Vapid.from_file(str(path)) if path.exists() else None


memory.register(
    "push keys",
    holds="the instance's VAPID key pair, read from the data folder",
    lasts="the process",
    others_learn="at restart (a new key pair is made only by `prepare`, before the server starts)",
    forget=_keys.cache_clear,
)


def public_key() -> str:
    """The VAPID public key a browser subscribes with (base64url, unpadded); '' when the instance has none yet."""
    keys = _keys()
    if keys is None:
        return ""
    raw = keys.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decoded(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return b""


def _host(endpoint: str) -> str | None:
    """The endpoint's host if its form may be posted to under the rule above (no name resolved yet), else None."""
    if len(endpoint) > 1000:
        return None
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.password is not None:
        return None
    if parts.scheme == "http":
        return host if config.settings.push_loopback and host in LOOPBACK_HOSTS else None
    if parts.scheme != "https" or port not in (None, 443):
        return None
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return None  # push services are named
    return None if host == "localhost" or host.endswith(".localhost") else host


def _addresses(host: str) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)]


def may_post_to(endpoint: str) -> bool:
    """Whether the server posts to this endpoint now: its form passes the rule and its name resolves to public addresses only.

    Raises OSError when the name cannot be resolved now (the push is tried again later; the device is kept).
    """
    host = _host(endpoint)
    if host is None:
        return False
    if host in LOOPBACK_HOSTS:  # only reachable with PARTNERSKAP_PUSH_LOOPBACK (see _host)
        return True
    found = _addresses(host)
    return bool(found) and all(ipaddress.ip_address(address.split("%", 1)[0]).is_global for address in found)


def subscribe(viewer: Viewer, *, endpoint: str, p256dh: str, auth: str, device: str) -> None:
    """Save the member's device that receives push notifications (a device another member used moves to this one)."""
    require_member(viewer)
    key = _decoded(p256dh)
    if _host(endpoint) is None or len(_decoded(auth)) != 16 or len(key) != 65:
        raise Refused(NOT_A_PUSH_ENDPOINT)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key)
    except ValueError:
        raise Refused(NOT_A_PUSH_ENDPOINT) from None
    with transaction() as session:
        found = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
        if found is not None and found.user_id != viewer.id:  # the browser's subscription outlives who signed in there
            session.delete(found)
            session.flush()
            found = None
        saved = found or PushSubscription(user_id=viewer.id, endpoint=endpoint, p256dh="", auth="")
        saved.p256dh, saved.auth, saved.device = p256dh, auth, " ".join(device.split())[:120]
        session.add(saved)
        session.flush()
        mine = session.exec(select(PushSubscription.id).where(PushSubscription.user_id == viewer.id).order_by(col(PushSubscription.id).desc())).all()
        if len(mine) > DEVICES_PER_MEMBER:
            session.exec(delete(PushSubscription).where(col(PushSubscription.id).in_(mine[DEVICES_PER_MEMBER:])))


def unsubscribe(viewer: Viewer, *, endpoint: str) -> None:
    """Forget one of the member's own devices; another member's, or an address nobody has, changes nothing."""
    require_member(viewer)
    with transaction() as session:
        forget_device(viewer.id, endpoint, session=session)


def forget_device(user_id: int, endpoint: str, *, session: Session) -> None:
    """Forget a device of this member's, in the caller's transaction (another member's is left alone)."""
    session.exec(delete(PushSubscription).where(PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint))


def forget_member(session: Session, user_id: int) -> None:
    """Forget every device of a member, in the caller's transaction (their account is deleted)."""
    session.exec(delete(PushSubscription).where(PushSubscription.user_id == user_id))


def devices_of(session: Session, user_ids: list[int]) -> dict[int, list[int]]:
    """The subscriptions of each of these members who has any."""
    found: dict[int, list[int]] = {}
    if user_ids:
        for subscription_id, user_id in session.exec(select(PushSubscription.id, PushSubscription.user_id).where(col(PushSubscription.user_id).in_(user_ids))).all():
            found.setdefault(user_id, []).append(subscription_id)
    return found


def queue(session: Session, *, subscription_ids: list[int], text: str, link: str, language: str) -> None:
    """Write a push for each of a member's devices in the caller's transaction; the background job sends them after it commits."""
    body = text if len(text) <= TEXT_LENGTH else text[: TEXT_LENGTH - 1] + "…"
    payload = json.dumps({"title": t("Partnership Platform", language), "body": body, "url": link}, ensure_ascii=False)
    session.connection().execute(insert(PushDelivery), [{"subscription_id": subscription_id, "payload": payload, "due_at": utcnow()} for subscription_id in subscription_ids])


def _claim(claim: str) -> list[tuple[PushDelivery, PushSubscription]]:
    """Mark up to BATCH due pushes as this round's for LEASE, in a transaction of its own; a push another worker holds is left alone."""
    now = utcnow()
    if not claims.claim_ready(PushDelivery, (col(PushDelivery.due_at) <= now,), claim=claim, lease=LEASE, limit=BATCH, now=now):
        return []
    with transaction() as session:
        return list(session.exec(select(PushDelivery, PushSubscription).join(PushSubscription, col(PushSubscription.id) == col(PushDelivery.subscription_id)).where(PushDelivery.claimed_by == claim).order_by(col(PushDelivery.id))).all())


def _contact() -> str:
    """Who the push services may write to about this sender (VAPID's `sub`): the instance's address, or its mail sender."""
    public_url = config.settings.public_url
    return public_url if public_url.startswith("https://") else "mailto:" + (parseaddr(config.settings.mail_from)[1] or "noreply@localhost")


class _NoRedirects(requests.Session):
    """A push service answers; it never sends the server on to another address (a redirect fails the post)."""

    def __init__(self) -> None:
        super().__init__()
        self.max_redirects = 0


def _send(subscription: PushSubscription, payload: str, keys: Vapid) -> int:
    """Post one push; the push service's status (0 when it could not be reached). Never inside a transaction."""
    try:
        if not may_post_to(subscription.endpoint):
            return NOT_POSTED
    except OSError:
        return 0
    with _NoRedirects() as session:
        try:
            answer = webpush(
                {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                data=payload,
                vapid_private_key=keys,
                vapid_claims={"sub": _contact()},
                ttl=KEEP_SECONDS,
                timeout=SEND_SECONDS,
                requests_session=session,
            )
        except WebPushException as error:
            return error.status_code or 0
        except requests.RequestException:
            return 0
    return answer.status_code


def deliver_pending() -> int:
    """Send the pushes that are due, each claimed by one worker only; returns how many arrived at their push service."""
    keys = _keys()
    if keys is None:
        return 0
    claim = uuid.uuid4().hex
    claimed = _claim(claim)
    outcomes = [(delivery, subscription, _send(subscription, delivery.payload, keys)) for delivery, subscription in claimed]
    now = utcnow()
    sent = 0
    with transaction() as session:
        mine = (PushDelivery.claimed_by == claim,)
        for delivery, subscription, status in outcomes:
            this = (PushDelivery.id == delivery.id, *mine)
            if 200 <= status < 300:
                sent += 1
                session.exec(delete(PushDelivery).where(*this))
                session.exec(update(PushSubscription).where(col(PushSubscription.id) == subscription.id).values(last_success_at=now))
            elif status in GONE or status == NOT_POSTED:
                log.info("Push subscription %s ended (%s); forgotten", subscription.id, "gone" if status in GONE else "its address is not one the server posts to")
                session.exec(delete(PushSubscription).where(col(PushSubscription.id) == subscription.id))
            elif (400 <= status < 500 and status != 429) or delivery.attempts + 1 >= ATTEMPTS:
                log.warning("Push %s to subscription %s not delivered (status %s); given up", delivery.id, subscription.id, status)
                session.exec(delete(PushDelivery).where(*this))
            else:
                retry = now + timedelta(seconds=FIRST_RETRY_SECONDS * 2**delivery.attempts)
                session.exec(update(PushDelivery).where(*this).values(attempts=delivery.attempts + 1, due_at=retry, claimed_by=None, claimed_until=None))
    return sent


def active() -> bool:
    """Whether this instance sends pushes: `prepare` made its keys."""
    return _keys() is not None
