"""Every e-mail the instance sends, kept as its outbox."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class OutboxMessage(SQLModel, table=True):
    """One e-mail: written first, then sent by SMTP when it is configured."""

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=300)
    body: str  # one-time link tokens cut out (services.mail.seal)
    sealed_links: str = ""  # those tokens, encrypted with the instance's secret key until the message is sent
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None
    error: str = Field(default="", max_length=500)
    claimed_by: str | None = Field(default=None, max_length=64)  # the worker sending it (services.claims), until:
    claimed_until: datetime | None = None
