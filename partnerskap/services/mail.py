"""The one way to send e-mail: every message goes to the outbox, then through SMTP when configured."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from email.message import EmailMessage

from sqlmodel import Session, col, select

from partnerskap import offload
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import OutboxMessage
from partnerskap.models.base import utcnow

log = logging.getLogger(__name__)


def queue(*, recipient: str, subject: str, body: str, session: Session) -> OutboxMessage:
    """Write a message to the outbox in the caller's transaction."""
    message = OutboxMessage(recipient=recipient, subject=subject[:300], body=body)
    session.add(message)
    return message


def deliver_pending() -> int:
    """Send unsent outbox messages through SMTP, if configured; returns how many were sent."""
    if not config.settings.smtp_host:
        return 0
    with transaction() as session:
        pending = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.sent_at).is_(None))
            .order_by(col(OutboxMessage.id))
            .limit(50)
            .with_for_update(skip_locked=True)
        ).all()
        sent = 0
        for message in pending:
            try:
                _send_smtp(message)
            except (OSError, smtplib.SMTPException) as error:
                log.warning("SMTP delivery failed for outbox message %s: %s", message.id, error)
                message.error = str(error)[:500]
            else:
                message.sent_at = utcnow()
                message.error = ""
                sent += 1
            session.add(message)
    return sent


def _send_smtp(message: OutboxMessage) -> None:
    settings = config.settings
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(email)


def outbox(*, limit: int = 100, session: Session) -> list[OutboxMessage]:
    """The newest messages first."""
    return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)).all())


async def deliver_forever(interval_seconds: float = 5.0) -> None:
    """Keep sending the outbox through SMTP while the app runs (a lifespan task; nothing to do without SMTP)."""
    if not config.settings.smtp_host:
        return
    while True:
        try:
            await offload.write(deliver_pending)
        except Exception:  # noqa: BLE001  (a database hiccup must not end delivery for good)
            log.exception("Outbox delivery failed; trying again")
        await asyncio.sleep(interval_seconds)
