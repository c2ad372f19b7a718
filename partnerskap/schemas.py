"""The shapes that may enter client-visible state: never a password hash, token or stray e-mail."""

from __future__ import annotations

import dataclasses

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
    email_confirmed: bool

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
            email_confirmed=user.email_confirmed_at is not None,
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
            body=message.body,  # one-time link tokens are cut before a message is stored (services.mail.seal)
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


class WorkspaceCard(BaseModel):
    """A workspace in a list."""

    id: int
    name: str
    purpose: str
    kind: str
    access: str
    lifecycle: str
    colour: str
    role: str
    member_count: int
    request_pending: bool


class WorkspaceIntro(BaseModel):
    """What anyone who may discover a workspace sees; `role` is '' for non-members."""

    id: int = 0
    name: str = ""
    purpose: str = ""
    description: str = ""
    description_html: str = ""
    kind: str = ""
    access: str = ""
    lifecycle: str = ""
    colour: str = "teal"
    starts_on: str = ""
    ends_on: str = ""
    starts_iso: str = ""
    ends_iso: str = ""
    language: str = ""
    owners: str = ""
    role: str = ""
    can_manage: bool = False
    writable: bool = False


# Rows every open thread tab holds many of are slotted dataclasses: a quarter of a pydantic model's memory.
@dataclasses.dataclass(slots=True)
class MemberRow:
    """A workspace member as other members see them."""

    id: int
    name: str
    organisation: str
    role: str


class RequestRow(BaseModel):
    """A request to join, for owners and moderators."""

    id: int
    name: str
    organisation: str
    message: str
    created: str


class InvitationRow(BaseModel):
    """A pending invitation."""

    id: int
    email: str
    expires: str


class MyInvitation(BaseModel):
    """An invitation waiting for the viewer."""

    id: int
    workspace_id: int
    workspace: str


class ThreadSummary(BaseModel):
    """A thread in a workspace's list."""

    id: int
    title: str
    author: str
    last_post: str
    post_count: int
    pinned: bool
    unread: bool


@dataclasses.dataclass(slots=True)
class DocumentLink:
    """A document to link to by id and name."""

    id: int
    name: str


@dataclasses.dataclass(slots=True)
class PostPublic:
    """A post: sanitised HTML, who wrote it, and the documents attached to it."""

    id: int
    author: str
    organisation: str
    html: str
    created: str
    edited: bool
    deleted: bool
    mine: bool
    attachments: list[DocumentLink] = dataclasses.field(default_factory=list)


class EventPublic(BaseModel):
    """A calendar event in its own time zone."""

    id: int
    title: str
    when: str
    place: str
    online_url: str
    description: str


class NotificationPublic(BaseModel):
    """A notification in the viewer's language."""

    id: int
    text: str
    link: str
    created: str
    unread: bool


class FolderPublic(BaseModel):
    """A folder in the library."""

    id: int
    name: str


class DocumentPublic(BaseModel):
    """A document row in the library, with its newest version and rights."""

    id: int
    name: str
    description: str
    size: str
    content_type: str
    uploader: str
    uploaded: str
    version: int
    versions: int
    licence: str
    rights_holder: str
    image: bool
    inline: bool


class VersionPublic(BaseModel):
    """One version of a document."""

    number: int
    id: int
    size: str
    uploader: str
    uploaded: str


class DownloadPublic(BaseModel):
    """One entry of the disclosure log."""

    id: int
    when: str
    who: str
    document: str
    inline: bool


class ContentSummaryPublic(BaseModel):
    """A public item in a list (front page, news, events), in every language it has; the page picks the reader's."""

    url: str
    default_language: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    dates: dict[str, str]
    place: str
    online: bool

    @classmethod
    def of(cls, summary) -> ContentSummaryPublic:
        """The public shape of a services.content.Summary."""
        return cls(
            url=summary.url,
            default_language=summary.default_language,
            titles=summary.titles,
            descriptions=summary.descriptions,
            dates=summary.dates,
            place=summary.place,
            online=summary.online,
        )


class ServiceLinkPublic(BaseModel):
    """A link to a national service on the front page, titled in each language."""

    url: str
    titles: dict[str, str]


class ParityRowPublic(BaseModel):
    """One item in the editors' overview: its state and which languages it has, lacks or has outdated."""

    id: int
    slug: str
    kind: str
    status: str
    title: str
    languages: dict[str, str]
    plain: list[str]


class ContentVersionPublic(BaseModel):
    """One language version as the editor edits it."""

    key: str
    language: str
    plain: bool
    title: str
    description: str
    body: str
    outdated: bool


class ContentRevisionPublic(BaseModel):
    """A saved text in the history of an item, which an editor may restore."""

    id: int
    language: str
    plain: bool
    title: str
    saved: str
