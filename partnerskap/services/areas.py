"""Open discussion areas: administrators create them, every approved member reads and writes in them without joining."""

from __future__ import annotations

import dataclasses

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import Area
from partnerskap.services import audit, discussions, places
from partnerskap.services.errors import Invalid
from partnerskap.services.networks import name_key
from partnerskap.services.permissions import (
    Action,
    AreaPlace,
    require_admin,
    require_member,
)
from partnerskap.services.sessions import Viewer

NAME_TAKEN = N_("An area with this name already exists.")


def create(viewer: Viewer, name: str, description: str = "") -> Area:
    """An administrator opens an area (audited); names are unique whatever their case."""
    require_admin(viewer)
    name, description = " ".join(name.split()), description.strip()
    if not name or len(name) > 120:
        raise Invalid({"name": N_("Give the area a name of at most 120 characters.")})
    if len(description) > 1000:
        raise Invalid({"description": N_("Use at most 1000 characters.")})
    try:
        with transaction() as session:
            if session.exec(select(Area.id).where(Area.name_key == name_key(name))).first() is not None:
                raise Invalid({"name": NAME_TAKEN})
            area = Area(name=name, name_key=name_key(name), description=description, created_by=viewer.id)
            session.add(area)
            session.flush()
            audit.record(actor_id=viewer.id, action="area.create", reason=f"{name} (#{area.id})", session=session)
            return area
    except IntegrityError:
        raise Invalid({"name": NAME_TAKEN}) from None


def listing(viewer: Viewer) -> list[Area]:
    """Every open area, by name."""
    require_member(viewer)
    with transaction() as session:
        return list(session.exec(select(Area).order_by(col(Area.name_key))).all())


@dataclasses.dataclass(frozen=True)
class AreaPage:
    """An area and its discussions."""

    place: AreaPlace
    threads: list[discussions.ThreadRow]


def page(viewer: Viewer, area_id: int) -> AreaPage:
    """An area's page: its discussions, pinned first, then the most recently active."""
    with transaction() as session:
        place = places.authorise(session, viewer, "area", area_id, Action.READ)
        return AreaPage(place, discussions.threads_in(session, viewer, area_id, kind="area"))
