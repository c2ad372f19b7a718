"""The shapes that may enter client-visible state: never a password hash, token or stray e-mail."""

from __future__ import annotations

import dataclasses
import re

from pydantic import BaseModel

from partnerskap.i18n import format_datetime
from partnerskap.models import AuditEntry, OutboxMessage, User


# One-time link tokens in e-mail are for their recipient only: administrators reading the outbox see them cut.
ONE_TIME_LINK = re.compile(r"([?&]token=)[\w-]+")


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
            body=ONE_TIME_LINK.sub(r"\1…", message.body),
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


class Option(BaseModel):
    """One choice of a list shown in a form or filter, its label in the viewer's language."""

    value: str
    label: str


class ActivityCard(BaseModel):
    """An activity in the directory's results: what a visitor needs to choose, and where it is on the map."""

    id: int = 0
    name: str = ""
    kind: str = ""
    place: str = ""
    when: str = ""
    next_date: str = ""
    free: bool = True
    online: bool = False
    on_map: bool = False
    position: list[float] = []


class ActivityPage(BaseModel):
    """One published activity as its public page shows it."""

    id: int = 0
    name: str = ""
    description_html: str = ""
    plain: str = ""
    text_language: str = "fi"
    kind: str = ""
    organisation: str = ""
    contact_person: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    municipality: str = ""
    region: str = ""
    address: str = ""
    online: bool = False
    online_url: str = ""
    languages: str = ""
    target_groups: str = ""
    themes: str = ""
    when: str = ""
    next_dates: list[str] = []
    free: bool = True
    price: str = ""
    registration_required: bool = False
    step_free: bool = False
    hearing_loop: bool = False
    childcare: bool = False
    interpretation: bool = False
    accessibility_notes: str = ""
    structured_data: str = ""
    on_map: bool = False
    position: list[float] = []


class MyActivity(BaseModel):
    """An activity its organiser sees in their own list, with where it stands."""

    id: int
    name: str
    status: str
    change_waiting: bool
    review_note: str
    due_confirmation: bool


class ActivityForReview(BaseModel):
    """An activity (or a change to one) waiting for an administrator."""

    id: int
    name: str
    organisation: str
    municipality: str
    description: str
    is_change: bool
    submitted: str
