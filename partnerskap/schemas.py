"""The shapes that may enter client-visible state: never a password hash, token or stray e-mail."""

from __future__ import annotations

from pydantic import BaseModel

from partnerskap.i18n import format_datetime
from partnerskap.models import AuditEntry, OutboxMessage, User


class PersonForAdmin(BaseModel):
    """An account as administrators see it in the membership view."""

    id: int
    name: str
    email: str
    organisation: str
    status: str
    role: str
    registered: str
    reason: str

    @classmethod
    def of(cls, user: User, language: str) -> PersonForAdmin:
        """The public shape of a user row, dates in the admin's language."""
        return cls(
            id=user.id or 0,
            name=user.name,
            email=user.email,
            organisation=user.organisation,
            status=user.status,
            role=user.role,
            registered=format_datetime(user.created_at, language),
            reason=user.status_reason,
        )


class OutboxPublic(BaseModel):
    """One e-mail in the outbox."""

    id: int
    recipient: str
    subject: str
    body: str
    created: str
    sent: bool

    @classmethod
    def of(cls, message: OutboxMessage, language: str) -> OutboxPublic:
        """The outbox row for administrators."""
        return cls(
            id=message.id or 0,
            recipient=message.recipient,
            subject=message.subject,
            body=message.body,
            created=format_datetime(message.created_at, language),
            sent=message.sent_at is not None,
        )


class AuditPublic(BaseModel):
    """One audit entry with names instead of ids."""

    id: int
    when: str
    actor: str
    action: str
    target: str
    reason: str

    @classmethod
    def of(cls, entry: AuditEntry, names: dict[int, str], language: str) -> AuditPublic:
        """The audit row for administrators."""
        return cls(
            id=entry.id or 0,
            when=format_datetime(entry.created_at, language),
            actor=names.get(entry.actor_id or 0, ""),
            action=entry.action,
            target=names.get(entry.target_user_id or 0, ""),
            reason=entry.reason,
        )
