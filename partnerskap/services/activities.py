"""Low-threshold activities: members submit them, administrators review them, anyone searches the published ones."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import LANGUAGES, N_
from partnerskap.models import Activity, ActivityChoice, ActivitySearch, User
from partnerskap.models.base import utcnow
from partnerskap.services import markdown, notifications, permissions, search_index
from partnerskap.services.addresses import EMAIL_PATTERN
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.municipalities import MUNICIPALITIES, REGIONS
from partnerskap.services.sessions import Viewer

TIME_ZONE = "Europe/Helsinki"
HELSINKI = ZoneInfo(TIME_ZONE)
DRAFT, PENDING, PUBLISHED, REJECTED, LAPSED = "draft", "pending", "published", "rejected", "lapsed"
RECURRENCES = ("once", "weekly", "monthly")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The hours each part of the day starts and ends (local time), for the "time of day" filter.
TIMES_OF_DAY = {"morning": (0, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 24 * 60)}
LISTS = ("kind", "theme", "target")
# The lists as shipped: list -> code -> (Finnish, Swedish, English); administrators add entries in the app.
DEFAULT_CHOICES: dict[str, dict[str, tuple[str, str, str]]] = {
    "kind": {
        "language-cafe": ("Kielikahvila", "Språkcafé", "Language café"),
        "peer-group": ("Vertaisryhmä", "Kamratgrupp", "Peer group"),
        "advice": ("Neuvontapiste", "Rådgivning", "Advice point"),
        "club": ("Kerho", "Klubb", "Club"),
        "volunteering": ("Vapaaehtoistoiminta", "Frivilligverksamhet", "Volunteering"),
        "course": ("Kurssi", "Kurs", "Course"),
    },
    "theme": {
        "language": ("Kielen oppiminen", "Språkinlärning", "Learning the language"),
        "work": ("Työ ja opiskelu", "Arbete och studier", "Work and studies"),
        "wellbeing": ("Hyvinvointi ja terveys", "Välmående och hälsa", "Wellbeing and health"),
        "family": ("Perhe ja vanhemmuus", "Familj och föräldraskap", "Family and parenting"),
        "culture": ("Kulttuuri ja liikunta", "Kultur och motion", "Culture and sport"),
        "services": ("Palvelut ja asiointi", "Tjänster och ärenden", "Services and paperwork"),
    },
    "target": {
        "everyone": ("Kaikki", "Alla", "Everyone"),
        "adults": ("Aikuiset", "Vuxna", "Adults"),
        "youth": ("Nuoret", "Unga", "Young people"),
        "children": ("Lapset", "Barn", "Children"),
        "women": ("Naiset", "Kvinnor", "Women"),
        "families": ("Perheet", "Familjer", "Families"),
        "seniors": ("Ikääntyneet", "Äldre", "Older people"),
        "newcomers": ("Vasta muuttaneet", "Nyanlända", "Newcomers"),
    },
}
# Languages an activity can be held in: code -> (Finnish, Swedish, English) names.
ACTIVITY_LANGUAGES: dict[str, tuple[str, str, str]] = {
    "fi": ("suomi", "finska", "Finnish"),
    "sv": ("ruotsi", "svenska", "Swedish"),
    "en": ("englanti", "engelska", "English"),
    "se": ("saame", "samiska", "Sámi"),
    "ru": ("venäjä", "ryska", "Russian"),
    "uk": ("ukraina", "ukrainska", "Ukrainian"),
    "ar": ("arabia", "arabiska", "Arabic"),
    "so": ("somali", "somaliska", "Somali"),
    "fa": ("persia", "persiska", "Persian"),
    "ku": ("kurdi", "kurdiska", "Kurdish"),
    "et": ("viro", "estniska", "Estonian"),
    "ti": ("tigrinja", "tigrinja", "Tigrinya"),
    "fr": ("ranska", "franska", "French"),
    "es": ("espanja", "spanska", "Spanish"),
    "sgn": ("viittomakieli", "teckenspråk", "Sign language"),
}
# Mainland Finland and Åland lie within this box; a place outside it is most likely a typing slip.
FINLAND_BOUNDS = ((59.4, 19.0), (70.2, 31.7))
PER_PAGE = 30
OPEN_DATA_PER_PAGE = 100
OPEN_DATA_MAX_PER_PAGE = 500
NEXT_DATES = 5
SEARCH_COLUMNS = ("name_fi", "name_sv", "name_en", "description_fi", "description_sv", "description_en", "organisation", "address")
TEXT_FIELDS = {"name": 200, "description": 5000, "plain": 2000}
WORD = re.compile(r"[^\W_]+(?:[-'@.][^\W_]+)*")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
OUTSIDE_FINLAND = N_("The coordinates are outside Finland. Check them; the activity was saved as they are.")


@dataclasses.dataclass(frozen=True)
class ActivityForm:
    """What an organisation's member fills in; every value arrives as text or a list of codes."""

    organisation: str = ""
    contact_person: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    name_fi: str = ""
    name_sv: str = ""
    name_en: str = ""
    description_fi: str = ""
    description_sv: str = ""
    description_en: str = ""
    plain_fi: str = ""
    plain_sv: str = ""
    plain_en: str = ""
    kind: str = ""
    municipality: str = ""
    address: str = ""
    latitude: str = ""
    longitude: str = ""
    online: bool = False
    online_url: str = ""
    languages: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    recurrence: str = "once"
    days: tuple[str, ...] = ()
    week_of_month: str = ""
    start_date: str = ""
    end_date: str = ""
    start_time: str = ""
    end_time: str = ""
    exceptions: str = ""
    free: bool = True
    price: str = ""
    registration_required: bool = False
    step_free: bool = False
    hearing_loop: bool = False
    childcare: bool = False
    interpretation: bool = False
    accessibility_notes: str = ""

    @classmethod
    def of(cls, values: Mapping[str, object]) -> ActivityForm:
        """A form from submitted values: unknown keys are ignored, lists come as lists or comma-separated text."""
        known = {}
        for form_field in dataclasses.fields(cls):
            if form_field.name not in values:
                continue
            value = values[form_field.name]
            if form_field.type == "bool":
                known[form_field.name] = value in (True, "on", "true", "1", 1)
            elif form_field.type.startswith("tuple"):
                items = value.split(",") if isinstance(value, str) else value
                if not isinstance(items, (list, tuple)):
                    raise Invalid({form_field.name: N_("Choose one of the options.")})
                known[form_field.name] = tuple(str(item).strip() for item in items if str(item).strip())
            else:
                known[form_field.name] = "" if value is None else str(value)
        return cls(**known)

    @classmethod
    def of_activity(cls, activity: Activity) -> ActivityForm:
        """The form that would write this activity as it is."""
        return cls(
            **{name: getattr(activity, name) for name in ("organisation", "contact_person", "contact_email", "contact_phone", "kind", "municipality", "address", "online", "online_url",
                                                          "recurrence", "exceptions", "free", "price", "registration_required", "step_free", "hearing_loop", "childcare",
                                                          "interpretation", "accessibility_notes", "start_time", "end_time")},
            **{f"{kind}_{language}": getattr(activity, f"{kind}_{language}") for kind in TEXT_FIELDS for language in LANGUAGES},
            latitude="" if activity.latitude is None else str(activity.latitude),
            longitude="" if activity.longitude is None else str(activity.longitude),
            languages=codes(activity.languages),
            target_groups=codes(activity.target_groups),
            themes=codes(activity.themes),
            days=tuple(day for bit, day in enumerate(DAYS) if activity.weekdays & (1 << bit)) if activity.recurrence != "once" else (),
            week_of_month=str(activity.week_of_month or ""),
            start_date=activity.start_date.isoformat(),
            end_date=activity.end_date.isoformat() if activity.end_date else "",
        )


