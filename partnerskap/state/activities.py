"""The activity directory: the public search and pages, members' own activities, and administrators' review."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx
from babel import dates

from partnerskap import settings as config
from partnerskap import offload
from partnerskap.i18n import LANGUAGES, N_, format_date, format_datetime, t
from partnerskap.models import Activity
from partnerskap.schemas import ActivityCard, ActivityForReview, ActivityPage, MyActivity, Option
from partnerskap.services import activities, activity_data, markdown
from partnerskap.services.activities import ActivityForm, Choices, Query
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.municipalities import REGIONS
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, guarded

WEEKS = {1: N_("First {day} of the month"), 2: N_("Second {day} of the month"), 3: N_("Third {day} of the month"), 4: N_("Fourth {day} of the month"), 5: N_("Last {day} of the month")}
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
MULTIPLE = ("languages", "target_groups", "themes", "days")


def day_names(language: str) -> list[str]:
    """Monday to Sunday in a language."""
    names = dates.get_day_names("wide", locale=BABEL_LOCALES[language if language in LANGUAGES else "fi"])
    return [names[index] for index in range(7)]


def schedule_text(activity: Activity, language: str) -> str:
    """When an activity is held, in words: a date, every weekday or a week of the month; with its hours."""
    hours = f"{activity.start_time}–{activity.end_time}"
    names = day_names(language)
    days = [names[index] for index in range(7) if activity.weekdays & (1 << index)]
    if activity.recurrence == "once":
        return f"{format_date(activity.start_date, language)} {hours}"
    if activity.recurrence == "monthly":
        return f"{t(WEEKS.get(activity.week_of_month, WEEKS[1]), language, day=days[0] if days else '')} {hours}"
    return f"{t(N_('Every {days}'), language, days=', '.join(days))} {hours}"


def _next_date(activity: Activity, language: str) -> str:
    upcoming = activities.occurrences(activity, count=1)
    return format_datetime(upcoming[0][0], language) if upcoming else ""


def _labels(known: Choices, list_name: str, stored: str, language: str) -> str:
    return ", ".join(known.label(list_name, code, language) for code in activities.codes(stored))


def card(activity: Activity, known: Choices, language: str) -> ActivityCard:
    """An activity as one result of the directory."""
    place = known.label("municipality", activity.municipality, language)
    return ActivityCard(
        id=activity.id or 0,
        name=activities.display_name(activity, language),
        kind=known.label("kind", activity.kind, language),
        place=f"{place} · {t(N_('Online'), language)}" if activity.online else place,
        when=schedule_text(activity, language),
        next_date=_next_date(activity, language),
        free=activity.free,
        online=activity.online,
        on_map=activity.latitude is not None and not activity.online,
        position=[activity.latitude or 0.0, activity.longitude or 0.0],
    )


def structured_data(activity: Activity, language: str) -> str:
    """schema.org Event (with its Place or online location) for search engines, as JSON-LD safe inside a script element."""
    upcoming = activities.occurrences(activity, count=1)
    description, _ = activities.text_in(activity, "description", language)
    place: dict = {"@type": "Place", "name": activity.address, "address": {"@type": "PostalAddress", "streetAddress": activity.address, "addressCountry": "FI"}}
    if activity.latitude is not None and activity.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": activity.latitude, "longitude": activity.longitude}
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": activities.display_name(activity, language),
        "description": description,
        "url": activity_data.activity_url(activity.id or 0),
        "organizer": {"@type": "Organization", "name": activity.organisation},
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode" if activity.online else "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "VirtualLocation", "url": activity.online_url} if activity.online else place,
        "inLanguage": list(activities.codes(activity.languages)),
        "isAccessibleForFree": activity.free,
    }
    if upcoming:
        data["startDate"], data["endDate"] = upcoming[0][0].isoformat(), upcoming[0][1].isoformat()
    if activity.recurrence != "once":
        data["eventSchedule"] = {
            "@type": "Schedule",
            "repeatFrequency": "P1W" if activity.recurrence == "weekly" else "P1M",
            "byDay": [f"https://schema.org/{name}" for index, name in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")) if activity.weekdays & (1 << index)],
            "startTime": activity.start_time,
            "endTime": activity.end_time,
            "startDate": activity.start_date.isoformat(),
            "scheduleTimezone": activity.time_zone,
        }
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def page_of(activity: Activity, known: Choices, language: str) -> ActivityPage:
    """A published activity as its page shows it, in the visitor's language where the organiser wrote one."""
    description, text_language = activities.text_in(activity, "description", language)
    plain, _ = activities.text_in(activity, "plain", text_language)
    return ActivityPage(
        id=activity.id or 0,
        name=activities.display_name(activity, language),
        description_html=markdown.render(description),
        plain=plain,
        text_language=text_language,
        kind=known.label("kind", activity.kind, language),
        organisation=activity.organisation,
        contact_person=activity.contact_person,
        contact_email=activity.contact_email,
        contact_phone=activity.contact_phone,
        municipality=known.label("municipality", activity.municipality, language),
        region=known.label("region", activity.region, language),
        address=activity.address,
        online=activity.online,
        online_url=activity.online_url,
        languages=_labels(known, "language", activity.languages, language),
        target_groups=_labels(known, "target", activity.target_groups, language),
        themes=_labels(known, "theme", activity.themes, language),
        when=schedule_text(activity, language),
        next_dates=[format_datetime(starts, language) for starts, _ends in activities.occurrences(activity)],
        free=activity.free,
        price=activity.price,
        registration_required=activity.registration_required,
        step_free=activity.step_free,
        hearing_loop=activity.hearing_loop,
        childcare=activity.childcare,
        interpretation=activity.interpretation,
        accessibility_notes=activity.accessibility_notes,
        structured_data=structured_data(activity, language),
        on_map=activity.latitude is not None and not activity.online,
        position=[activity.latitude or 0.0, activity.longitude or 0.0],
    )


