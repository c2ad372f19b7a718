"""The open-data routes over HTTP (in process): JSON, CSV and iCalendar parse with the standard library; bad parameters get a 400."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from partnerskap import api
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import Activity
from partnerskap.services import activities
from partnerskap.services.sessions import Viewer
from tests.test_activities import LANGUAGE_CAFE, published


@pytest.fixture
def client() -> TestClient:
    """The app's own HTTP routes, with the security headers every response gets."""
    return TestClient(api.SecurityHeaders(api.routes()))


@pytest.fixture
def cafe(admin, member) -> Activity:
    """Bob's published language café in Helsinki."""
    return published(admin, member)


def calendar_events(text: str) -> list[dict[str, str]]:
    """The VEVENTs of iCalendar text as dicts (lines unfolded); `icalendar` is not in the environment, so parsed by hand."""
    events, current = [], None
    for line in text.replace("\r\n ", "").split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None and ":" in line:
            name, value = line.split(":", 1)
            current[name] = value
    return events


def test_the_catalogue_is_open_json_with_its_licence(client, cafe):
    answer = client.get("/activities.json", params={"municipality": "helsinki", "language": "sv", "day": "tue"})
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
    document = json.loads(answer.text)
    assert document["licence"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert document["total"] == 1 and document["next"] is None
    item = document["activities"][0]
    assert (item["id"], item["name"]["sv"], item["municipality"]["code"], item["region"]["code"]) == (cafe.id, "Språkcafé i Berghäll", "helsinki", "uusimaa")
    assert item["schedule"]["days"] == ["tue"] and item["schedule"]["time_zone"] == "Europe/Helsinki"
    assert item["url"].endswith(f"/activities/{cafe.id}")


def test_open_data_holds_no_personal_data_but_the_published_contact(client, cafe, member):
    text = client.get("/activities.json").text
    assert member.email not in text and member.name not in text
    assert "kahvila@example.org" in text  # the organiser published it as the contact
    for internal in ("submitted_by", "review_note", "proposed", "search_text"):
        assert internal not in text


def test_json_is_paged_and_follows_updated_since(client, admin, member):
    first = published(admin, member)
    second = published(admin, member, dataclasses.replace(LANGUAGE_CAFE, name_fi="Toinen kahvila"))
    with transaction() as session:
        row = session.get(Activity, first.id)
        row.updated_at = datetime(2026, 1, 1, tzinfo=UTC)
        session.add(row)
    page_one = client.get("/activities.json", params={"per_page": 1}).json()
    assert [item["id"] for item in page_one["activities"]] == [first.id]
    assert "page=2" in page_one["next"]
    page_two = client.get("/activities.json", params={"per_page": 1, "page": 2}).json()
    assert [item["id"] for item in page_two["activities"]] == [second.id]
    recent = client.get("/activities.json", params={"updated_since": "2026-06-01T00:00:00Z"}).json()
    assert [item["id"] for item in recent["activities"]] == [second.id]


def test_csv_parses_with_the_standard_library(client, cafe):
    answer = client.get("/activities.csv", params={"q": "berghäll"})
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(row["id"], row["name_fi"], row["languages"], row["days"]) for row in rows] == [(str(cafe.id), "Kielikahvila Kalliossa", "fi sv", "tue")]


def test_icalendar_lists_the_next_dates_filtered_like_the_page(client, admin, member, monkeypatch):
    monkeypatch.setattr(activities, "utcnow", lambda: datetime(2026, 12, 20, 12, 0, tzinfo=UTC))
    cafe = published(admin, member)
    published(admin, member, dataclasses.replace(LANGUAGE_CAFE, name_fi="Turun kerho", municipality="turku"))
    answer = client.get("/activities.ics", params={"municipality": "helsinki"})
    assert answer.headers["content-type"].startswith("text/calendar")
    events = calendar_events(answer.text)
    assert [event["DTSTART"] for event in events][:2] == ["20261222T153000Z", "20270105T153000Z"]  # 29 December is an exception
    assert {event["SUMMARY"] for event in events} == {"Kielikahvila Kalliossa"}
    assert events[0]["UID"].startswith(f"activity-{cafe.id}-20261222@")


@pytest.mark.parametrize("route", ["/activities.json", "/activities.csv", "/activities.ics"])
@pytest.mark.parametrize(("name", "value"), [("page", "two"), ("per_page", "100000"), ("free", "maybe"), ("day", "someday"), ("municipality", "atlantis"), ("updated_since", "yesterday")])
def test_a_wrong_parameter_gets_a_400_with_a_json_error(client, cafe, route, name, value):
    answer = client.get(route, params={name: value})
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "invalid_parameters" and list(body["parameters"]) == [name]


def test_hidden_and_unpublished_activities_are_not_open_data(client, admin, member, monkeypatch):
    cafe = published(admin, member)
    activities.save(Viewer.of(member), dataclasses.replace(LANGUAGE_CAFE, name_fi="Luonnos"))
    monkeypatch.setattr(activities, "utcnow", lambda: cafe.confirmed_at + timedelta(days=400))
    for route in ("/activities.json", "/activities.csv", "/activities.ics"):
        text = client.get(route).text
        assert "Kielikahvila" not in text and "Luonnos" not in text


def test_the_page_policy_lets_images_come_from_the_tile_server(client, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, map_tile_url="https://{s}.tiles.example.net/{z}/{x}/{y}.png"))
    policy = client.get("/activities.json").headers["content-security-policy"]
    assert "img-src 'self' data: blob: https://*.tiles.example.net;" in policy
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, map_tile_url=""))
    assert "img-src 'self' data: blob:;" in client.get("/activities.json").headers["content-security-policy"]