@dataclasses.dataclass(frozen=True)
class Choices:
    """The lists an activity's fields choose from: shipped municipalities and regions, and the lists administrators keep."""

    municipalities: dict[str, tuple[str, str, str]]  # code -> (Finnish, Swedish, region)
    lists: dict[str, dict[str, tuple[str, str, str]]]  # list -> code -> (Finnish, Swedish, English)

    def label(self, list_name: str, code: str, language: str) -> str:
        """An entry's name in a language (the code when the entry has since been removed)."""
        if list_name == "municipality":
            names = self.municipalities.get(code)
            return (names[1] if language == "sv" else names[0]) if names else code
        if list_name == "region":
            names = REGIONS.get(code)
            return names[LANGUAGES.index(language)] if names else code
        if list_name == "language":
            names = ACTIVITY_LANGUAGES.get(code)
            return names[LANGUAGES.index(language)] if names else code
        names = self.lists.get(list_name, {}).get(code)
        return names[LANGUAGES.index(language)] if names else code


def choices(*, session: Session | None = None) -> Choices:
    """Every list an activity chooses from, with the entries administrators added."""
    if session is None:
        with transaction() as own:
            return choices(session=own)
    municipalities = dict(MUNICIPALITIES)
    lists = {name: dict(DEFAULT_CHOICES[name]) for name in LISTS}
    for entry in session.exec(select(ActivityChoice).order_by(col(ActivityChoice.id))).all():
        if entry.list == "municipality":
            municipalities[entry.code] = (entry.label_fi, entry.label_sv, entry.region)
        elif entry.list in lists:
            lists[entry.list][entry.code] = (entry.label_fi, entry.label_sv, entry.label_en)
    return Choices(municipalities=municipalities, lists=lists)


