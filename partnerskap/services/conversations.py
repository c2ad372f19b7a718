"""Direct messages: a private conversation between a member and a few others, on the same discussion code as every place.

Only its participants read it; administrators have no reach into it (a reported post reaches them through moderation).
A member may take messages only from people they share a workspace or network with.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlmodel import col, select

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import Conversation, ConversationMember, Status, Thread, User
from partnerskap.services import discussions, markdown, people
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import require_member
from partnerskap.services.sessions import Viewer

PARTICIPANTS_AT_MOST = 10
REFUSES_MESSAGES = N_("{name} takes messages only from people they share a workspace or network with.")
NO_SUCH_MEMBER = N_("This person does not exist or has not made their profile public.")


def start(viewer: Viewer, recipient_ids: list[int], title: str, body: str, key: str) -> Thread:
    """Write to one member or a small group: a new private conversation whose first post is the message."""
    require_member(viewer)
    recipients = sorted({int(user_id) for user_id in recipient_ids if isinstance(user_id, int) and not isinstance(user_id, bool)} - {viewer.id})
    if not recipients:
        raise Invalid({"to": N_("Choose whom to write to.")})
    if len(recipients) > PARTICIPANTS_AT_MOST:
        raise Invalid({"to": N_("Write to at most 10 people at once.")})
    title = " ".join(title.split())
    errors = {}
    if not title:
        errors["title"] = N_("Give the message a subject.")
    elif len(title) > discussions.TITLE_MAX:
        errors["title"] = N_("Use at most 200 characters.")
    body = body.strip()
    if not body:
        errors["body"] = N_("Write something first.")
    elif len(body) > discussions.BODY_MAX:
        errors["body"] = N_("Use at most 20000 characters.")
    if errors:
        raise Invalid(errors)
    key = discussions.check_key(key)
    with transaction() as session:
        if (earlier := discussions.sent_before(session, viewer.id, key)) is not None:
            return earlier
        found = session.exec(select(User).where(col(User.id).in_(recipients), col(User.status) == Status.APPROVED)).all()
        if len(found) != len(recipients):
            raise Refused(NO_SUCH_MEMBER)
        for recipient in found:
            if not people.accepts_messages(session, viewer.id, recipient.id):
                raise Refused(REFUSES_MESSAGES, name=recipient.name)
        conversation = Conversation(created_by=viewer.id)
        session.add(conversation)
        session.flush()
        participants = (viewer.id, *recipients)
        session.add_all([ConversationMember(conversation_id=conversation.id, user_id=user_id) for user_id in participants])
        session.flush()
        return discussions.open_in(session, viewer, "conversation", conversation.id, title, body, markdown.render(body), key, participants)


@dataclasses.dataclass(frozen=True)
class ConversationRow:
    """A conversation in the viewer's list: its thread, the others in it, when it last moved."""

    thread_id: int
    title: str
    with_names: str
    last_post_at: datetime


def mine(viewer: Viewer, *, limit: int = 50) -> list[ConversationRow]:
    """The viewer's conversations, the most recently active first."""
    require_member(viewer)
    with transaction() as session:
        threads = session.exec(
            select(Thread)
            .join(ConversationMember, col(ConversationMember.conversation_id) == col(Thread.conversation_id))
            .where(col(ConversationMember.user_id) == viewer.id)
            .order_by(col(Thread.last_post_at).desc())
            .limit(limit)
        ).all()
        names: dict[int, list[str]] = {}
        if threads:
            for conversation_id, name in session.exec(
                select(ConversationMember.conversation_id, User.name)
                .join(User, col(User.id) == col(ConversationMember.user_id))
                .where(col(ConversationMember.conversation_id).in_([thread.conversation_id for thread in threads]), col(User.id) != viewer.id)
                .order_by(User.name)
            ).all():
                names.setdefault(conversation_id, []).append(name)
        return [ConversationRow(thread.id, thread.title, ", ".join(names.get(thread.conversation_id, [])), thread.last_post_at) for thread in threads]


def recipient_name(viewer: Viewer, user_id: int) -> str:
    """The name of a member the viewer is about to write to (the new-message form shows it)."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
        if user is None or user.status != Status.APPROVED:
            raise Refused(NO_SUCH_MEMBER)
        return user.name
