"""The activity directory's handlers, called as the browser would: visitors search, members submit, administrators review."""

from __future__ import annotations

import json

from partnerskap.db import transaction
from partnerskap.models import Activity
from partnerskap.state.activities import ActivitiesState, ActivityReviewState, MyActivitiesState
from tests.handlers import Tab
from tests.test_activities import published

CAFE_FORM = {
    "organisation": "Föreningen Välkommen rf",
    "name_fi": "Kielikahvila",
    "description_fi": "Puhutaan suomea.",
    "name_sv": "Språkcafé",
    "description_sv": "Vi pratar svenska.",
    "kind": "language-cafe",
    "municipality": "vaasa",
    "address": "Kauppapuistikko 1, Vaasa",
    "latitude": "63.0951",
    "longitude": "21.6165",
    "languages__fi": "on",
    "languages__sv": "on",
    "target_groups__adults": "on",
    "recurrence": "weekly",
    "days__wed": "on",
    "start_date": "2026-01-07",
    "start_time": "18:00",
    "end_time": "19:30",
    "free": "on",
    "for_review": "on",
}


async def test_visitor_sees_the_results_of_the_filters_in_the_address(admin, member):
    cafe = published(admin, member)
    tab = Tab(path="/activities?municipality=helsinki&language=sv&day=tue")
    state, _ = await tab.call(ActivitiesState, "load_directory")
    assert [card.id for card in state.results] == [cafe.id]
    assert state.filters["municipality"] == "helsinki" and state.filters["day"] == "tue"
    assert state.results[0].on_map and state.results[0].position == [60.1841, 24.9496]
    assert "Helsingfors" not in state.results[0].place  # a visitor reading English sees the Finnish name
    assert any(option.value == "espoo" for option in state.municipalities)


async def test_visitor_searching_is_sent_to_a_shareable_address():
    tab = Tab(path="/activities")
    _, result = await tab.call(ActivitiesState, "search", {"q": "kahvila", "municipality": "turku", "day": "", "free": "on"})
    assert "/activities?q=kahvila&municipality=turku&free=1" in str(result)


async def test_a_wrong_filter_in_the_address_is_said_and_left_out(admin, member):
    published(admin, member)
    tab = Tab(path="/activities?day=someday")
    state, _ = await tab.call(ActivitiesState, "load_directory")
    assert "not understood" in state.notice
    assert len(state.results) == 1


async def test_visitor_opens_a_published_activity_with_its_structured_data(admin, member):
    cafe = published(admin, member)
    tab = Tab(path=f"/activities/{cafe.id}?activity_id={cafe.id}")
    state, _ = await tab.call(ActivitiesState, "load_activity")
    assert state.found and state.activity.name == "Kielikahvila Kalliossa"
    assert "<strong>rennosti</strong>" in state.activity.description_html
    data = json.loads(state.activity.structured_data)
    assert data["@type"] == "Event" and data["location"]["geo"]["latitude"] == 60.1841
    assert len(state.activity.next_dates) == 5
    assert [marker.id for marker in state.marker] == [cafe.id]


async def test_visitor_cannot_open_a_draft(member):
    tab = Tab.of(member, path="/my-activities/edit")
    await tab.call(MyActivitiesState, "load_form")
    await tab.call(MyActivitiesState, "save", {**CAFE_FORM, "for_review": ""})
    with transaction() as session:
        draft = session.query(Activity).one()
    visitor = Tab(path=f"/activities/{draft.id}?activity_id={draft.id}")
    state, _ = await visitor.call(ActivitiesState, "load_activity")
    assert not state.found and state.activity.name == ""


async def test_member_submits_the_form_and_an_admin_publishes_it(admin, member):
    tab = Tab.of(member, path="/my-activities/edit")
    state, _ = await tab.call(MyActivitiesState, "load_form")
    assert state.values["organisation"] == member.organisation and state.form_ready
    _, result = await tab.call(MyActivitiesState, "save", CAFE_FORM)
    assert "/my-activities" in str(result)
    with transaction() as session:
        activity = session.query(Activity).one()
    assert (activity.status, activity.languages, activity.weekdays, activity.target_groups) == ("pending", ",fi,sv,", 0b100, ",adults,")
    review = Tab.of(admin, path="/admin/activities")
    state, _ = await review.call(ActivityReviewState, "load")
    assert [item.id for item in state.waiting] == [activity.id]
    state, _ = await review.call(ActivityReviewState, "approve", activity.id)
    assert state.waiting == [] and state.notice == "The activity is published."


async def test_member_sees_field_errors_and_nothing_is_written(member):
    tab = Tab.of(member, path="/my-activities/edit")
    await tab.call(MyActivitiesState, "load_form")
    state, _ = await tab.call(MyActivitiesState, "save", {**CAFE_FORM, "municipality": "atlantis", "start_date": "2026-02-01", "end_date": "2026-01-01"})
    assert state.errors["activity-municipality"] == "Choose a municipality from the list."
    assert state.errors["activity-end_date"] == "The schedule must not end before it starts."
    with transaction() as session:
        assert session.query(Activity).count() == 0


async def test_coordinates_outside_finland_are_saved_with_a_warning_beside_them(member):
    tab = Tab.of(member, path="/my-activities/edit")
    await tab.call(MyActivitiesState, "load_form")
    state, result = await tab.call(MyActivitiesState, "save", {**CAFE_FORM, "latitude": "59.3293", "longitude": "18.0686"})
    assert result is None and state.warnings == ["The coordinates are outside Finland. Check them; the activity was saved as they are."]
    with transaction() as session:
        assert session.query(Activity).one().latitude == 59.3293


async def test_organiser_confirms_an_activity_due_for_confirmation(admin, member):
    cafe = published(admin, member)
    with transaction() as session:
        row = session.get(Activity, cafe.id)
        row.confirmed_at = row.confirmed_at.replace(year=row.confirmed_at.year - 1)
        session.add(row)
    tab = Tab.of(member, path="/my-activities")
    state, _ = await tab.call(MyActivitiesState, "load_mine")
    assert [item.due_confirmation for item in state.mine] == [True]
    state, _ = await tab.call(MyActivitiesState, "confirm_running", cafe.id)
    assert [item.due_confirmation for item in state.mine] == [False]


async def test_the_next_form_does_not_appear_with_the_last_ones_values(admin, member):
    cafe = published(admin, member)
    tab = Tab.of(member, path="/my-activities/edit")
    state, _ = await tab.call(MyActivitiesState, "load_form")
    assert state.values["name_fi"] == ""
    tab.move_to("/my-activities")
    state, _ = await tab.call(MyActivitiesState, "load_mine")
    assert not state.form_ready  # the form's fields appear only once the next activity's values are there
    tab.move_to(f"/my-activities/edit?id={cafe.id}")
    state, _ = await tab.call(MyActivitiesState, "load_form")
    assert state.form_ready and state.values["name_fi"] == "Kielikahvila Kalliossa"
    assert state.chosen["languages__sv"] and state.chosen["days__tue"] and state.chosen["free"]