def options(known: Choices, list_name: str, language: str) -> list[Option]:
    """A list's entries as options, sorted by their label in the language."""
    if list_name == "municipality":
        codes = known.municipalities
    elif list_name == "region":
        codes = REGIONS
    elif list_name == "language":
        codes = activities.ACTIVITY_LANGUAGES
    else:
        codes = known.lists[list_name]
    return sorted((Option(value=code, label=known.label(list_name, code, language)) for code in codes), key=lambda option: option.label.lower())


def _form_values(form: dict) -> dict:
    """A submitted form's values: checkboxes named `list__code` gathered into lists."""
    values: dict = {name: [] for name in MULTIPLE}
    for key, value in form.items():
        name, _, code = str(key).partition("__")
        if code and name in MULTIPLE:
            if value not in ("", False, None):
                values[name].append(code)
        else:
            values[key] = value
    return values


class ActivitiesState(AppState):
    """The public directory: search with filters kept in the address, results as a list and on a map, one activity's page."""

    results: list[ActivityCard] = []
    total: int = 0
    page_number: int = 1
    last_page: int = 1
    filters: dict[str, str] = {}
    address: str = "/activities"
    municipalities: list[Option] = []
    regions: list[Option] = []
    languages: list[Option] = []
    targets: list[Option] = []
    themes: list[Option] = []
    days: list[Option] = []
    activity: ActivityPage = ActivityPage()
    marker: list[ActivityCard] = []
    found: bool = True

    def _fill_options(self, known: Choices) -> None:
        self.municipalities = options(known, "municipality", self.lang)
        self.regions = options(known, "region", self.lang)
        self.languages = options(known, "language", self.lang)
        self.targets = options(known, "target", self.lang)
        self.themes = options(known, "theme", self.lang)
        self.days = [Option(value=code, label=name) for code, name in zip(activities.DAYS, day_names(self.lang), strict=True)]

    @guarded(Access.PUBLIC, loads_page=True)
    async def load_directory(self, viewer: Viewer | None):
        """Search with the filters in the page's address and show the results."""
        params = {name: value for name, value in self.router._page.params.items() if isinstance(value, str)}
        known = await offload.read(activities.choices)
        self._fill_options(known)
        try:
            query = Query.parse(params, known=known)
        except Invalid:
            self._say(N_("Some filters in the address were not understood and are left out."))
            query = Query.parse({name: value for name, value in params.items() if name in ("q",)}, known=known)
        found = await offload.read(activities.search, query)
        self.filters = {name: str(params.get(name, "")) if name in query.as_params() else "" for name in Query.PARAMETERS}
        self.results = [card(activity, known, self.lang) for activity in found.activities]
        self.total = found.total
        self.page_number = found.page
        self.last_page = max(1, -(-found.total // found.per_page))
        self.address = "/activities?" + urlencode({**query.as_params(), **({"page": str(query.page)} if query.page > 1 else {})})

    @guarded(Access.PUBLIC)
    async def search(self, viewer: Viewer | None, form: dict):
        """Go to the address of the chosen filters, so the search can be shared and the back button works."""
        params = {name: str(form.get(name, "") or "").strip() for name in Query.PARAMETERS}
        params["free"] = "1" if form.get("free") not in (None, "", False) else ""
        params["online"] = "1" if form.get("online") not in (None, "", False) else ""
        return rx.redirect("/activities?" + urlencode({name: value for name, value in params.items() if value}))

    @guarded(Access.PUBLIC, loads_page=True)
    async def load_activity(self, viewer: Viewer | None):
        """Show one published activity (or that there is none at this address)."""
        activity_id = self._route_id("activity_id")
        known = await offload.read(activities.choices)
        try:
            activity = await offload.read(activities.published, activity_id)
        except Refused:
            self.found = False
            self.activity = ActivityPage()
            self.marker = []
            return
        self.found = True
        self.activity = page_of(activity, known, self.lang)
        self.marker = [card(activity, known, self.lang)]

    @rx.var
    def tile_url(self) -> str:
        """The map tile server's address template ('' shows no map)."""
        return config.settings.map_tile_url

    @rx.var
    def tile_attribution(self) -> str:
        """Whose tiles the map shows."""
        return config.settings.map_attribution

    @rx.var
    def licence(self) -> str:
        """The open licence of the directory's data."""
        return config.settings.open_data_licence

    @rx.var
    def licence_url(self) -> str:
        """Where the licence's terms are."""
        return config.settings.open_data_licence_url

    @rx.var
    def open_data_query(self) -> str:
        """The current filters as the open-data routes take them."""
        return urlencode({name: value for name, value in self.filters.items() if value})


class MyActivitiesState(AppState):
    """A member's own activities: the list, the form that writes one, sending it for review and confirming it still runs."""

    mine: list[MyActivity] = []
    editing: int = 0
    form_ready: bool = False
    values: dict[str, str] = {}
    chosen: dict[str, bool] = {}
    kinds: list[Option] = []
    municipalities: list[Option] = []
    languages: list[Option] = []
    targets: list[Option] = []
    themes: list[Option] = []
    days: list[Option] = []
    warnings: list[str] = []

    async def _load_mine(self, viewer: Viewer) -> None:
        rows = await offload.read(activities.mine, viewer)
        self.mine = [
            MyActivity(
                id=row.id or 0,
                name=activities.display_name(row, self.lang),
                status=row.status,
                change_waiting=bool(row.proposed),
                review_note=row.review_note,
                due_confirmation=activities.due_confirmation(row),
            )
            for row in rows
        ]

    @guarded(Access.MEMBER, loads_page=True)
    async def load_mine(self, viewer: Viewer):
        """Fill the member's list of their activities."""
        # The form's fields take their values when they appear: the next form must not appear with this one's.
        self.form_ready = False
        await self._load_mine(viewer)

    @guarded(Access.MEMBER, loads_page=True)
    async def load_form(self, viewer: Viewer):
        """Open the form: empty for a new activity, or the member's activity (its waiting change) to edit."""
        self.form_ready = False
        self.warnings = []
        self.editing = self._route_id("id")
        form = await offload.read(activities.editable, viewer, self.editing) if self.editing else ActivityForm(organisation=viewer.organisation, contact_person=viewer.name)
        known = await offload.read(activities.choices)
        self.kinds = options(known, "kind", self.lang)
        self.municipalities = options(known, "municipality", self.lang)
        self.languages = options(known, "language", self.lang)
        self.targets = options(known, "target", self.lang)
        self.themes = options(known, "theme", self.lang)
        self.days = [Option(value=code, label=name) for code, name in zip(activities.DAYS, day_names(self.lang), strict=True)]
        self.values = {name: str(value) for name, value in vars(form).items() if not isinstance(value, (tuple, bool))}
        self.chosen = {f"{name}__{code}": True for name in MULTIPLE for code in getattr(form, name)}
        self.chosen.update({name: value for name, value in vars(form).items() if isinstance(value, bool)})
        self.form_ready = True

    @guarded(Access.MEMBER, form="activity")
    async def save(self, viewer: Viewer, form: dict):
        """Save the activity as a draft, or send it for review; a published one's change waits for review."""
        values = _form_values(form)
        for_review = values.pop("for_review", None) not in (None, "", False)
        activity, warnings = await offload.write(activities.save, viewer, ActivityForm.of(values), self.editing, for_review=for_review)
        self.warnings = [t(warning, self.lang) for warning in warnings]
        if warnings:
            self.editing = activity.id or 0
            self._say(N_("Saved, with a warning: check the fields marked."))
            return None
        self._say(N_("Sent for review. An administrator publishes it.") if for_review or activity.status == activities.PUBLISHED else N_("Saved as a draft."))
        return rx.redirect("/my-activities")

    @guarded(Access.MEMBER)
    async def send_for_review(self, viewer: Viewer, activity_id: int):
        """Ask an administrator to publish a draft."""
        await offload.write(activities.send_for_review, viewer, int(activity_id))
        self._say(N_("Sent for review. An administrator publishes it."))
        await self._load_mine(viewer)

    @guarded(Access.MEMBER)
    async def confirm_running(self, viewer: Viewer, activity_id: int):
        """Confirm that the activity still runs, so it stays in the directory."""
        await offload.write(activities.confirm_running, viewer, int(activity_id))
        self._say(N_("Thank you: the activity stays in the directory."))
        await self._load_mine(viewer)

    @guarded(Access.MEMBER)
    async def withdraw(self, viewer: Viewer, activity_id: int):
        """Remove an activity for good."""
        await offload.write(activities.withdraw, viewer, int(activity_id))
        self._say(N_("The activity was removed."))
        await self._load_mine(viewer)


class ActivityReviewState(AppState):
    """Administrators' review of new activities and changes, and the lists they keep."""

    waiting: list[ActivityForReview] = []
    entries: list[Option] = []
    regions: list[Option] = []

    async def _load(self, viewer: Viewer) -> None:
        known = await offload.read(activities.choices)
        rows = await offload.read(activities.review_queue, viewer)
        self.waiting = [
            ActivityForReview(
                id=row.id or 0,
                name=activities.display_name(row, self.lang) + (f" → {activities.display_name(Activity(**_proposed_names(row)), self.lang)}" if row.proposed else ""),
                organisation=row.organisation,
                municipality=known.label("municipality", row.municipality, self.lang),
                description=activities.text_in(row, "description", self.lang)[0][:500],
                is_change=bool(row.proposed),
                submitted=format_datetime(row.updated_at, self.lang),
            )
            for row in rows
        ]
        self.entries = [Option(value=f"{entry.list}: {entry.code}", label=getattr(entry, f"label_{self.lang}" if self.lang in LANGUAGES else "label_fi")) for entry in await offload.read(activities.choice_entries, viewer)]
        self.regions = options(known, "region", self.lang)

    @guarded(Access.ADMIN, loads_page=True)
    async def load(self, viewer: Viewer):
        """Fill the review view."""
        (await self.get_state(MyActivitiesState)).form_ready = False  # a preview opens the form afresh (see load_mine)
        await self._load(viewer)

    @guarded(Access.ADMIN)
    async def approve(self, viewer: Viewer, activity_id: int):
        """Publish an activity, or its change."""
        await offload.write(activities.approve, viewer, int(activity_id))
        self._say(N_("The activity is published."))
        await self._load(viewer)

    @guarded(Access.ADMIN, form="reject")
    async def reject(self, viewer: Viewer, form: dict):
        """Send an activity (or its change) back to the organiser with a note."""
        await offload.write(activities.reject, viewer, int(form["activity_id"]), str(form.get("note", "")))
        self._say(N_("The organiser sees your note."))
        await self._load(viewer)

    @guarded(Access.ADMIN, form="choice")
    async def add_choice(self, viewer: Viewer, form: dict):
        """Add a kind, theme, target group or municipality to its list."""
        labels = (str(form.get("label_fi", "")), str(form.get("label_sv", "")), str(form.get("label_en", "")))
        await offload.write(activities.add_choice, viewer, str(form.get("list", "")), str(form.get("code", "")), labels, str(form.get("region", "")))
        self._say(N_("The entry was added."))
        await self._load(viewer)


def _proposed_names(activity: Activity) -> dict:
    proposed = json.loads(activity.proposed)
    return {f"name_{language}": proposed.get(f"name_{language}", "") for language in LANGUAGES}
