"""The rules of who may do what on the instance, shared by every service."""

from __future__ import annotations

from partnerskap.models import Role
from partnerskap.services.errors import N_, Refused
from partnerskap.services.sessions import Viewer


def require_member(viewer: Viewer | None) -> Viewer:
    """An approved member, or a refusal."""
    if viewer is None:
        raise Refused(N_("Log in to continue."))
    if not viewer.is_member:
        raise Refused(N_("Your membership has not been approved."))
    return viewer


def require_admin(viewer: Viewer | None) -> Viewer:
    """An approved administrator, or a refusal."""
    if not require_member(viewer).is_admin:
        raise Refused(N_("Only administrators can do this."))
    return viewer


def may_edit_content(viewer: Viewer | None) -> bool:
    """Whether the viewer writes the instance's pages, news and events: approved editors and administrators."""
    return viewer is not None and viewer.is_member and viewer.role in (Role.EDITOR, Role.ADMIN)


def require_editor(viewer: Viewer | None) -> Viewer:
    """An approved editor or administrator, or a refusal."""
    if not may_edit_content(require_member(viewer)):
        raise Refused(N_("Only editors and administrators can do this."))
    return viewer
