"""Table models: importing this package registers every table with the metadata."""

from partnerskap.models.activities import Activity, ActivityChoice, ActivitySearch
from partnerskap.models.accounts import AuthSession, EmailToken, LoginTicket, RecoveryCode, Role, Status, ThrottleAttempt, User
from partnerskap.models.audit import AuditEntry
from partnerskap.models.calendar import Event
from partnerskap.models.health import HealthCheck
from partnerskap.models.content import ContentImage, ContentItem, ContentKind, ContentRevision, ContentVersion, EventAttendance, NewsFollower, Publication, ServiceLink
from partnerskap.models.instance import InstanceSettings
from partnerskap.models.documents import Document, DocumentText, DocumentVersion, DownloadLog, Folder, PostAttachment
from partnerskap.models.discussions import Draft, Post, PostRevision, Thread, ThreadReader
from partnerskap.models.mail import OutboxMessage
from partnerskap.models.moderation import CaseStatus, Held, ItemKind, ModerationCase, Report
from partnerskap.models.people import Area, Conversation, ConversationMember, ListEntry, Network, NetworkMember, NetworkWorkspace, Profile, ProfileLanguage, ProfileTheme
from partnerskap.models.notifications import Notification, NotificationSettings, PushDelivery, PushSubscription
from partnerskap.models.workspaces import AccessPolicy, Invitation, JoinRequest, Lifecycle, Membership, Workspace, WorkspaceRole

__all__ = [
    "Activity",
    "ActivityChoice",
    "ActivitySearch",
    "ContentImage",
    "ContentItem",
    "ContentKind",
    "ContentRevision",
    "ContentVersion",
    "EventAttendance",
    "NewsFollower",
    "Publication",
    "ServiceLink",
    "Area",
    "Conversation",
    "ConversationMember",
    "ListEntry",
    "Network",
    "NetworkMember",
    "NetworkWorkspace",
    "Profile",
    "ProfileLanguage",
    "ProfileTheme",
    "PostAttachment",
    "Folder",
    "HealthCheck",
    "DocumentText",
    "DownloadLog",
    "DocumentVersion",
    "Document",
    "AccessPolicy",
    "CaseStatus",
    "Held",
    "ItemKind",
    "ModerationCase",
    "Report",
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
    "PushDelivery",
    "PushSubscription",
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
