"""The calendar: local times stored in UTC, checked input, upcoming events and a valid iCalendar export."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from partnerskap.db import transaction
from partnerskap.models import Event, Membership
from partnerskap.services import calendar, workspaces
from partnerskap.services.calendar import EventForm
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.workspaces import WorkspaceForm
from tests.conftest import make_person, viewer
from tests.refusals import AUTHOR_OR_MODERATORS, MEMBERS_ONLY, NOT_FOUND


def count_events() -> int:
    with transaction() as session:
        return session.exec(select(func.count()).select_from(Event)).one()


def stored(event: Event) -> Event:
    with transaction() as session:
        return session.get(Event, event.id)


def local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def unfolded(text: str) -> list[str]:
    """The logical lines of iCalendar text (RFC 5545 §3.1)."""
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_helsinki_summer_time_is_stored_as_utc(member, workspace):
    event = calendar.add_event(viewer(member), workspace.id, EventForm(title="Kick-off", starts="2026-06-01T10:00", ends="2026-06-01T12:30"))
    row = stored(event)
    assert row.starts_at == datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    assert row.ends_at == datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    assert row.time_zone == "Europe/Helsinki"


def test_helsinki_winter_time_is_stored_as_utc(member, workspace):
    event = calendar.add_event(viewer(member), workspace.id, EventForm(title="Winter meeting", starts="2026-01-15 10:00", ends="2026-01-15 11:00"))
    assert stored(event).starts_at == datetime(2026, 1, 15, 8, 0, tzinfo=UTC)


def test_other_time_zone_is_honoured(member, workspace):
    event = calendar.add_event(
        viewer(member), workspace.id, EventForm(title="Stockholm call", starts="2026-06-01T10:00", ends="2026-06-01T11:00", time_zone="Europe/Stockholm")
    )
    assert stored(event).starts_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("ends", ["2026-06-01T10:00", "2026-06-01T09:59"])
def test_end_not_after_start_is_refused_and_nothing_is_written(member, workspace, ends):
    with pytest.raises(Invalid) as refused:
        calendar.add_event(viewer(member), workspace.id, EventForm(title="Backwards", starts="2026-06-01T10:00", ends=ends))
    assert "ends" in refused.value.errors
    assert count_events() == 0


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.org",
        "www.example.org",
        "data:text/html,hi",
        "https://example.org/\r\nBEGIN:VEVENT",
        "https://example.org/a b",
    ],
)
def test_bad_online_address_is_refused_and_nothing_is_written(member, workspace, url):
    with pytest.raises(Invalid) as refused:
        calendar.add_event(viewer(member), workspace.id, EventForm(title="Call", starts="2026-06-01T10:00", ends="2026-06-01T11:00", online_url=url))
    assert "online_url" in refused.value.errors
    assert count_events() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"starts": "tomorrow"}, "starts"),
        ({"ends": ""}, "ends"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ],
)
def test_missing_or_malformed_input_is_refused(member, workspace, changes, field):
    values = {"title": "Meeting", "starts": "2026-06-01T10:00", "ends": "2026-06-01T11:00", **changes}
    with pytest.raises(Invalid) as refused:
        calendar.add_event(viewer(member), workspace.id, EventForm(**values))
    assert field in refused.value.errors
    assert count_events() == 0


def test_outsider_cannot_add_events(outsider, workspace):
    with pytest.raises(Refused, match=MEMBERS_ONLY):
        calendar.add_event(viewer(outsider), workspace.id, EventForm(title="Intrusion", starts="2026-06-01T10:00", ends="2026-06-01T11:00"))
    assert count_events() == 0


def test_upcoming_leaves_out_ended_events_and_lists_soonest_first(member, workspace):
    now = datetime.now(UTC).replace(tzinfo=None)
    me = viewer(member)

    def add(title: str, starts: timedelta, ends: timedelta) -> None:
        calendar.add_event(me, workspace.id, EventForm(title=title, starts=local(now + starts), ends=local(now + ends), time_zone="UTC"))

    add("Next month", timedelta(days=30), timedelta(days=30, hours=1))
    add("Last week", timedelta(days=-7), timedelta(days=-7, hours=1))
    add("Going on now", timedelta(hours=-1), timedelta(hours=1))
    add("Tomorrow", timedelta(days=1), timedelta(days=1, hours=2))
    assert [event.title for event in calendar.upcoming(me, workspace.id)] == ["Going on now", "Tomorrow", "Next month"]


def test_outsider_cannot_see_upcoming_events(outsider, workspace):
    with pytest.raises(Refused, match=MEMBERS_ONLY):
        calendar.upcoming(viewer(outsider), workspace.id)


def test_creator_or_manager_deletes_an_event_but_not_another_member(owner, member, password_hash, workspace):
    event = calendar.add_event(viewer(member), workspace.id, EventForm(title="Mine", starts="2026-06-01T10:00", ends="2026-06-01T11:00"))
    frida = make_person(password_hash, "Frida")
    with transaction() as session:
        session.add(Membership(workspace_id=workspace.id, user_id=frida.id))
    with pytest.raises(Refused, match=AUTHOR_OR_MODERATORS):
        calendar.delete_event(viewer(frida), event.id)
    calendar.delete_event(viewer(owner), event.id)
    assert count_events() == 0



@pytest.mark.parametrize("access", ["open", "invitation"])
def test_outsider_deleting_an_event_hears_the_same_as_for_one_that_does_not_exist(owner, outsider, member, workspace, access):
    hidden = workspaces.create(viewer(owner), WorkspaceForm(name="Board room", purpose="Board only", access=access))
    event = calendar.add_event(viewer(owner), hidden.id, EventForm(title="Board meeting", starts="2026-06-01T10:00", ends="2026-06-01T11:00"))
    refusals = []
    for event_id in (event.id, event.id + 1000):
        with pytest.raises(Refused) as refused:
            calendar.delete_event(viewer(outsider), event_id)
        refusals.append(str(refused.value))
    assert refusals == ["This event does not exist."] * 2
    assert count_events() == 1

def test_ics_is_valid_icalendar(member, workspace):
    calendar.add_event(
        viewer(member),
        workspace.id,
        EventForm(
            title="Kick-off, planning; review",
            starts="2026-06-01T10:00",
            ends="2026-06-01T12:00",
            place="Tampere, Finland; room 4\\B",
            online_url="https://meet.example.org/baltic",
            description="Agenda:\n1. Hälsningar från Åbo och Helsingfors — välkomna alla, " * 3,
        ),
    )
    text, filename = calendar.ics(viewer(member), workspace.id)
    assert filename == f"workspace-{workspace.id}.ics"
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)

    lines = unfolded(text)
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
    assert "DTSTART:20260601T070000Z" in lines
    assert "DTEND:20260601T090000Z" in lines
    assert "SUMMARY:Kick-off\\, planning\\; review" in lines
    assert "LOCATION:Tampere\\, Finland\\; room 4\\\\B" in lines
    assert "URL:https://meet.example.org/baltic" in lines
    [description] = [line for line in lines if line.startswith("DESCRIPTION:")]
    assert description.startswith("DESCRIPTION:Agenda:\\n1. Hälsningar från Åbo och Helsingfors — välkomna alla\\, ")
    assert all(line.split(":", 1)[0].isupper() for line in lines)
    assert any(line.startswith("UID:event-") for line in lines)
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)


def test_folding_never_splits_a_character(member, workspace):
    calendar.add_event(viewer(member), workspace.id, EventForm(title="ä" * 150, starts="2026-06-01T10:00", ends="2026-06-01T11:00"))
    text, _ = calendar.ics(viewer(member), workspace.id)
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode()) <= 75
    assert "SUMMARY:" + "ä" * 150 in unfolded(text)


def test_lone_carriage_return_cannot_break_ics_lines(member, workspace):
    calendar.add_event(
        viewer(member), workspace.id, EventForm(title="Meeting", starts="2026-06-01T10:00", ends="2026-06-01T11:00", description="one\rBEGIN:VEVENT\rtwo")
    )
    text, _ = calendar.ics(viewer(member), workspace.id)
    assert "\r" not in text.replace("\r\n", "")
    assert unfolded(text).count("BEGIN:VEVENT") == 1


def test_empty_calendar_is_valid_icalendar(member, workspace):
    text, _ = calendar.ics(viewer(member), workspace.id)
    assert unfolded(text)[0] == "BEGIN:VCALENDAR"
    assert unfolded(text)[-1] == "END:VCALENDAR"
    assert "BEGIN:VEVENT" not in text


def test_outsider_cannot_get_ics(outsider, workspace):
    with pytest.raises(Refused, match=MEMBERS_ONLY):
        calendar.ics(viewer(outsider), workspace.id)


def test_outsider_cannot_get_ics_of_invitation_only_workspace(owner, outsider):
    closed = workspaces.create(viewer(owner), WorkspaceForm(name="Secret Circle", purpose="Inner circle", access="invitation"))
    with pytest.raises(Refused, match=NOT_FOUND):
        calendar.ics(viewer(outsider), closed.id)
