"""Pre-moderation: what members new to the platform or to a workspace post or upload waits for a moderator's approval."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from partnerskap.models import Membership, ModerationCase, User, Workspace, WorkspaceRole
from partnerskap.models.base import utcnow
from partnerskap.services import instance
from partnerskap.services.sessions import Viewer

MANAGERS = (WorkspaceRole.OWNER, WorkspaceRole.MODERATOR)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 280 else text[:279] + "…"


def held_on_arrival(session: Session, viewer: Viewer, workspace: Workspace) -> bool:
    """Whether what the viewer posts or uploads here waits for approval (pre-moderation of new members).

    Asks the database only when pre-moderation is on; the workspace's managers and administrators are never held.
    """
    days = max(instance.effective().premoderation_days, workspace.premoderation_days or 0)
    if days <= 0 or viewer.is_admin:
        return False
    membership = session.exec(select(Membership).where(Membership.workspace_id == workspace.id, Membership.user_id == viewer.id)).first()
    if membership is None or membership.role in MANAGERS:
        return False
    joined = session.exec(select(User.created_at).where(User.id == viewer.id)).one()
    since = utcnow() - timedelta(days=days)
    return joined > since or membership.joined_at > since


def hold(session: Session, *, kind: str, item_id: int, workspace_id: int, author_id: int, excerpt: str) -> None:
    """Open an approval case for a held post or document."""
    session.add(ModerationCase(purpose="approval", item_kind=kind, item_id=item_id, workspace_id=workspace_id, author_id=author_id, excerpt=_excerpt(excerpt)))


