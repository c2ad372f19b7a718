"""The one way to send e-mail: every message goes to the outbox, then through SMTP when configured."""

from __future__ import annotations

import json
import logging
import re
import smtplib
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import OutboxMessage
from partnerskap.models.base import utcnow
from partnerskap.services import claims
from partnerskap.services.tokens import sealer

log = logging.getLogger(__name__)
# One-time link tokens (confirmation, password reset) are for their recipient only: see `seal`.
ONE_TIME_LINK = re.compile(r"([?&]token=)([\w-]+)")
CUT = "…"
BATCH = 10  # messages one worker claims a round
# Far longer than a round's SMTP sessions take (each waits at most 20 s a step), so a live worker's claim never expires.
LEASE = timedelta(minutes=15)


def queue(*, recipient: str, subject: str, body: str, session: Session) -> OutboxMessage:
    """Write a message to the outbox in the caller's transaction, its one-time link tokens sealed."""
    cut, sealed = seal(body)
    message = OutboxMessage(recipient=recipient, subject=subject[:300], body=cut, sealed_links=sealed)
    session.add(message)
    return message


def seal(body: str) -> tuple[str, str]:
    """The body with its one-time link tokens cut out, and those tokens encrypted with the secret key ('' if none).

    The outbox table (and so every backup, and the administrators' outbox view) never holds a token in
    clear: only SMTP delivery puts them back (`readable_body`), and a message that was sent forgets them.
    """
    pieces: list[str] = []
    places: list[tuple[int, str]] = []
    length = position = 0
    for link in ONE_TIME_LINK.finditer(body):
        pieces.append(body[position : link.start(2)])
        length += link.start(2) - position
        places.append((length, link.group(2)))
        pieces.append(CUT)
        length += len(CUT)
        position = link.end(2)
    pieces.append(body[position:])
    return "".join(pieces), _sealer().encrypt(json.dumps(places).encode()).decode() if places else ""


def readable_body(message: OutboxMessage) -> str:
    """The message as its recipient gets it, with its one-time links whole; InvalidToken if the secret key changed."""
    body = message.body
    if message.sealed_links:
        for offset, token in reversed(json.loads(_sealer().decrypt(message.sealed_links.encode()))):
            body = body[:offset] + token + body[offset + len(CUT) :]
    return body


def _sealer() -> Fernet:
    """Authenticated encryption of the outbox's one-time links (tokens.sealer)."""
    return sealer(b"partnerskap outbox one-time links")


def deliver_pending() -> int:
    """Send unsent outbox messages through SMTP, if configured, each claimed by one worker; returns how many were sent.

    The SMTP sessions run outside any transaction (`claims`): a slow or unreachable server holds no lock and no
    connection of the database's. A worker that stops while sending leaves its claim to expire after `LEASE`, and
    its messages are sent again then: a message may arrive twice, but none is lost.
    """
    if not config.settings.smtp_host:
        return 0
    claim, now = uuid.uuid4().hex, utcnow()
    if not claims.claim_ready(OutboxMessage, (col(OutboxMessage.sent_at).is_(None),), claim=claim, lease=LEASE, limit=BATCH, now=now):
        return 0
    with transaction() as session:
        mine = session.exec(select(OutboxMessage).where(OutboxMessage.claimed_by == claim).order_by(col(OutboxMessage.id))).all()
    outcomes = {message.id: _sent(message) for message in mine}
    with transaction() as session:
        for message_id, error in outcomes.items():
            done = {"sent_at": utcnow(), "sealed_links": ""} if error is None else {}
            session.exec(
                update(OutboxMessage).where(col(OutboxMessage.id) == message_id, OutboxMessage.claimed_by == claim).values(claimed_by=None, claimed_until=None, error=error or "", **done)
            )
    return sum(error is None for error in outcomes.values())


def _sent(message: OutboxMessage) -> str | None:
    """Send one message; None when the server took it, else why not (kept with the message, which is tried again)."""
    try:
        _send_smtp(message)
    except InvalidToken:
        log.warning("Outbox message %s holds links sealed with another secret key; it cannot be sent", message.id)
        return "Its one-time links were sealed with another secret key (a backup restored elsewhere?)."
    except (OSError, smtplib.SMTPException) as error:
        log.warning("SMTP delivery failed for outbox message %s: %s", message.id, error)
        return str(error)[:500]
    return None


def _send_smtp(message: OutboxMessage) -> None:
    settings = config.settings
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(readable_body(message))
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(email)


def backlog(*, session: Session) -> tuple[int, datetime | None]:
    """How many messages wait to be sent, and when the oldest of them was written."""
    count, oldest = session.exec(select(func.count(), func.min(OutboxMessage.created_at)).where(col(OutboxMessage.sent_at).is_(None))).one()
    return count, oldest


def outbox(*, limit: int = 100, session: Session) -> list[OutboxMessage]:
    """The newest messages first."""
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)).all())

