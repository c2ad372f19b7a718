"""A workspace's front page and members page in one call: everything they show, read in one transaction."""

from __future__ import annotations

import dataclasses

from partnerskap.db import transaction
from partnerskap.models import Document, Event, Invitation, JoinRequest, User
from partnerskap.services import calendar, discussions, documents, permissions, workspaces
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer


@dataclasses.dataclass(frozen=True)
class WorkspacePage:
    """What a workspace's page shows: the place (with its owners) and, for those who may read it, its contents."""

    place: workspaces.Place
    threads: list[discussions.ThreadRow] = dataclasses.field(default_factory=list)
    events: list[Event] = dataclasses.field(default_factory=list)
    documents: list[Document] = dataclasses.field(default_factory=list)
    members: list[workspaces.Member] = dataclasses.field(default_factory=list)
    draft: str = ""
    requests: list[tuple[JoinRequest, User]] = dataclasses.field(default_factory=list)
    invitations: list[Invitation] = dataclasses.field(default_factory=list)


def open_workspace(viewer: Viewer, workspace_id: int, *, management: bool = False, entering: bool = True) -> WorkspacePage:
    """The workspace as the viewer may see it: the introduction for anyone who may discover it, the contents for
    those who may read it, and (`management`) requests and invitations for those who review them.

    `entering` is a page being opened (not refreshed after a change): an administrator's entry is audited then.
    """
    with transaction() as session:
        place = dataclasses.replace(workspaces.authorise(session, viewer, workspace_id, Action.SEE), owners=workspaces.owners(session, workspace_id))
        if not permissions.decide(viewer, Action.READ, place):
            return WorkspacePage(place)
        if entering:
            workspaces.enter(session, viewer, place)
        reviewing = management and bool(permissions.decide(viewer, Action.REVIEW, place))
        return WorkspacePage(
            place,
            threads=discussions.threads_in(session, viewer, workspace_id),
            events=calendar.upcoming_in(session, workspace_id),
            documents=documents.recent_in(session, workspace_id),
            members=workspaces.member_rows(session, workspace_id),
            draft=discussions.draft_in(session, viewer.id, f"workspace-{workspace_id}"),
            requests=workspaces.join_requests_in(session, workspace_id) if reviewing else [],
            invitations=workspaces.invitations_in(session, workspace_id) if reviewing else [],
        )
