"""Table models: importing this package registers every table with the metadata."""

from partnerskap.models.accounts import AuthSession, EmailToken, LoginTicket, RecoveryCode, Role, Status, ThrottleAttempt, User
from partnerskap.models.audit import AuditEntry
from partnerskap.models.calendar import Event
from partnerskap.models.health import HealthCheck
from partnerskap.models.instance import InstanceSettings
from partnerskap.models.documents import Document, DocumentVersion, DownloadLog, Folder, PostAttachment
from partnerskap.models.discussions import Draft, Post, PostRevision, Thread, ThreadReader
from partnerskap.models.mail import OutboxMessage
from partnerskap.models.notifications import Notification, NotificationSettings
from partnerskap.models.workspaces import AccessPolicy, Invitation, JoinRequest, Lifecycle, Membership, Workspace, WorkspaceRole

__all__ = [
    "PostAttachment",
    "Folder",
    "HealthCheck",
    "DownloadLog",
    "DocumentVersion",
    "Document",
    "AccessPolicy",
    "AuditEntry",
    "AuthSession",
    "Draft",
    "EmailToken",
    "Event",
    "InstanceSettings",
    "Invitation",
    "JoinRequest",
    "Lifecycle",
    "LoginTicket",
    "Membership",
    "Notification",
    "NotificationSettings",
    "OutboxMessage",
    "Post",
    "RecoveryCode",
    "PostRevision",
    "Role",
    "Status",
    "Thread",
    "ThreadReader",
    "ThrottleAttempt",
    "User",
    "Workspace",
    "WorkspaceRole",
]
