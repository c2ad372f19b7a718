"""The rules of who may do what on the instance, shared by every service."""

from __future__ import annotations

from partnerskap.i18n import N_
from partnerskap.services.errors import Refused
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