def codes(stored: str) -> tuple[str, ...]:
    """The codes of a multi-valued field as stored (",a,b,")."""
    return tuple(code for code in stored.split(",") if code)


def _stored(codes: tuple[str, ...]) -> str:
    return f",{','.join(dict.fromkeys(codes))}," if codes else ""


def _parse_date(value: str, field: str, errors: dict[str, str], *, required: bool) -> date | None:
    if not value.strip():
        if required:
            errors[field] = N_("Enter a date like 2026-05-31.")
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = N_("Enter a date like 2026-05-31.")
        return None


def _parse_coordinate(value: str, field: str, errors: dict[str, str]) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        errors[field] = N_("Enter a number like 60.1699.")
        return None
    if not -180 <= number <= 180:
        errors[field] = N_("Enter a number like 60.1699.")
        return None
    return number


def _check(form: ActivityForm, known: Choices) -> tuple[dict[str, object], list[str]]:
    """The activity's column values from a form, and its warnings; Invalid on any wrong input (nothing is written)."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for kind, limit in TEXT_FIELDS.items():
        for language in LANGUAGES:
            name = f"{kind}_{language}"
            text = getattr(form, name).strip() if kind != "name" else " ".join(getattr(form, name).split())
            if len(text) > limit:
                errors[name] = N_("The text is too long.")
            elif kind != "name" and markdown.has_unsafe_markup(text):
                errors[name] = N_("Remove the HTML and script links: use plain text or markdown.")
            values[name] = text
    if not any(values[f"name_{language}"] for language in LANGUAGES):
        errors["name_fi"] = N_("Give the activity a name in at least one language.")
    for language in LANGUAGES:
        if values[f"name_{language}"] and not values[f"description_{language}"]:
            errors[f"description_{language}"] = N_("Describe the activity in each language you named it in.")
    organisation = " ".join(form.organisation.split())
    if not organisation:
        errors["organisation"] = N_("Enter the organisation that runs the activity.")
    elif len(organisation) > 160:
        errors["organisation"] = N_("Use at most 160 characters.")
    email = form.contact_email.strip().lower()
    if email and (len(email) > 254 or not EMAIL_PATTERN.match(email)):
        errors["contact_email"] = N_("Enter an e-mail address like name@example.org.")
    if len(form.contact_person) > 120 or len(form.contact_phone) > 40 or len(form.price) > 100 or len(form.accessibility_notes) > 1000 or len(form.exceptions) > 2000:
        errors["accessibility_notes"] = N_("The text is too long.")
    if form.kind not in known.lists["kind"]:
        errors["kind"] = N_("Choose one of the options.")
    if form.municipality not in known.municipalities:
        errors["municipality"] = N_("Choose a municipality from the list.")
    for name, allowed in (("languages", ACTIVITY_LANGUAGES), ("target_groups", known.lists["target"]), ("themes", known.lists["theme"])):
        if any(code not in allowed for code in getattr(form, name)):
            errors[name] = N_("Choose one of the options.")
    if not form.languages:
        errors["languages"] = N_("Choose at least one language the activity is held in.")
    warnings: list[str] = []
    latitude = _parse_coordinate(form.latitude, "latitude", errors)
    longitude = _parse_coordinate(form.longitude, "longitude", errors)
    online_url = form.online_url.strip()
    if form.online:
        if not online_url.startswith(("https://", "http://")) or not online_url.isprintable() or " " in online_url or len(online_url) > 500:
            errors["online_url"] = N_("Enter a web address that starts with https://.")
    else:
        online_url = ""
        if not form.address.strip():
            errors["address"] = N_("Enter the address, or mark the activity as online.")
        if (latitude is None) != (longitude is None):
            errors["longitude"] = N_("Enter both coordinates, or neither.")
        elif latitude is not None and longitude is not None:
            (south, west), (north, east) = FINLAND_BOUNDS
            if not (south <= latitude <= north and west <= longitude <= east):
                warnings.append(OUTSIDE_FINLAND)
    if len(form.address) > 300:
        errors["address"] = N_("The text is too long.")
    recurrence = form.recurrence if form.recurrence in RECURRENCES else ""
    if not recurrence:
        errors["recurrence"] = N_("Choose one of the options.")
    starts = _parse_date(form.start_date, "start_date", errors, required=True)
    ends = _parse_date(form.end_date, "end_date", errors, required=False)
    for name in ("start_time", "end_time"):
        if not CLOCK.match(getattr(form, name).strip()):
            errors[name] = N_("Enter a time like 17:30.")
    if "start_time" not in errors and "end_time" not in errors and form.end_time.strip() <= form.start_time.strip():
        errors["end_time"] = N_("The end must be after the start.")
    if starts and ends and ends < starts:
        errors["end_date"] = N_("The schedule must not end before it starts.")
    weekdays = 0
    week_of_month = 0
    if recurrence == "once":
        ends = starts
        weekdays = 1 << starts.weekday() if starts else 0
    elif recurrence:
        if not form.days or any(day not in DAYS for day in form.days):
            errors["days"] = N_("Choose the days the activity is held on.")
        else:
            weekdays = sum(1 << DAYS.index(day) for day in set(form.days))
        if recurrence == "monthly":
            if form.week_of_month not in ("1", "2", "3", "4", "5") or len(form.days) != 1:
                errors["week_of_month"] = N_("Choose the week of the month and one day.")
            else:
                week_of_month = int(form.week_of_month)
    exceptions = []
    for part in form.exceptions.replace(";", ",").split(","):
        if part.strip():
            found = _parse_date(part, "exceptions", errors, required=True)
            if found:
                exceptions.append(found.isoformat())
    if errors:
        raise Invalid(errors)
    values.update(
        organisation=organisation,
        contact_person=" ".join(form.contact_person.split()),
        contact_email=email,
        contact_phone=form.contact_phone.strip(),
        kind=form.kind,
        municipality=form.municipality,
        region=known.municipalities[form.municipality][2],
        address="" if form.online and not form.address.strip() else " ".join(form.address.split()),
        latitude=latitude,
        longitude=longitude,
        online=form.online,
        online_url=online_url,
        languages=_stored(form.languages),
        target_groups=_stored(form.target_groups),
        themes=_stored(form.themes),
        recurrence=recurrence,
        weekdays=weekdays,
        week_of_month=week_of_month,
        start_date=starts,
        end_date=ends,
        start_time=form.start_time.strip(),
        end_time=form.end_time.strip(),
        start_minute=int(form.start_time[:2]) * 60 + int(form.start_time[3:5]),
        exceptions=",".join(sorted(set(exceptions))),
        time_zone=TIME_ZONE,
        free=form.free,
        price="" if form.free else form.price.strip(),
        registration_required=form.registration_required,
        step_free=form.step_free,
        hearing_loop=form.hearing_loop,
        childcare=form.childcare,
        interpretation=form.interpretation,
        accessibility_notes=form.accessibility_notes.strip(),
    )
    names = known.municipalities[form.municipality]
    values["search_words"] = " ".join(dict.fromkeys(WORD.findall(" ".join([*(str(values[column]) for column in SEARCH_COLUMNS), names[0], names[1]]).lower())))
    values["sort_name"] = next(str(values[f"name_{language}"]) for language in LANGUAGES if values[f"name_{language}"]).lower()[:200]
    return values, warnings


def _apply(session: Session, activity: Activity, values: Mapping[str, object]) -> None:
    """Write the form's values to the activity and its searchable words (the activity must have its id)."""
    for name, value in values.items():
        if name != "search_words":
            setattr(activity, name, value)
    activity.updated_at = utcnow()
    session.add(activity)
    session.flush()
    words = session.get(ActivitySearch, activity.id) or ActivitySearch(activity_id=activity.id)
    words.words = str(values["search_words"])
    session.add(words)
    search_index.put_activity(session, activity)


