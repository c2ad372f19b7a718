"""Changing a document: its details, and moving it to the trash and back."""

from __future__ import annotations

import dataclasses

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import Document
from partnerskap.models.base import utcnow
from partnerskap.services import search_index, workspaces
from partnerskap.services.documents._common import LICENCES, authorised_document, clean_name, folder_in
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer


@dataclasses.dataclass(frozen=True)
class DetailsChange:
    """The details a member changed on a document; None for each they left as it was."""

    name: str | None = None
    description: str | None = None
    rights_holder: str | None = None
    licence: str | None = None
    folder_id: int | None = None
    to_top_level: bool = False


def update_document(viewer: Viewer, document_id: int, change: DetailsChange) -> Document:
    """The uploader or a moderator renames, describes, moves or sets the rights of a document; only what changed is written."""
    name = clean_name(change.name) if change.name is not None else None
    if change.licence is not None and change.licence not in LICENCES:
        raise Invalid({"licence": N_("Choose one of the options.")})
    with transaction() as session:
        document, _place = authorised_document(session, viewer, document_id, Action.CHANGE)
        if change.folder_id is not None or change.to_top_level:
            folder_in(session, document.workspace_id, change.folder_id)
            document.folder_id = change.folder_id
        if name is not None:
            document.name = name
        if change.description is not None:
            document.description = change.description.strip()[:2000]
        if change.rights_holder is not None:
            document.rights_holder = change.rights_holder.strip()[:200]
        if change.licence is not None:
            document.licence = change.licence
        document.updated_at = utcnow()
        session.add(document)
        search_index.put_document(session, document)
        return document


def delete_document(viewer: Viewer, document_id: int) -> None:
    """Move a document to the trash (the uploader or a moderator); owners and admins can restore it for a while."""
    with transaction() as session:
        document, _place = authorised_document(session, viewer, document_id, Action.CHANGE)
        document.deleted_at, document.deleted_by = utcnow(), viewer.id
        session.add(document)
        search_index.forget(session, "document", document.id)  # as a rebuilt index holds no trashed document


def restore_document(viewer: Viewer, document_id: int) -> None:
    """Owners and admins bring a document back from the trash."""
    with transaction() as session:
        document, _place = workspaces.authorised(session, viewer, Document, document_id, Action.TRASH, missing=N_("This document is not in the trash."))
        if document.deleted_at is None:
            raise Refused(N_("This document is not in the trash."))
        document.deleted_at, document.deleted_by = None, None
        session.add(document)
        search_index.put_document(session, document)
