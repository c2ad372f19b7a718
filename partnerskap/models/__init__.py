"""Table models: importing this package registers every table with the metadata."""

from partnerskap.models.accounts import AuthSession, EmailToken, LoginTicket, Role, Status, Throttle, User
from partnerskap.models.audit import AuditEntry
from partnerskap.models.mail import OutboxMessage

__all__ = [
    "AuditEntry",
    "AuthSession",
    "EmailToken",
    "LoginTicket",
    "OutboxMessage",
    "Role",
    "Status",
    "Throttle",
    "User",
]