def _own(session: Session, viewer: Viewer, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id) if isinstance(activity_id, int) else None
    if activity is None or (activity.submitted_by != viewer.id and not viewer.is_admin):
        raise Refused(N_("This activity does not exist."))
    return activity


def save(viewer: Viewer, form: ActivityForm, activity_id: int = 0, *, for_review: bool = False) -> tuple[Activity, list[str]]:
    """Members write a new activity or change their own; a change to a published one waits for review.

    Returns the activity and the warnings (messages) it was saved with.
    """
    permissions.require_member(viewer)
    with transaction() as session:
        values, warnings = _check(form, choices(session=session))
        activity = _own(session, viewer, activity_id) if activity_id else Activity(submitted_by=viewer.id, **{name: values[name] for name in ("organisation", "kind", "municipality", "region", "start_date", "start_time", "end_time")})
        if activity.status in (PUBLISHED, LAPSED):
            activity.proposed = json.dumps(dataclasses.asdict(form))
            session.add(activity)
        else:
            activity.status = PENDING if for_review else DRAFT
            _apply(session, activity, values)
        return activity, warnings


def send_for_review(viewer: Viewer, activity_id: int) -> Activity:
    """The organiser asks for their draft to be published."""
    permissions.require_member(viewer)
    with transaction() as session:
        activity = _own(session, viewer, activity_id)
        if activity.status not in (DRAFT, REJECTED):
            raise Refused(N_("This activity is already waiting for review or published."))
        activity.status = PENDING
        session.add(activity)
        return activity


