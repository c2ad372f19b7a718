"""A member's privacy duties: all their data as one zip, and deleting their account (the row kept as a former member)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, delete, func, or_, select

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import (
    DocumentText,
    AuditEntry,
    Document,
    DocumentVersion,
    DownloadLog,
    Draft,
    EmailToken,
    Invitation,
    JoinRequest,
    LoginTicket,
    Membership,
    Notification,
    NotificationSettings,
    Post,
    PostAttachment,
    PostRevision,
    PushSubscription,
    RecoveryCode,
    Status,
    Thread,
    ThreadReader,
    ThrottleAttempt,
    User,
    Workspace,
    WorkspaceRole,
)
from partnerskap.models.base import utcnow
from partnerskap.services import audit, documents, passwords, push, search_index, sessions
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import require_member
from partnerskap.services.sessions import Viewer

FORMER_MEMBER = "Former member"  # the name a deleted account keeps where records and kept posts name it
UNUSABLE_PASSWORD = "!"


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export(viewer: Viewer) -> tuple[Iterator[bytes], str]:
    """Everything the instance holds about the member as one zip: profile, posts, notifications, documents and their files, audit entries about them."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, viewer.id)
        assert user is not None
        profile = {
            "name": user.name, "email": user.email, "organisation": user.organisation, "language": user.language, "status": user.status, "role": user.role,
            "registered": _when(user.created_at), "email_confirmed": _when(user.email_confirmed_at), "terms_accepted": _when(user.terms_accepted_at),
            "two_factor_since": _when(user.two_factor_since),
            "workspaces": [
                {"workspace": name, "role": role, "joined": _when(joined)}
                for name, role, joined in session.exec(select(Workspace.name, Membership.role, Membership.joined_at).join(Membership, col(Membership.workspace_id) == col(Workspace.id)).where(Membership.user_id == user.id)).all()
            ],
            "push_devices": [
                {"device": device.device, "switched_on": _when(device.created_at), "last_delivered": _when(device.last_success_at)}
                for device in session.exec(select(PushSubscription).where(PushSubscription.user_id == user.id).order_by(col(PushSubscription.id))).all()
            ],
        }
        posts = [
            {"workspace": workspace, "thread": title, "written": _when(post.created_at), "edited": _when(post.edited_at), "removed": _when(post.deleted_at), "text": post.body}
            for post, title, workspace in session.exec(
                select(Post, Thread.title, Workspace.name).join(Thread, col(Thread.id) == col(Post.thread_id)).join(Workspace, col(Workspace.id) == col(Thread.workspace_id)).where(Post.author_id == user.id).order_by(col(Post.id))
            ).all()
        ]
        notifications = [
            {"kind": n.kind, "link": n.link, "details": json.loads(n.params or "{}"), "created": _when(n.created_at), "read": _when(n.read_at)}
            for n in session.exec(select(Notification).where(Notification.user_id == user.id).order_by(col(Notification.id))).all()
        ]
        versions = session.exec(
            select(DocumentVersion, Document, Workspace.name)
            .join(Document, col(Document.id) == col(DocumentVersion.document_id))
            .join(Workspace, col(Workspace.id) == col(Document.workspace_id))
            .where(DocumentVersion.uploaded_by == user.id, col(Document.deleted_at).is_(None))
            .order_by(col(DocumentVersion.id))
        ).all()
        files = [(f"documents/{workspace}/{version.number}-{document.name}", version.storage_key) for version, document, workspace in versions]
        document_rows = [
            {"workspace": workspace, "name": document.name, "version": version.number, "size": version.size, "type": version.content_type, "sha256": version.sha256,
             "uploaded": _when(version.uploaded_at), "description": document.description, "licence": document.licence, "rights_holder": document.rights_holder, "file": path}
            for (version, document, workspace), (path, _key) in zip(versions, files, strict=True)
        ]
        about = [
            {"time": _when(e.created_at), "action": e.action, "by_me": e.actor_id == user.id, "target_kind": e.target_kind, "target_id": e.target_id, "reason": e.reason}
            for e in session.exec(
                select(AuditEntry).where(or_(AuditEntry.actor_id == user.id, AuditEntry.target_user_id == user.id, (col(AuditEntry.target_kind) == "user") & (col(AuditEntry.target_id) == user.id))).order_by(col(AuditEntry.id))
            ).all()
        ]
        audit.record(actor_id=user.id, action="account.export", target_user_id=user.id, session=session)
    texts = tuple(
        (name, json.dumps(data, ensure_ascii=False, indent=2).encode())
        for name, data in (("profile.json", profile), ("posts.json", posts), ("notifications.json", notifications), ("documents.json", document_rows), ("audit.json", about))
    )
    return documents.zip_stream(files, texts), "my-data.zip"


