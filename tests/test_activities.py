"""The activity directory's rules: submitting, review, reminders, searching and bad input (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import Activity, Notification, OutboxMessage
from partnerskap.services import activities
from partnerskap.services.activities import ActivityForm, Query
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.sessions import Viewer

LANGUAGE_CAFE = ActivityForm(
    organisation="Föreningen Välkommen rf",
    contact_person="Erik Lindqvist",
    contact_email="kahvila@example.org",
    name_fi="Kielikahvila Kalliossa",
    name_sv="Språkcafé i Berghäll",
    description_fi="Puhutaan suomea **rennosti** kahvin äärellä.",
    description_sv="Vi pratar svenska och finska över en kopp kaffe.",
    kind="language-cafe",
    municipality="helsinki",
    address="Helsinginkatu 25, 00530 Helsinki",
    latitude="60.1841",
    longitude="24.9496",
    languages=("fi", "sv"),
    target_groups=("adults", "newcomers"),
    themes=("language",),
    recurrence="weekly",
    days=("tue",),
    start_date="2026-01-06",
    start_time="17:30",
    end_time="19:00",
    exceptions="2026-12-29",
)


def viewer(user) -> Viewer:
    """The viewer of a user row."""
    return Viewer.of(user)


def published(admin, member, form: ActivityForm = LANGUAGE_CAFE) -> Activity:
    """A language café the member submitted and the admin approved."""
    activity, _warnings = activities.save(viewer(member), form, for_review=True)
    return activities.approve(viewer(admin), activity.id)


def found_ids(**params: str) -> list[int]:
    """The ids a visitor finds with these URL parameters."""
    return [activity.id for activity in activities.search(Query.parse(params)).activities]


def test_member_submits_a_weekly_cafe_that_waits_for_review(member):
    activity, warnings = activities.save(viewer(member), LANGUAGE_CAFE, for_review=True)
    assert (activity.status, warnings) == ("pending", [])
    assert activity.region == "uusimaa" and activity.weekdays == 0b10 and activity.languages == ",fi,sv,"
    assert found_ids() == []


def test_admin_approval_publishes_it_for_anyone(admin, member):
    activity = published(admin, member)
    assert found_ids() == [activity.id]
    assert activities.published(activity.id).name_sv == "Språkcafé i Berghäll"


def test_a_member_cannot_approve_activities(member, outsider):
    activity, _ = activities.save(viewer(member), LANGUAGE_CAFE, for_review=True)
    with pytest.raises(Refused, match="Only administrators"):
        activities.approve(viewer(outsider), activity.id)


def test_an_outsider_cannot_change_someone_elses_activity(member, outsider):
    activity, _ = activities.save(viewer(member), LANGUAGE_CAFE)
    with pytest.raises(Refused, match="does not exist"):
        activities.save(viewer(outsider), dataclasses.replace(LANGUAGE_CAFE, name_fi="Kaapattu"), activity.id)


def test_a_draft_is_not_public(member):
    activity, _ = activities.save(viewer(member), LANGUAGE_CAFE)
    assert activity.status == "draft"
    with pytest.raises(Refused, match="does not exist"):
        activities.published(activity.id)


def test_a_change_to_a_published_activity_waits_for_review(admin, member):
    activity = published(admin, member)
    activities.save(viewer(member), dataclasses.replace(LANGUAGE_CAFE, name_fi="Muutettu nimi"), activity.id)
    assert activities.published(activity.id).name_fi == "Kielikahvila Kalliossa"
    assert [waiting.id for waiting in activities.review_queue(viewer(admin))] == [activity.id]
    activities.approve(viewer(admin), activity.id)
    assert activities.published(activity.id).name_fi == "Muutettu nimi"
    assert activities.review_queue(viewer(admin)) == []


def test_a_rejected_change_leaves_the_published_text_and_tells_why(admin, member):
    activity = published(admin, member)
    activities.save(viewer(member), dataclasses.replace(LANGUAGE_CAFE, name_fi="Muutettu"), activity.id)
    rejected = activities.reject(viewer(admin), activity.id, "Nimi on harhaanjohtava.")
    assert (rejected.status, rejected.proposed, rejected.review_note) == ("published", "", "Nimi on harhaanjohtava.")
    assert activities.published(activity.id).name_fi == "Kielikahvila Kalliossa"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"start_date": "2026-03-01", "end_date": "2026-02-01"}, "end_date", "must not end before it starts"),
        ({"start_time": "19:00", "end_time": "17:00"}, "end_time", "end must be after the start"),
        ({"municipality": "atlantis"}, "municipality", "Choose a municipality"),
        ({"description_fi": "Tervetuloa <script>alert(1)</script>"}, "description_fi", "Remove the HTML"),
        ({"description_sv": "[klicka](javascript:alert(1))"}, "description_sv", "Remove the HTML"),
        ({"recurrence": "weekly", "days": ()}, "days", "Choose the days"),
        ({"languages": ()}, "languages", "at least one language"),
        ({"online": False, "address": ""}, "address", "Enter the address"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(member, change, field, message):
    with pytest.raises(Invalid) as refused:
        activities.save(viewer(member), dataclasses.replace(LANGUAGE_CAFE, **change))
    assert message in refused.value.errors[field]
    with transaction() as session:
        assert session.exec(select(Activity)).all() == []


def test_coordinates_outside_finland_are_saved_with_a_warning(member):
    activity, warnings = activities.save(viewer(member), dataclasses.replace(LANGUAGE_CAFE, latitude="48.8566", longitude="2.3522"))
    assert warnings == [activities.OUTSIDE_FINLAND]
    assert activity.latitude == 48.8566


def test_an_online_activity_needs_no_address_or_coordinates(member):
    online = dataclasses.replace(LANGUAGE_CAFE, online=True, online_url="https://meet.example.org/kahvila", address="", latitude="", longitude="")
    activity, warnings = activities.save(viewer(member), online)
    assert (activity.online, activity.latitude, warnings) == (True, None, [])


def _fake_now(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(activities, "utcnow", lambda: moment)


def test_next_dates_skip_exceptions_and_keep_helsinki_time(admin, member, monkeypatch):
    _fake_now(monkeypatch, datetime(2026, 12, 20, 12, 0, tzinfo=UTC))
    activity = published(admin, member)
    dates = activities.occurrences(activity, count=3)
    assert [start.date() for start, _ in dates] == [date(2026, 12, 22), date(2027, 1, 5), date(2027, 1, 12)]
    assert dates[0][0].utcoffset() == timedelta(hours=2) and dates[0][0].hour == 17


def test_a_monthly_activity_is_held_on_its_week(admin, member, monkeypatch):
    _fake_now(monkeypatch, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    monthly = dataclasses.replace(LANGUAGE_CAFE, recurrence="monthly", days=("mon",), week_of_month="5", start_date="2026-03-01")
    activity = published(admin, member, monthly)
    assert [start.date() for start, _ in activities.occurrences(activity, count=2)] == [date(2026, 3, 30), date(2026, 4, 27)]


def test_search_filters_by_municipality_language_day_and_time(admin, member):
    cafe = published(admin, member)
    turku = published(admin, member, dataclasses.replace(LANGUAGE_CAFE, name_fi="Iltapäiväkerho", name_sv="", description_sv="", kind="club", municipality="turku", languages=("fi", "ar"), days=("thu",), start_time="13:00", end_time="15:00", free=False, price="2 €"))
    assert found_ids(municipality="helsinki") == [cafe.id]
    assert found_ids(region="varsinais-suomi") == [turku.id]
    assert found_ids(language="sv") == [cafe.id]
    assert found_ids(language="ar") == [turku.id]
    assert found_ids(day="tue") == [cafe.id]
    assert found_ids(time="afternoon") == [turku.id]
    assert found_ids(free="1") == [cafe.id]
    assert found_ids(q="berghäll") == [cafe.id]
    assert found_ids(q="KERHO") == [turku.id]
    assert sorted(found_ids(theme="language")) == sorted([cafe.id, turku.id])


def test_wrong_query_parameters_are_named(member):
    with pytest.raises(Invalid) as refused:
        Query.parse({"page": "two", "free": "maybe", "day": "someday", "municipality": "atlantis", "updated_since": "yesterday"})
    assert set(refused.value.errors) == {"page", "free", "day", "municipality", "updated_since"}


def test_an_unconfirmed_activity_is_reminded_then_hidden(admin, member, monkeypatch):
    activity = published(admin, member)
    months = config.settings.activity_confirm_months
    later = activity.confirmed_at + timedelta(days=31 * months + 1)
    _fake_now(monkeypatch, later)
    assert activities.remind_and_hide() == (1, 0)
    assert found_ids() == [activity.id]
    with transaction() as session:
        reminder = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == member.email)).one()
        notice = session.exec(select(Notification).where(Notification.user_id == member.id)).one()
    assert "/my-activities" in reminder.body and "Kielikahvila Kalliossa" in reminder.subject
    assert (notice.kind, notice.link) == ("activity_confirm", "/my-activities")
    _fake_now(monkeypatch, later + timedelta(days=config.settings.activity_grace_days + 1))
    assert found_ids() == []
    assert activities.remind_and_hide() == (0, 1)
    with pytest.raises(Refused):
        activities.published(activity.id)


def test_confirming_keeps_the_activity_listed(admin, member, monkeypatch):
    activity = published(admin, member)
    _fake_now(monkeypatch, activity.confirmed_at + timedelta(days=400))
    activities.remind_and_hide()
    assert found_ids() == []
    activities.confirm_running(viewer(member), activity.id)
    assert found_ids() == [activity.id]


def test_a_one_off_activity_leaves_the_directory_after_its_day(admin, member, monkeypatch):
    _fake_now(monkeypatch, datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    activity = published(admin, member, dataclasses.replace(LANGUAGE_CAFE, recurrence="once", days=(), start_date="2026-05-02"))
    assert found_ids(day="sat") == [activity.id]
    _fake_now(monkeypatch, datetime(2026, 5, 3, 9, 0, tzinfo=UTC))
    assert found_ids() == []


def test_admin_adds_a_kind_and_a_municipality(admin, member):
    activities.add_choice(viewer(admin), "kind", "sauna-evening", ("Saunailta", "Bastukväll", "Sauna evening"))
    activities.add_choice(viewer(admin), "municipality", "uusi-kunta", ("Uusi kunta", "Nya kommun", "Uusi kunta"), region="lappi")
    activity, _ = activities.save(viewer(member), dataclasses.replace(LANGUAGE_CAFE, kind="sauna-evening", municipality="uusi-kunta"))
    assert (activity.kind, activity.region) == ("sauna-evening", "lappi")
    with pytest.raises(Refused, match="Only administrators"):
        activities.add_choice(viewer(member), "kind", "x", ("a", "b", "c"))


def test_markdown_with_links_and_emphasis_is_not_mistaken_for_unsafe(member):
    text = "**Tervetuloa!** Lue lisää: [ohjelma](https://example.org/ohjelma) tai kirjoita <kahvila@example.org>."
    activity, _ = activities.save(viewer(member), dataclasses.replace(LANGUAGE_CAFE, description_fi=text))
    assert activity.description_fi == text