def review_queue(viewer: Viewer) -> list[Activity]:
    """Activities waiting for a reviewer: new ones and changes to published ones, oldest first."""
    permissions.require_admin(viewer)
    with transaction() as session:
        return list(session.exec(select(Activity).where(or_(Activity.status == PENDING, Activity.proposed != "")).order_by(col(Activity.updated_at))).all())


def approve(viewer: Viewer, activity_id: int) -> Activity:
    """An administrator publishes an activity, or its proposed change."""
    permissions.require_admin(viewer)
    with transaction() as session:
        activity = session.get(Activity, activity_id) if isinstance(activity_id, int) else None
        if activity is None or (activity.status != PENDING and not activity.proposed):
            raise Refused(N_("Nothing of this activity is waiting for review."))
        if activity.proposed:
            values, _warnings = _check(ActivityForm.of(json.loads(activity.proposed)), choices(session=session))
            _apply(session, activity, values)
            activity.proposed = ""
        now = utcnow()
        activity.status = PUBLISHED
        activity.published_at = activity.published_at or now
        activity.confirmed_at = now
        activity.reminded_at = None
        activity.updated_at = now
        activity.review_note = ""
        session.add(activity)
        return activity


def reject(viewer: Viewer, activity_id: int, note: str) -> Activity:
    """An administrator sends an activity (or its change) back with a note to the organiser."""
    permissions.require_admin(viewer)
    note = note.strip()
    if not note or len(note) > 2000:
        raise Invalid({"note": N_("Tell the organiser what to change (at most 2000 characters).")})
    with transaction() as session:
        activity = session.get(Activity, activity_id) if isinstance(activity_id, int) else None
        if activity is None or (activity.status != PENDING and not activity.proposed):
            raise Refused(N_("Nothing of this activity is waiting for review."))
        if activity.proposed:
            activity.proposed = ""
        else:
            activity.status = REJECTED
        activity.review_note = note
        session.add(activity)
        return activity


def confirm_running(viewer: Viewer, activity_id: int) -> Activity:
    """The organiser confirms the activity still runs: it stays (or is again) in the directory."""
    permissions.require_member(viewer)
    with transaction() as session:
        activity = _own(session, viewer, activity_id)
        if activity.status not in (PUBLISHED, LAPSED):
            raise Refused(N_("Only a published activity can be confirmed."))
        activity.status = PUBLISHED
        activity.confirmed_at = utcnow()
        activity.reminded_at = None
        activity.updated_at = utcnow()
        session.add(activity)
        return activity


