"""The directory as open data: JSON, CSV and iCalendar of the published activities, under the instance's licence."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from partnerskap import settings as config
from partnerskap.i18n import LANGUAGES
from partnerskap.models import Activity
from partnerskap.services import activities, calendar
from partnerskap.services.activities import Choices, Found, Query

SCHEMA_VERSION = 1
CSV_COLUMNS = (
    "id", "url", "name_fi", "name_sv", "name_en", "kind", "organisation", "contact_person", "contact_email", "contact_phone", "municipality", "region",
    "address", "latitude", "longitude", "online", "online_url", "languages", "target_groups", "themes", "recurrence", "days", "week_of_month",
    "start_date", "end_date", "start_time", "end_time", "time_zone", "exceptions", "next_dates", "free", "price", "registration_required",
    "step_free", "hearing_loop", "childcare", "interpretation", "updated_at",
)


def activity_url(activity_id: int) -> str:
    """The stable public address of an activity's page."""
    return f"{config.settings.public_url}/activities/{activity_id}"


def licence() -> dict[str, str]:
    """The open licence the instance publishes its directory under."""
    return {"name": config.settings.open_data_licence, "url": config.settings.open_data_licence_url}


def record(activity: Activity, known: Choices) -> dict:
    """One activity as open data: what the organiser published, never who submitted it or the review's notes."""
    return {
        "id": activity.id,
        "url": activity_url(activity.id or 0),
        "name": {language: getattr(activity, f"name_{language}") for language in LANGUAGES},
        "description": {language: getattr(activity, f"description_{language}") for language in LANGUAGES},
        "plain_language": {language: getattr(activity, f"plain_{language}") for language in LANGUAGES},
        "kind": {"code": activity.kind, **{language: known.label("kind", activity.kind, language) for language in LANGUAGES}},
        "organisation": activity.organisation,
        "contact": {"person": activity.contact_person, "email": activity.contact_email, "phone": activity.contact_phone},
        "municipality": {"code": activity.municipality, "fi": known.label("municipality", activity.municipality, "fi"), "sv": known.label("municipality", activity.municipality, "sv")},
        "region": {"code": activity.region, **{language: known.label("region", activity.region, language) for language in LANGUAGES}},
        "place": {"address": activity.address, "latitude": activity.latitude, "longitude": activity.longitude},
        "online": activity.online,
        "online_url": activity.online_url,
        "languages": list(activities.codes(activity.languages)),
        "target_groups": list(activities.codes(activity.target_groups)),
        "themes": list(activities.codes(activity.themes)),
        "schedule": schedule(activity),
        "next_dates": [start.isoformat() for start, _end in activities.occurrences(activity)],
        "cost": {"free": activity.free, "price": activity.price},
        "registration_required": activity.registration_required,
        "accessibility": {
            "step_free": activity.step_free,
            "hearing_loop": activity.hearing_loop,
            "childcare": activity.childcare,
            "interpretation": activity.interpretation,
            "notes": activity.accessibility_notes,
        },
        "updated_at": activity.updated_at.isoformat(),
    }


def schedule(activity: Activity) -> dict:
    """When an activity is held, as stored: local times in its time zone."""
    return {
        "recurrence": activity.recurrence,
        "days": [day for bit, day in enumerate(activities.DAYS) if activity.weekdays & (1 << bit)],
        "week_of_month": activity.week_of_month or None,
        "start_date": activity.start_date.isoformat(),
        "end_date": activity.end_date.isoformat() if activity.end_date else None,
        "start_time": activity.start_time,
        "end_time": activity.end_time,
        "time_zone": activity.time_zone,
        "exceptions": list(activities.codes(activity.exceptions)),
    }


def as_json(found: Found, query: Query) -> dict:
    """A page of the catalogue with its licence and the links to the pages before and after it."""
    known = activities.choices()
    base = f"{config.settings.public_url}/activities.json"
    params = query.as_params()
    if query.updated_since:
        params["updated_since"] = query.updated_since.isoformat()

    def page_link(page: int) -> str:
        return f"{base}?{urlencode({**params, 'page': page, 'per_page': query.per_page})}"

    last_page = max(1, -(-found.total // found.per_page))
    return {
        "schema_version": SCHEMA_VERSION,
        "licence": licence(),
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "next": page_link(found.page + 1) if found.page < last_page else None,
        "previous": page_link(found.page - 1) if found.page > 1 else None,
        "activities": [record(activity, known) for activity in found.activities],
    }


def as_csv(found: Found) -> str:
    """A page of the catalogue as CSV (one row an activity; several values joined by spaces)."""
    known = activities.choices()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for activity in found.activities:
        row = record(activity, known)
        plan = row["schedule"]
        writer.writerow([
            row["id"], row["url"], *(row["name"][language] for language in LANGUAGES), activity.kind, row["organisation"], row["contact"]["person"],
            row["contact"]["email"], row["contact"]["phone"], activity.municipality, activity.region, activity.address,
            "" if activity.latitude is None else activity.latitude, "" if activity.longitude is None else activity.longitude, int(activity.online),
            activity.online_url, " ".join(row["languages"]), " ".join(row["target_groups"]), " ".join(row["themes"]), plan["recurrence"], " ".join(plan["days"]),
            plan["week_of_month"] or "", plan["start_date"], plan["end_date"] or "", plan["start_time"], plan["end_time"], plan["time_zone"],
            " ".join(plan["exceptions"]), " ".join(row["next_dates"]), int(activity.free), activity.price, int(activity.registration_required),
            int(activity.step_free), int(activity.hearing_loop), int(activity.childcare), int(activity.interpretation), row["updated_at"],
        ])
    return buffer.getvalue()


def as_ics(found: Found, language: str = "fi") -> str:
    """The next dates of a page of the catalogue as iCalendar, written by the calendar's one writer."""
    entries = []
    for activity in found.activities:
        summary = activities.display_name(activity, language)
        description, _language = activities.text_in(activity, "description", language)
        location = activity.address or activity.online_url
        for starts, ends in activities.occurrences(activity):
            entries.append(
                calendar.CalendarEntry(
                    uid=f"activity-{activity.id}-{starts.strftime('%Y%m%d')}", starts_at=starts, ends_at=ends, title=summary, place=location,
                    url=activity_url(activity.id or 0), description=description,
                )
            )
    return calendar.write_ics("Activities", entries)
