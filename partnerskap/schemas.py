"""The shapes that may enter client-visible state: never a password hash, token or stray e-mail."""

from __future__ import annotations

import dataclasses
from sys import intern
from typing import TYPE_CHECKING

from pydantic import BaseModel

from partnerskap.i18n import TIME_ZONE, format_date, format_datetime, format_range, format_relative, t
from partnerskap.models import AuditEntry, Event, OutboxMessage, User
from partnerskap.models.base import utcnow
from partnerskap.services import avatars, markdown
from partnerskap.services.home import ACTIVITY_MESSAGES
from partnerskap.services.permissions import Action, decide
from partnerskap.services.sessions import Viewer

if TYPE_CHECKING:
    from partnerskap.services.home import Home
    from partnerskap.services.discussions import PostView, ThreadRow
    from partnerskap.services.workspace_page import WorkspacePage
    from partnerskap.services.workspaces import Listing, Member, Place


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
    def of(cls, entry: AuditEntry, names: dict[int, str], places: dict[int, str], language: str) -> AuditPublic:
        """The audit row for administrators; the target is a person or a workspace."""
        return cls(
            id=entry.id or 0,
            when=format_datetime(entry.created_at, language),
            actor=names.get(entry.actor_id or 0, ""),
            action=entry.action,
            target=names.get(entry.target_user_id or 0, "") or places.get(entry.workspace_id or 0, "") or (f"{entry.target_kind} {entry.target_id}" if entry.target_id else entry.target_kind),
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

    @classmethod
    def of(cls, row: Listing) -> WorkspaceCard:
        """A row of the workspace list as its card."""
        workspace = row.workspace
        return cls(
            id=workspace.id or 0,
            name=workspace.name,
            purpose=workspace.purpose,
            kind=workspace.kind,
            access=workspace.access,
            lifecycle=workspace.lifecycle,
            colour=workspace.colour,
            role=row.role or "",
            member_count=row.member_count,
            request_pending=row.request_pending,
        )


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
    # Which controls the page shows, each the permission policy's answer for this viewer (the services still refuse).
    can_read: bool = False
    can_join: bool = False
    can_leave: bool = False
    can_contribute: bool = False
    can_review: bool = False
    can_moderate: bool = False
    can_appoint: bool = False
    can_own: bool = False
    closed_reason: str = ""  # why the administrators closed it (shown to everyone who sees it)
    closed_on: str = ""
    premoderation_days: int = 0

    @classmethod
    def of(cls, place: Place, viewer: Viewer, language: str) -> WorkspaceIntro:
        """The introduction, dates in the viewer's language, with the controls the policy allows them."""
        workspace = place.workspace

        def may(action: Action) -> bool:
            return bool(decide(viewer, action, place))

        return cls(
            id=workspace.id or 0,
            name=workspace.name,
            purpose=workspace.purpose,
            description=workspace.description,
            description_html=markdown.render(workspace.description) if workspace.description else "",
            kind=workspace.kind,
            access=workspace.access,
            lifecycle=workspace.lifecycle,
            colour=workspace.colour,
            starts_on=format_date(workspace.starts_on, language) if workspace.starts_on else "",
            ends_on=format_date(workspace.ends_on, language) if workspace.ends_on else "",
            starts_iso=workspace.starts_on.isoformat() if workspace.starts_on else "",
            ends_iso=workspace.ends_on.isoformat() if workspace.ends_on else "",
            language=workspace.language,
            owners=", ".join(place.owners),
            role=place.role or "",
            can_read=may(Action.READ),
            can_join=may(Action.JOIN),
            can_leave=may(Action.LEAVE),
            can_contribute=may(Action.CONTRIBUTE),
            can_review=may(Action.REVIEW),
            can_moderate=may(Action.MODERATE),
            can_appoint=may(Action.APPOINT),
            can_own=may(Action.OWN),
            closed_reason=workspace.closed_reason if place.closed else "",
            closed_on=format_date(workspace.closed_at, language) if place.closed and workspace.closed_at else "",
            premoderation_days=workspace.premoderation_days,
        )


# Rows every open thread tab holds many of are slotted dataclasses: a quarter of a pydantic model's memory.
@dataclasses.dataclass(slots=True)
class MemberRow:
    """A workspace member as other members see them, with their picture's address or initials."""

    id: int
    name: str
    organisation: str
    role: str
    picture: str = ""
    initials: str = ""

    @classmethod
    def of(cls, member: Member) -> MemberRow:
        """A member's row; names and pictures interned, as every tab of the workspace shows the same."""
        return cls(
            id=member.id,
            name=intern(member.name),
            organisation=intern(member.organisation),
            role=member.role,
            picture=intern(avatars.picture_url(member.id, member.avatar_key)),
            initials=intern(avatars.initials(member.name)),
        )


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

    @classmethod
    def of(cls, row: ThreadRow, language: str) -> ThreadSummary:
        """A thread row of the list, its last post's time in the viewer's language."""
        return cls(
            id=row.thread.id or 0,
            title=row.thread.title,
            author=row.author,
            last_post=format_relative(row.thread.last_post_at, language, utcnow()),
            post_count=row.thread.post_count,
            pinned=row.thread.pinned,
            unread=row.unread,
        )


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
    when: str
    edited: bool
    deleted: bool
    mine: bool
    attachments: list[DocumentLink] = dataclasses.field(default_factory=list)
    held: str = ""  # "hidden" by a moderator or "pending" approval: shown with a marker to those who still see it
    author_id: int = 0
    picture: str = ""
    initials: str = ""

    @classmethod
    def of(cls, view: PostView, language: str) -> PostPublic:
        """A post as a thread's page shows it, its time in the viewer's language."""
        # Names and HTML are interned and times come from a cache: every open tab of a thread shares the strings.
        return cls(
            id=view.post.id,
            author=intern(view.author),
            organisation=intern(view.organisation),
            html=intern(view.html),
            created=format_datetime(view.post.created_at, language),
            when=intern(format_relative(view.post.created_at, language, utcnow())),
            edited=view.post.edited_at is not None,
            deleted=view.post.deleted_at is not None,
            mine=view.mine,
            attachments=[DocumentLink(id=document_id, name=name) for document_id, name in view.attachments],
            held=view.post.held,
            author_id=view.post.author_id,
            picture=intern(avatars.picture_url(view.post.author_id, view.picture)),
            initials=intern(avatars.initials(view.author)),
        )


def event_time(event: Event, language: str) -> str:
    """When an event happens, in its own time zone, which is named unless it is the instance's."""
    when = format_range(event.starts_at, event.ends_at, language, event.time_zone)
    return when if event.time_zone == TIME_ZONE else f"{when} ({event.time_zone})"


class EventPublic(BaseModel):
    """A calendar event in its own time zone."""

    id: int
    title: str
    when: str
    place: str
    online_url: str
    description: str
    can_remove: bool = False

    @classmethod
    def of(cls, event: Event, place: Place, viewer: Viewer, language: str) -> EventPublic:
        """An event shown in its own time zone, with whether the policy lets the viewer remove it."""
        return cls(
            id=event.id or 0,
            title=event.title,
            when=event_time(event, language),
            place=event.place,
            online_url=event.online_url,
            description=event.description,
            can_remove=bool(decide(viewer, Action.CHANGE, place, author_id=event.created_by)),
        )


class NotificationPublic(BaseModel):
    """A notification in the viewer's language."""

    id: int
    text: str
    link: str
    created: str
    unread: bool


class FolderPublic(BaseModel):
    """A folder in the library, with whether the policy lets the viewer rename, move or delete it."""

    id: int
    name: str
    can_change: bool = False


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
    mine: bool = False  # uploaded (its newest version) by the viewer: no "Report" to offer, as on one's own posts
    held: str = ""  # "hidden" or "pending": shown with a marker to those who still see it


class DocumentDetails(BaseModel):
    """A document's details as its details form opens with them."""

    name: str = ""
    description: str = ""
    rights_holder: str = ""
    licence: str = ""
    folder_id: int = 0


class VersionPublic(BaseModel):
    """One version of a document."""

    number: int
    id: int
    size: str
    uploader: str
    uploaded: str
    can_remove: bool = False


class DownloadPublic(BaseModel):
    """One entry of the disclosure log."""

    id: int
    when: str
    who: str
    document: str
    inline: bool


@dataclasses.dataclass(frozen=True)
class WorkspacePagePublic:
    """Everything a workspace's page shows, in the viewer's language, from one service call."""

    intro: WorkspaceIntro
    threads: list[ThreadSummary]
    events: list[EventPublic]
    documents: list[DocumentLink]
    members: list[MemberRow]
    draft: str
    requests: list[RequestRow]
    invitations: list[InvitationRow]

    @classmethod
    def of(cls, page: WorkspacePage, viewer: Viewer, language: str) -> WorkspacePagePublic:
        """The public shape of a workspace's page."""
        place = page.place
        return cls(
            intro=WorkspaceIntro.of(place, viewer, language),
            threads=[ThreadSummary.of(row, language) for row in page.threads],
            events=[EventPublic.of(event, place, viewer, language) for event in page.events],
            documents=[DocumentLink(id=document.id or 0, name=document.name) for document in page.documents],
            members=[MemberRow.of(member) for member in page.members],
            draft=page.draft,
            requests=[
                RequestRow(id=request.id or 0, name=user.name, organisation=user.organisation, message=request.message, created=format_datetime(request.created_at, language))
                for request, user in page.requests
            ],
            invitations=[InvitationRow(id=invitation.id or 0, email=invitation.email, expires=format_datetime(invitation.expires_at, language)) for invitation in page.invitations],
        )


class TransparencyMonth(BaseModel):
    """One month of the public transparency report."""

    month: str
    reports: int
    actions: int
    median_hours: str


class TransparencyCount(BaseModel):
    """How many reports with a reason (kind "report"), or decisions with an outcome for a reason (kind "action"), in a month."""

    month: str
    kind: str
    reason: str
    outcome: str
    count: int


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


class ReportPublic(BaseModel):
    """One report of a case's item, as the moderation queue shows it."""

    reporter: str
    reason: str
    note: str
    when: str


class CasePublic(BaseModel):
    """A moderation case as the queue or the affected member sees it."""

    id: int
    purpose: str
    kind: str
    status: str
    excerpt: str
    workspace: str = ""
    author: str = ""
    link: str = ""
    held: str = ""
    reports: list[ReportPublic] = []
    earlier: list[str] = []
    decision: str = ""
    reason: str = ""
    decided_by: str = ""
    decided: str = ""
    appeal_note: str = ""

    @classmethod
    def of(cls, view, language: str) -> CasePublic:
        """A case of the queue (services.moderation.CaseView), times in the moderator's language."""
        case = view.case
        return cls(
            id=case.id,
            purpose=case.purpose,
            kind=case.item_kind,
            status=case.status,
            excerpt=case.excerpt,
            workspace=view.workspace,
            author=view.author,
            link=view.link,
            held=view.held,
            reports=[ReportPublic(reporter=line.reporter, reason=line.reason, note=line.note, when=format_datetime(line.at, language)) for line in view.reports],
            earlier=[f"{format_date(other.decided_at or other.created_at, language)}: {other.excerpt[:60]} ({other.decision or other.status})" for other in view.earlier],
            decision=case.decision,
            reason=case.reason,
            decided_by=view.decided_by,
            decided=format_datetime(case.decided_at, language) if case.decided_at else "",
            appeal_note=case.appeal_note,
        )


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


class HomeWorkspace(BaseModel):
    """A workspace on the member's home, with how many of its discussions have unread posts."""

    id: int
    name: str
    purpose: str
    colour: str
    role: str
    unread: int


class ActivityPublic(BaseModel):
    """One line of the home's news: what happened, where and when, and where to see it."""

    text: str
    workspace: str
    when: str
    link: str


class HomeEvent(BaseModel):
    """An upcoming event on the member's home."""

    id: int
    title: str
    when: str
    workspace_id: int
    workspace: str


class HomeRequest(BaseModel):
    """One of the member's own open requests to join a workspace."""

    id: int
    workspace_id: int
    workspace: str


class HomePublic(BaseModel):
    """Everything a member's home shows, in their language, from one service call."""

    since: str
    workspaces: list[HomeWorkspace]
    activity: list[ActivityPublic]
    invitations: list[MyInvitation]
    requests: list[HomeRequest]
    upcoming: list[HomeEvent]
    requests_to_decide: int
    applicants_waiting: int

    @classmethod
    def of(cls, home: Home, language: str) -> HomePublic:
        """The public shape of a member's home."""
        now = utcnow()
        return cls(
            since=format_datetime(home.since, language),
            workspaces=[
                HomeWorkspace(id=row.workspace.id or 0, name=row.workspace.name, purpose=row.workspace.purpose, colour=row.workspace.colour, role=row.role, unread=row.unread_threads)
                for row in home.workspaces
            ],
            activity=[
                ActivityPublic(
                    text=t(ACTIVITY_MESSAGES[item.kind], language, who=item.who, title=item.title, count=item.count),
                    workspace=item.workspace.name,
                    when=format_relative(item.at, language, now),
                    link=item.link,
                )
                for item in home.activity
            ],
            invitations=[MyInvitation(id=invitation.id or 0, workspace_id=workspace.id or 0, workspace=workspace.name) for invitation, workspace in home.invitations],
            requests=[HomeRequest(id=request.id or 0, workspace_id=workspace.id or 0, workspace=workspace.name) for request, workspace in home.requests],
            upcoming=[
                HomeEvent(
                    id=event.id or 0,
                    title=event.title,
                    when=event_time(event, language),
                    workspace_id=workspace.id or 0,
                    workspace=workspace.name,
                )
                for event, workspace in home.upcoming
            ],
            requests_to_decide=home.requests_to_decide,
            applicants_waiting=home.applicants_waiting,
        )


class Choice(BaseModel):
    """An entry of a list a form chooses from, in the viewer's language, and whether it is chosen."""

    key: str
    label: str
    chosen: bool = False


class PersonCardPublic(BaseModel):
    """A member in the directory: the fields the viewer may see, the others empty."""

    id: int
    name: str
    initials: str
    organisation: str
    organisation_type: str
    title: str
    region: str
    themes: str
    languages: str
    bio: str

    @classmethod
    def of(cls, card) -> PersonCardPublic:
        """The public shape of a person's card (lists joined for showing)."""
        return cls(
            id=card.id,
            name=card.name,
            initials="".join(part[0] for part in card.name.split()[:2]).upper(),
            organisation=card.organisation,
            organisation_type=card.organisation_type,
            title=card.title,
            region=card.region,
            themes=", ".join(card.themes),
            languages=", ".join(card.languages),
            bio=card.bio,
        )


class PlaceLink(BaseModel):
    """A place (a network, a workspace, an area, a conversation) to link to by id and name."""

    id: int
    name: str


class NetworkCard(BaseModel):
    """A network in the list."""

    id: int
    name: str
    purpose: str
    kind: str
    access: str
    member_count: int
    role: str
    pending: bool
    closed: bool


class NetworkMemberRow(BaseModel):
    """A member of a network as its page lists them."""

    id: int
    name: str
    organisation: str
    role: str


class ConversationSummary(BaseModel):
    """A private conversation in the viewer's list."""

    thread_id: int
    title: str
    with_names: str
    last_post: str


class SnippetPiece(BaseModel):
    """A piece of a search result's passage: plain text, marked when it matched the query."""

    text: str
    marked: bool


class SearchHitPublic(BaseModel):
    """One search result as the viewer may see it."""

    kind: str
    title: str
    link: str
    place: str
    date: str
    pieces: list[SnippetPiece]

    @classmethod
    def of(cls, hit, language: str) -> SearchHitPublic:
        """The public shape of a result, its date in the viewer's language."""
        return cls(
            kind=hit.kind,
            title=hit.title,
            link=hit.link,
            place=hit.place,
            date=format_date(hit.at, language),
            pieces=[SnippetPiece(text=text, marked=marked) for text, marked in hit.snippet],
        )