def withdraw(viewer: Viewer, activity_id: int) -> None:
    """The organiser (or an administrator) removes an activity for good."""
    permissions.require_member(viewer)
    with transaction() as session:
        activity = _own(session, viewer, activity_id)
        if words := session.get(ActivitySearch, activity.id):
            session.delete(words)
            session.flush()
        session.delete(activity)


def mine(viewer: Viewer) -> list[Activity]:
    """The activities a member submitted, newest first."""
    permissions.require_member(viewer)
    with transaction() as session:
        return list(session.exec(select(Activity).where(Activity.submitted_by == viewer.id).order_by(col(Activity.id).desc())).all())


def editable(viewer: Viewer, activity_id: int) -> ActivityForm:
    """The form of an activity its organiser edits: the proposed change while one waits."""
    permissions.require_member(viewer)
    with transaction() as session:
        activity = _own(session, viewer, activity_id)
        return ActivityForm.of(json.loads(activity.proposed)) if activity.proposed else ActivityForm.of_activity(activity)


def _confirm_by(now: datetime) -> datetime:
    """When an activity confirmed before this moment is due a reminder."""
    months = config.settings.activity_confirm_months
    year, month = divmod(now.month - 1 - months, 12)
    target_year, target_month = now.year + year, month + 1
    day = min(now.day, [31, 29 if target_year % 4 == 0 and (target_year % 100 or target_year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month])
    return now.replace(year=target_year, month=target_month, day=day)


def _visible_after(now: datetime) -> datetime:
    """Activities confirmed before this moment are hidden: the reminder period and its grace period have passed."""
    return _confirm_by(now) - timedelta(days=config.settings.activity_grace_days)


def due_confirmation(activity: Activity) -> bool:
    """Whether the organiser should confirm that a published (or already hidden) activity still runs."""
    if activity.status == LAPSED:
        return True
    return activity.status == PUBLISHED and activity.confirmed_at is not None and activity.confirmed_at < _confirm_by(utcnow())


def remind_and_hide() -> tuple[int, int]:
    """Remind organisers whose activity is due a confirmation (a notification, e-mailed as they chose), hide those unconfirmed past the grace period; returns the counts."""
    now = utcnow()
    with transaction() as session:
        lapsed = session.exec(select(Activity).where(Activity.status == PUBLISHED, col(Activity.confirmed_at) < _visible_after(now))).all()
        for activity in lapsed:
            activity.status = LAPSED
            session.add(activity)
        due = session.exec(
            select(Activity, User)
            .join(User, col(User.id) == Activity.submitted_by)
            .where(Activity.status == PUBLISHED, col(Activity.confirmed_at) < _confirm_by(now), col(Activity.reminded_at).is_(None))
        ).all()
        for activity, organiser in due:
            activity.reminded_at = now
            session.add(activity)
            notifications.notify(
                session,
                user_id=organiser.id,
                kind="activity_confirm",
                link="/my-activities",
                activity=display_name(activity, organiser.language),
                days=config.settings.activity_grace_days,
            )
        return len(due), len(lapsed)


def display_name(activity: Activity, language: str) -> str:
    """The activity's name in a language, or in the first language it has one."""
    return getattr(activity, f"name_{language}") or next((getattr(activity, f"name_{other}") for other in LANGUAGES if getattr(activity, f"name_{other}")), "")


def text_in(activity: Activity, kind: str, language: str) -> tuple[str, str]:
    """A text of the activity in a language, or the first language that has it; and which language that is."""
    for candidate in (language, *LANGUAGES):
        if value := getattr(activity, f"{kind}_{candidate}"):
            return value, candidate
    return "", language


# Searching


@dataclasses.dataclass(frozen=True)
class Query:
    """A search of the directory; the same parameters in the page's address and in the open-data routes."""

    q: str = ""
    municipality: str = ""
    region: str = ""
    language: str = ""
    target: str = ""
    theme: str = ""
    day: str = ""
    time: str = ""
    free: bool = False
    online: bool = False
    page: int = 1
    per_page: int = PER_PAGE
    updated_since: datetime | None = None

    PARAMETERS = ("q", "municipality", "region", "language", "target", "theme", "day", "time", "free", "online")

    @classmethod
    def parse(cls, params: Mapping[str, str], *, known: Choices | None = None, max_per_page: int = PER_PAGE, default_per_page: int = PER_PAGE) -> Query:
        """A query from URL parameters; Invalid names every parameter of the wrong type or value."""
        known = known or choices()
        errors: dict[str, str] = {}
        get = lambda name: str(params.get(name, "") or "").strip()  # noqa: E731
        for name, allowed in (("municipality", known.municipalities), ("region", REGIONS), ("language", ACTIVITY_LANGUAGES), ("target", known.lists["target"]),
                              ("theme", known.lists["theme"]), ("day", DAYS), ("time", TIMES_OF_DAY)):
            if get(name) and get(name) not in allowed:
                errors[name] = N_("Choose one of the options.")
        flags = {}
        for name in ("free", "online"):
            if get(name) not in ("", "0", "1", "true", "false"):
                errors[name] = N_("Use 1 or 0.")
            flags[name] = get(name) in ("1", "true")
        numbers = {}
        for name, default, highest in (("page", 1, 100_000), ("per_page", default_per_page, max_per_page)):
            value = get(name) or str(default)
            if not value.isdigit() or not 1 <= int(value) <= highest:
                errors[name] = N_("Use a whole number from 1 up to the largest page size allowed.")
                numbers[name] = default
            else:
                numbers[name] = int(value)
        since = None
        if get("updated_since"):
            try:
                since = datetime.fromisoformat(get("updated_since").replace("Z", "+00:00"))
                since = since if since.tzinfo else since.replace(tzinfo=UTC)
            except ValueError:
                errors["updated_since"] = N_("Use a time like 2026-05-31T12:00:00Z.")
        if len(get("q")) > 200:
            errors["q"] = N_("Use at most 200 characters.")
        if errors:
            raise Invalid(errors)
        return cls(
            q=get("q"), municipality=get("municipality"), region=get("region"), language=get("language"), target=get("target"), theme=get("theme"),
            day=get("day"), time=get("time"), updated_since=since, **flags, **numbers,
        )

    def as_params(self) -> dict[str, str]:
        """The query's filters as URL parameters (empty ones left out), for a shareable address."""
        values = {name: getattr(self, name) for name in self.PARAMETERS}
        return {name: ("1" if value is True else str(value)) for name, value in values.items() if value not in ("", False)}


def visible(now: datetime):
    """The conditions of the activities anyone may see: published, confirmed lately, not ended."""
    return (Activity.status == PUBLISHED, col(Activity.confirmed_at) >= _visible_after(now), or_(col(Activity.end_date).is_(None), col(Activity.end_date) >= now.astimezone(HELSINKI).date()))


def _filters(query: Query, now: datetime) -> list:
    conditions = list(visible(now))
    words = [word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for word in WORD.findall(query.q.lower())[:8]]
    if words:
        matching = select(ActivitySearch.activity_id).where(*(col(ActivitySearch.words).like(f"%{word}%", escape="\\") for word in words))
        conditions.append(col(Activity.id).in_(matching))
    if query.municipality:
        conditions.append(Activity.municipality == query.municipality)
    if query.region:
        conditions.append(Activity.region == query.region)
    for column, code in ((Activity.languages, query.language), (Activity.target_groups, query.target), (Activity.themes, query.theme)):
        if code:
            conditions.append(col(column).like(f"%,{code},%"))
    if query.day:
        conditions.append(col(Activity.weekdays).op("&")(1 << DAYS.index(query.day)) != 0)
    if query.time:
        first, last = TIMES_OF_DAY[query.time]
        conditions += [col(Activity.start_minute) >= first, col(Activity.start_minute) < last]
    if query.free:
        conditions.append(col(Activity.free).is_(True))
    if query.online:
        conditions.append(col(Activity.online).is_(True))
    if query.updated_since:
        conditions.append(col(Activity.updated_at) >= query.updated_since)
    return conditions


@dataclasses.dataclass(frozen=True)
class Found:
    """One page of search results and how many there are in all."""

    activities: list[Activity]
    total: int
    page: int
    per_page: int


def search(query: Query, *, order: str = "name") -> Found:
    """Published, confirmed, not yet ended activities matching the query: one page, by name (or by last change for open data).

    One pass finds the page's ids and counts every match (from the listing index where the database can);
    only the page's own rows are read whole.
    """
    now = utcnow()
    conditions = _filters(query, now)
    ordering = (col(Activity.sort_name), col(Activity.id)) if order == "name" else (col(Activity.updated_at), col(Activity.id))
    with transaction() as session:
        page = session.exec(
            select(Activity.id, func.count().over()).where(*conditions).order_by(*ordering).offset((query.page - 1) * query.per_page).limit(query.per_page)
        ).all()
        if page:
            total = page[0][1]
        else:  # past the last page (or nothing found): count on its own
            total = session.exec(select(func.count()).select_from(Activity).where(*conditions)).one() if query.page > 1 else 0
        ids = [activity_id for activity_id, _count in page]
        rows = {row.id: row for row in session.exec(select(Activity).where(col(Activity.id).in_(ids))).all()} if ids else {}
    return Found(activities=[rows[activity_id] for activity_id in ids], total=total, page=query.page, per_page=query.per_page)


def published(activity_id: int) -> Activity:
    """One activity anyone may see, or a refusal (drafts, pending and hidden ones are not found)."""
    with transaction() as session:
        activity = session.exec(select(Activity).where(Activity.id == activity_id, *visible(utcnow()))).first() if isinstance(activity_id, int) else None
    if activity is None:
        raise Refused(N_("This activity does not exist."))
    return activity


def occurrences(activity: Activity, *, after: datetime | None = None, count: int = NEXT_DATES) -> list[tuple[datetime, datetime]]:
    """The next start and end times (aware, in the activity's time zone) after a moment, skipping exceptions."""
    zone = ZoneInfo(activity.time_zone or TIME_ZONE)
    after = (after or utcnow()).astimezone(zone)
    skipped = set(codes(activity.exceptions))
    starts, ends = time.fromisoformat(activity.start_time), time.fromisoformat(activity.end_time)
    found: list[tuple[datetime, datetime]] = []
    day = max(activity.start_date, after.date())
    last = activity.end_date or after.date() + timedelta(days=800)
    while day <= last and len(found) < count:
        if _held_on(activity, day) and day.isoformat() not in skipped:
            end = datetime.combine(day, ends, zone)
            if end > after:
                found.append((datetime.combine(day, starts, zone), end))
        day += timedelta(days=1)
    return found


def _held_on(activity: Activity, day: date) -> bool:
    if activity.recurrence == "once":
        return day == activity.start_date
    if not activity.weekdays & (1 << day.weekday()):
        return False
    if activity.recurrence == "weekly":
        return True
    week = (day.day - 1) // 7 + 1
    is_last = (day + timedelta(days=7)).month != day.month
    return week == activity.week_of_month if activity.week_of_month < 5 else is_last


# The lists administrators keep


def add_choice(viewer: Viewer, list_name: str, code: str, labels: tuple[str, str, str], region: str = "") -> ActivityChoice:
    """An administrator adds a kind, theme, target group or municipality to its list."""
    permissions.require_admin(viewer)
    code = code.strip().lower()
    errors = {}
    if list_name not in (*LISTS, "municipality"):
        errors["list"] = N_("Choose one of the options.")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", code):
        errors["code"] = N_("Use lower-case letters, digits and hyphens.")
    if any(not label.strip() or len(label) > 120 for label in labels):
        errors["label_fi"] = N_("Give the entry a name in Finnish, Swedish and English.")
    if list_name == "municipality" and region not in REGIONS:
        errors["region"] = N_("Choose one of the options.")
    if errors:
        raise Invalid(errors)
    with transaction() as session:
        known = choices(session=session)
        if code in (known.municipalities if list_name == "municipality" else known.lists[list_name]):
            raise Invalid({"code": N_("The list already has this code.")})
        entry = ActivityChoice(list=list_name, code=code, label_fi=labels[0].strip(), label_sv=labels[1].strip(), label_en=labels[2].strip(), region=region if list_name == "municipality" else "")
        session.add(entry)
        return entry


def choice_entries(viewer: Viewer) -> list[ActivityChoice]:
    """Every entry administrators have in the lists."""
    permissions.require_admin(viewer)
    with transaction() as session:
        return list(session.exec(select(ActivityChoice).order_by(col(ActivityChoice.list), col(ActivityChoice.id))).all())
