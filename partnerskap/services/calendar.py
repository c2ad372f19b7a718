"""A workspace's calendar: events in their own time zone, and an iCalendar export."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import Event, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import workspaces
from partnerskap.services.errors import Invalid
from partnerskap.services.permissions import Action
from partnerskap.services.sessions import Viewer

# The same refusal for an event that does not exist and for one in a workspace the viewer cannot see.
EVENT_MISSING = N_("This event does not exist.")


@dataclasses.dataclass(frozen=True)
class EventForm:
    """What a member fills in for an event; times are local to `time_zone`."""

    title: str
    starts: str
    ends: str
    time_zone: str = "Europe/Helsinki"
    place: str = ""
    online_url: str = ""
    description: str = ""


def _local(value: str, zone: ZoneInfo, field: str, errors: dict[str, str]) -> datetime | None:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=zone).astimezone(UTC)
    except (TypeError, ValueError):
        errors[field] = N_("Enter a time like 2026-05-31 14:00.")
        return None


def add_event(viewer: Viewer, workspace_id: int, form: EventForm) -> Event:
    """Members add events to their workspace's calendar."""
    errors: dict[str, str] = {}
    title = " ".join(form.title.split())
    if not title:
        errors["title"] = N_("Give the event a title.")
    elif len(title) > 200:
        errors["title"] = N_("Use at most 200 characters.")
    try:
        zone = ZoneInfo(form.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = N_("Choose one of the options.")
        zone = ZoneInfo("Europe/Helsinki")
    starts = _local(form.starts, zone, "starts", errors)
    ends = _local(form.ends, zone, "ends", errors)
    if starts and ends and ends <= starts:
        errors["ends"] = N_("The end must be after the start.")
    if form.online_url and (not form.online_url.startswith(("https://", "http://")) or not form.online_url.isprintable() or " " in form.online_url):
        errors["online_url"] = N_("Enter a web address that starts with https://.")
    if len(form.place) > 300 or len(form.online_url) > 500 or len(form.description) > 5000:
        errors["description"] = N_("The text is too long.")
    if errors:
        raise Invalid(errors)
    with transaction() as session:
        workspaces.authorise(session, viewer, workspace_id, Action.CONTRIBUTE)
        event = Event(
            workspace_id=workspace_id,
            title=title,
            starts_at=starts,
            ends_at=ends,
            time_zone=form.time_zone,
            place=form.place.strip(),
            online_url=form.online_url.strip(),
            description=form.description.strip(),
            created_by=viewer.id,
        )
        session.add(event)
        workspaces.touch(session, workspace_id)
        return event


def upcoming(viewer: Viewer, workspace_id: int, *, limit: int = 20) -> list[Event]:
    """Events that have not ended, soonest first."""
    with transaction() as session:
        workspaces.authorise(session, viewer, workspace_id, Action.READ)
        return upcoming_in(session, workspace_id, limit=limit)


def upcoming_in(session: Session, workspace_id: int, *, limit: int = 20) -> list[Event]:
    """The workspace's events that have not ended, for a caller that has authorised reading them."""
    return list(session.exec(select(Event).where(Event.workspace_id == workspace_id, Event.ends_at >= utcnow()).order_by(col(Event.starts_at)).limit(limit)).all())


def delete_event(viewer: Viewer, event_id: int) -> None:
    """The event's creator, or the workspace's owners and moderators, remove it."""
    with transaction() as session:
        event, _found = workspaces.authorised(session, viewer, Event, event_id, Action.CHANGE, missing=EVENT_MISSING)
        session.delete(event)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF and a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


@dataclasses.dataclass(frozen=True)
class CalendarEntry:
    """One event as the iCalendar writer needs it; `uid` is unique on this instance."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    title: str
    place: str = ""
    url: str = ""
    description: str = ""


def write_ics(name: str, entries: list[CalendarEntry]) -> str:
    """The one iCalendar writer: a named calendar of entries, times in UTC, lines folded as RFC 5545 asks."""
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    host = config.settings.public_url.split("://", 1)[-1].split("/", 1)[0]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Partnerskap//Calendar//EN", "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(name)}"]
    for entry in entries:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry.uid}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{entry.starts_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
            f"DTEND:{entry.ends_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
            f"SUMMARY:{_escape(entry.title)}",
        ]
        if entry.place:
            lines.append(f"LOCATION:{_escape(entry.place)}")
        if entry.url:
            lines.append(f"URL:{entry.url}")
        if entry.description:
            lines.append(f"DESCRIPTION:{_escape(entry.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def ics(viewer: Viewer, workspace_id: int) -> tuple[str, str]:
    """The workspace's calendar as iCalendar text, and a file name for it."""
    with transaction() as session:
        found = workspaces.authorise(session, viewer, workspace_id, Action.READ)
        events = session.exec(select(Event).where(Event.workspace_id == workspace_id).order_by(col(Event.starts_at))).all()
        workspace: Workspace = found.workspace
    entries = [
        CalendarEntry(f"event-{event.id}", event.starts_at, event.ends_at, event.title, event.place, event.online_url, event.description)
        for event in events
    ]
    return write_ics(workspace.name, entries), f"workspace-{workspace_id}.ics"