def delete_account(viewer: Viewer, password: str, *, remove_content: bool) -> None:
    """Delete one's own account after the password: sessions end, the profile is erased and the row stays as a former member;
    posts and uploaded documents stay under that name or are removed (stored objects too); the record notes the request."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, viewer.id)
        assert user is not None
        password_hash = user.password_hash
    if not passwords.verify(password_hash, password[: passwords.MAX_LENGTH]):
        raise Invalid({"password": N_("The current password is wrong.")})
    with transaction() as session:
        user = session.get(User, viewer.id)
        assert user is not None
        if owned := _only_owner_of(session, user.id):
            raise Refused(N_("You are the only owner of {workspaces}. Hand them over before you delete your account."), workspaces=", ".join(owned))
        keys = _remove_content(session, user.id) if remove_content else []
        _erase(session, user)
        audit.record(actor_id=user.id, action="account.delete", target_user_id=user.id, reason="content removed" if remove_content else "content kept as a former member's", session=session)
    documents.delete_objects(keys)


def _only_owner_of(session: Session, user_id: int) -> list[str]:
    owned = session.exec(select(Membership.workspace_id).where(Membership.user_id == user_id, Membership.role == WorkspaceRole.OWNER)).all()
    owners = dict(session.exec(select(Membership.workspace_id, func.count()).where(col(Membership.workspace_id).in_(owned), Membership.role == WorkspaceRole.OWNER).group_by(Membership.workspace_id)).all())
    alone = [workspace_id for workspace_id in owned if owners.get(workspace_id, 0) == 1]
    return list(session.exec(select(Workspace.name).where(col(Workspace.id).in_(alone))).all())


def _remove_content(session: Session, user_id: int) -> list[str]:
    """Remove the member's posts (their text and history) and the documents they uploaded; returns the stored objects to delete."""
    now = utcnow()
    mine = select(Post.id).where(Post.author_id == user_id)
    session.exec(delete(PostRevision).where(col(PostRevision.post_id).in_(mine)))
    session.exec(update(Post).where(col(Post.author_id) == user_id).values(body="", html="", deleted_at=now))
    document_ids = list(session.exec(select(Document.id).where(Document.created_by == user_id)).all())
    keys = list(session.exec(select(DocumentVersion.storage_key).where(or_(col(DocumentVersion.document_id).in_(document_ids), DocumentVersion.uploaded_by == user_id))).all())
    version_ids = select(DocumentVersion.id).where(col(DocumentVersion.storage_key).in_(keys))
    session.exec(update(DownloadLog).where(or_(col(DownloadLog.document_id).in_(document_ids), col(DownloadLog.version_id).in_(version_ids))).values(document_id=None, version_id=None))
    session.exec(delete(DocumentText).where(col(DocumentText.version_id).in_(version_ids)))
    session.exec(delete(DocumentVersion).where(col(DocumentVersion.storage_key).in_(keys)))
    search_index.forget_posts_of(session, user_id)
    for document_id in document_ids:
        search_index.forget(session, "document", document_id)
    session.exec(delete(PostAttachment).where(col(PostAttachment.document_id).in_(document_ids)))
    session.exec(delete(Document).where(col(Document.id).in_(document_ids)))
    return keys


def _erase(session: Session, user: User) -> None:
    """End the sessions and erase the profile; the row stays, named a former member, for the records that name it."""
    user_id = user.id
    sessions.revoke_all(user_id, session=session)
    push.forget_member(session, user_id)
    for model in (Draft, ThreadReader, Notification, NotificationSettings, Membership, RecoveryCode, EmailToken, LoginTicket):
        session.exec(delete(model).where(model.user_id == user_id))
    session.exec(delete(JoinRequest).where(JoinRequest.user_id == user_id, JoinRequest.status == "pending"))
    session.exec(delete(Invitation).where(or_(Invitation.user_id == user_id, Invitation.email == user.email), Invitation.status == "pending"))
    session.exec(delete(ThrottleAttempt).where(col(ThrottleAttempt.key).contains(user.email)))
    user.name, user.organisation, user.email = FORMER_MEMBER, "", f"former-member-{user_id}@invalid"
    user.password_hash, user.totp_secret, user.two_factor_since = UNUSABLE_PASSWORD, "", None
    user.status, user.status_reason = Status.ERASED, ""
    session.add(user)
    search_index.forget(session, "member", user_id)
