"""Authorised downloads, each written to the disclosure log, and the log itself."""

from __future__ import annotations

import dataclasses

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from partnerskap.db import transaction
from partnerskap.models import ConversationMember, Document, DocumentVersion, DownloadLog, Held, Post, PostAttachment, Thread, User
from partnerskap.models.base import utcnow
from partnerskap.services import filetypes, workspaces
from partnerskap.services.documents._common import VERSION_MISSING, authorised_document
from partnerskap.services.errors import Refused
from partnerskap.services.permissions import require_admin
from partnerskap.services.sessions import Viewer


@dataclasses.dataclass(frozen=True)
class Download:
    """An authorised download: what to stream and how to name it."""

    key: str
    filename: str
    content_type: str
    size: int
    inline: bool
    licence: str
    rights_holder: str


# A document attached to a visible post of a private conversation the viewer takes part in.
_SHARED_IN_CONVERSATION = (
    select(Document)
    .join(PostAttachment, col(PostAttachment.document_id) == col(Document.id))
    .join(Post, col(Post.id) == col(PostAttachment.post_id))
    .join(Thread, col(Thread.id) == col(Post.thread_id))
    .join(ConversationMember, (col(ConversationMember.conversation_id) == col(Thread.conversation_id)) & (col(ConversationMember.user_id) == bindparam("user_id")))
    .where(col(Document.id) == bindparam("document_id"), col(Document.deleted_at).is_(None), col(Document.held) == Held.VISIBLE, col(Post.deleted_at).is_(None), col(Post.held) == Held.VISIBLE)
    .limit(1)
)


def _readable_or_shared_with(session: Session, viewer: Viewer, document_id: int) -> Document:
    """A document the viewer may read in its workspace, or one a member shared with them in a private conversation."""
    try:
        document, _place = authorised_document(session, viewer, document_id)
        return document
    except Refused:
        shared = session.exec(_SHARED_IN_CONVERSATION, params={"user_id": viewer.id, "document_id": document_id}).first() if workspaces.is_id(document_id) else None
        if shared is None:
            raise
        return shared


def authorise_download(viewer: Viewer, document_id: int, version_number: int | None = None, *, inline: bool = False) -> Download:
    """Check membership for this request, log the download, and say what to stream."""
    with transaction() as session:
        document = _readable_or_shared_with(session, viewer, document_id)
        query = select(DocumentVersion).where(DocumentVersion.document_id == document.id)
        query = query.where(DocumentVersion.number == version_number) if version_number else query.order_by(col(DocumentVersion.number).desc())
        version = session.exec(query).first()
        if version is None:
            raise Refused(VERSION_MISSING)
        show_inline = inline and version.content_type in filetypes.INLINE_TYPES
        if not show_inline or not _viewed_today(session, viewer.id, document.id):
            session.add(DownloadLog(user_id=viewer.id, document_id=document.id, version_id=version.id, document_name=document.name, inline=show_inline))
        return Download(version.storage_key, document.name, version.content_type, version.size, show_inline, document.licence, document.rights_holder)


def _viewed_today(session: Session, user_id: int, document_id: int) -> bool:
    """Whether the member already viewed the document in the browser today (UTC): previews and thumbnails are noted once a day."""
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return session.exec(
        select(DownloadLog.id).where(DownloadLog.user_id == user_id, DownloadLog.document_id == document_id, col(DownloadLog.inline).is_(True), col(DownloadLog.at) >= midnight).limit(1)
    ).first() is not None


def download_log(viewer: Viewer, *, limit: int = 500) -> list[tuple[DownloadLog, str, str]]:
    """Who downloaded what, newest first, purged documents too (by the name they had; instance administrators only)."""
    require_admin(viewer)
    with transaction() as session:
        rows = session.exec(
            select(DownloadLog, User.name).join(User, col(User.id) == col(DownloadLog.user_id)).order_by(col(DownloadLog.id).desc()).limit(limit)
        ).all()
        return [(logged, who, logged.document_name) for logged, who in rows]
