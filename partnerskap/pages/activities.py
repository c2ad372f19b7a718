"""The activity directory: search and map, one activity's page, members' own activities and their form, administrators' review."""

import reflex as rx

from partnerskap.components.activity_map import activity_map
from partnerskap.components.forms import choice, field, field_error, field_key, native_select, submit
from partnerskap.components.i18n import T, T_choice
from partnerskap.components.layout import page
from partnerskap.components.links import route_link
from partnerskap.components.markup import sanitised_html
from partnerskap.pages.admin import admin_nav
from partnerskap.i18n import LANGUAGE_NAMES, LANGUAGES, N_
from partnerskap.schemas import ActivityCard, ActivityForReview, MyActivity
from partnerskap.state.activities import ActivitiesState, ActivityReviewState, MyActivitiesState
from partnerskap.state.base import AppState

FINLAND = [64.5, 26.0]
STATUS_LABELS = {
    "draft": N_("Draft"),
    "pending": N_("Waiting for review"),
    "published": N_("Published"),
    "rejected": N_("Sent back"),
    "lapsed": N_("Hidden: not confirmed"),
}
TIMES_OF_DAY = {"": N_("Any time"), "morning": N_("Morning (before 12)"), "afternoon": N_("Afternoon (12–17)"), "evening": N_("Evening (from 17)")}
RECURRENCES = {"once": N_("Once"), "weekly": N_("Every week"), "monthly": N_("Every month")}
WEEKS_OF_MONTH = {"": N_("Not monthly"), "1": N_("First"), "2": N_("Second"), "3": N_("Third"), "4": N_("Fourth"), "5": N_("Last")}
LISTS = {"kind": N_("Kind"), "theme": N_("Theme"), "target": N_("Target group"), "municipality": N_("Municipality")}
FORM = "activity"


def select_from(label: str, name: str, items: rx.Var, *, default: rx.Var | str = "", any_label: str = "", form: str = "") -> rx.Component:
    """A labelled native select of options held in state, with an 'any' choice first when given."""
    key = field_key(name, form)
    return rx.box(
        rx.el.label(T(label), html_for=key, class_name="field-label"),
        native_select(
            *([rx.el.option(T(any_label), value="")] if any_label else []),
            rx.foreach(items, lambda option: rx.el.option(option.label, value=option.value)),
            id=key,
            name=name,
            value=default,
        ),
        field_error(name, form),
        class_name="field",
    )


def checkbox(label: str | rx.Var, name: str, *, checked: rx.Var | bool = False, key: str = "") -> rx.Component:
    """A labelled checkbox (the label is clickable)."""
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, id=key or name, default_checked=checked),
        T(label) if isinstance(label, str) else label,
        class_name="checkbox-label",
    )


def search_form() -> rx.Component:
    """The filters; searching puts them in the address, so a search can be shared."""
    filters = ActivitiesState.filters
    return rx.form(
        rx.grid(
            rx.box(
                rx.el.label(T("Search"), html_for="q", class_name="field-label"),
                rx.input(id="q", name="q", type="search", default_value=filters["q"], width="100%"),
                class_name="field",
            ),
            select_from("Municipality", "municipality", ActivitiesState.municipalities, default=filters["municipality"], any_label=N_("Any municipality")),
            select_from("Region", "region", ActivitiesState.regions, default=filters["region"], any_label=N_("Any region")),
            select_from("Language", "language", ActivitiesState.languages, default=filters["language"], any_label=N_("Any language")),
            select_from("Target group", "target", ActivitiesState.targets, default=filters["target"], any_label=N_("Anyone")),
            select_from("Theme", "theme", ActivitiesState.themes, default=filters["theme"], any_label=N_("Any theme")),
            select_from("Day", "day", ActivitiesState.days, default=filters["day"], any_label=N_("Any day")),
            choice("Time of day", "time", TIMES_OF_DAY, value=filters["time"]),
            columns=rx.breakpoints(initial="1", sm="2", md="4"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            checkbox("Free only", "free", checked=filters["free"] == "1"),
            checkbox("Online only", "online", checked=filters["online"] == "1"),
            rx.button(T("Search"), type="submit", size="3"),
            align="center",
            wrap="wrap",
            spacing="4",
            margin_top="var(--space-3)",
        ),
        on_submit=ActivitiesState.search,
        role="search",
        aria_label=T("Search activities"),
        width="100%",
    )


def result_card(item: ActivityCard) -> rx.Component:
    """One activity in the results."""
    return rx.card(
        rx.vstack(
            rx.link(rx.heading(item.name, as_="h2", size="4"), href="/activities/" + item.id.to(str)),
            rx.text(item.kind, " · ", item.place),
            rx.text(item.when, size="2"),
            rx.cond(item.next_date != "", rx.text(T("Next"), ": ", item.next_date, size="2")),
            rx.hstack(
                rx.cond(item.free, rx.badge(T("Free"), color_scheme="green")),
                rx.cond(item.online, rx.badge(T("Online"), variant="outline")),
                spacing="2",
            ),
            spacing="1",
        ),
        class_name="activity-card",
    )


def map_popup(item: ActivityCard) -> rx.Component:
    """What a marker on the map shows."""
    return rx.el.a(item.name, href="/activities/" + item.id.to(str))


def open_data_links() -> rx.Component:
    """The same search as open data, and the licence it is published under."""
    query = ActivitiesState.open_data_query
    return rx.text(
        T("Open data"),
        ": ",
        route_link("JSON", href="/activities.json?" + query),
        " · ",
        route_link("CSV", href="/activities.csv?" + query),
        " · ",
        route_link("iCalendar", href="/activities.ics?" + query),
        " · ",
        T("Licence"),
        ": ",
        rx.link(ActivitiesState.licence, href=ActivitiesState.licence_url, is_external=True),
        size="2",
        class_name="open-data",
    )


def pager() -> rx.Component:
    """Links to the pages before and after this one."""
    base = ActivitiesState.open_data_query
    return rx.hstack(
        rx.cond(ActivitiesState.page_number > 1, rx.link(T("Previous page"), href="/activities?" + base + "&page=" + (ActivitiesState.page_number - 1).to(str))),
        rx.text(ActivitiesState.page_number, " / ", ActivitiesState.last_page, size="2"),
        rx.cond(ActivitiesState.page_number < ActivitiesState.last_page, rx.link(T("Next page"), href="/activities?" + base + "&page=" + (ActivitiesState.page_number + 1).to(str))),
        spacing="4",
        margin_top="var(--space-4)",
    )


def directory() -> rx.Component:
    """Anyone finds activities by place, language, group, theme and time; results as a list and on a map."""
    return page(
        "Activities",
        rx.text(T("Language cafés, peer groups, advice points, clubs and volunteering near you. No account needed."), margin_bottom="var(--space-3)"),
        rx.cond(AppState.is_member, rx.link(T("My activities"), href="/my-activities", margin_bottom="var(--space-3)", display="block")),
        rx.cond(ActivitiesState.municipalities.length() > 0, search_form()),
        rx.heading(T("Results"), " (", ActivitiesState.total, ")", as_="h2", size="5", margin_top="var(--space-5)", id="results-heading"),
        rx.grid(
            rx.box(
                rx.cond(
                    ActivitiesState.results.length() == 0,
                    rx.text(T("No activities match the search.")),
                    rx.vstack(rx.foreach(ActivitiesState.results, result_card), spacing="3", width="100%"),
                ),
                pager(),
            ),
            activity_map(ActivitiesState.results, ActivitiesState.tile_url, ActivitiesState.tile_attribution, center=FINLAND, zoom=5, label=T("Map of the results"), marker_child=map_popup),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            margin_top="var(--space-3)",
        ),
        open_data_links(),
    )


def fact(label: str, value: rx.Var) -> rx.Component:
    """One labelled fact about the activity, shown only when it has a value."""
    return rx.cond(value != "", rx.el.div(rx.el.dt(T(label)), rx.el.dd(value), class_name="fact"))


def activity_page() -> rx.Component:
    """One activity: what, where, when (its next dates), for whom, cost and accessibility; with schema.org data."""
    activity = ActivitiesState.activity
    return page(
        "Activity",
        rx.cond(
            ActivitiesState.found,
            rx.vstack(
                rx.el.script(activity.structured_data, type="application/ld+json"),
                rx.heading(activity.name, as_="h2", size="6", id="activity-name"),
                rx.text(activity.kind, " · ", activity.organisation),
                rx.box(sanitised_html(activity.description_html), lang=activity.text_language),
                rx.cond(activity.plain != "", rx.box(rx.heading(T("In plain language"), as_="h3", size="4"), rx.text(activity.plain), lang=activity.text_language, class_name="plain-language")),
                rx.heading(T("Next dates"), as_="h3", size="4"),
                rx.cond(
                    activity.next_dates.length() > 0,
                    rx.el.ul(rx.foreach(activity.next_dates, lambda when: rx.el.li(when)), class_name="next-dates"),
                    rx.text(T("No dates coming up.")),
                ),
                rx.el.dl(
                    fact("When", activity.when),
                    fact("Municipality", activity.municipality + ", " + activity.region),
                    fact("Address", activity.address),
                    fact("Online", activity.online_url),
                    fact("Languages", activity.languages),
                    fact("For", activity.target_groups),
                    fact("Themes", activity.themes),
                    fact("Price", activity.price),
                    fact("Contact person", activity.contact_person),
                    fact("E-mail", activity.contact_email),
                    fact("Phone", activity.contact_phone),
                    class_name="facts",
                ),
                rx.hstack(
                    rx.cond(activity.free, rx.badge(T("Free"), color_scheme="green")),
                    rx.cond(activity.registration_required, rx.badge(T("Registration needed"), color_scheme="orange"), rx.badge(T("No registration needed"), variant="outline")),
                    wrap="wrap",
                ),
                rx.heading(T("Accessibility"), as_="h3", size="4"),
                rx.el.ul(
                    rx.cond(activity.step_free, rx.el.li(T("Step-free access"))),
                    rx.cond(activity.hearing_loop, rx.el.li(T("Hearing loop"))),
                    rx.cond(activity.childcare, rx.el.li(T("Childcare available"))),
                    rx.cond(activity.interpretation, rx.el.li(T("Interpretation available"))),
                ),
                rx.cond(activity.accessibility_notes != "", rx.text(activity.accessibility_notes)),
                rx.cond(
                    activity.on_map,
                    activity_map(ActivitiesState.marker, ActivitiesState.tile_url, ActivitiesState.tile_attribution, center=activity.position, zoom=14, label=T("Map"), marker_child=map_popup),
                ),
                rx.link(T("Back to the directory"), href="/activities"),
                spacing="3",
                width="100%",
            ),
            rx.vstack(rx.text(T("This activity is not in the directory (any more).")), rx.link(T("Back to the directory"), href="/activities")),
        ),
    )


def my_activity_row(item: MyActivity) -> rx.Component:
    """One of the member's activities, with what they can do next."""
    return rx.card(
        rx.vstack(
            rx.heading(item.name, as_="h2", size="4"),
            rx.hstack(
                rx.badge(T_choice(item.status, STATUS_LABELS)),
                rx.cond(item.change_waiting, rx.badge(T("Change waiting for review"), color_scheme="orange")),
                wrap="wrap",
            ),
            rx.cond(item.review_note != "", rx.text(T("Reviewer's note"), ": ", item.review_note, size="2")),
            rx.hstack(
                rx.link(T("Edit"), href="/my-activities/edit?id=" + item.id.to(str)),
                rx.cond(item.status == "published", rx.link(T("Public page"), href="/activities/" + item.id.to(str))),
                rx.cond((item.status == "draft") | (item.status == "rejected"), rx.button(T("Send for review"), on_click=MyActivitiesState.send_for_review(item.id), size="2")),
                rx.cond(item.due_confirmation, rx.button(T("Confirm it still runs"), on_click=MyActivitiesState.confirm_running(item.id), size="2", color_scheme="green")),
                rx.button(T("Remove"), on_click=MyActivitiesState.withdraw(item.id), size="2", variant="outline", color_scheme="red"),
                wrap="wrap",
                align="center",
                spacing="3",
            ),
            spacing="2",
        ),
    )


def my_activities() -> rx.Component:
    """The activities a member's organisation offers, as they submitted them."""
    return page(
        "My activities",
        rx.link(T("Add an activity"), href="/my-activities/edit", class_name="button-link"),
        rx.cond(
            MyActivitiesState.mine.length() == 0,
            rx.text(T("You have not added any activities yet."), margin_top="var(--space-4)"),
            rx.vstack(rx.foreach(MyActivitiesState.mine, my_activity_row), spacing="3", margin_top="var(--space-4)", width="100%"),
        ),
    )


def text_field(label: str, name: str, *, required: bool = False, hint: str = "", type: str = "text", max_length: int = 0) -> rx.Component:
    """A field of the activity form, filled with the activity's value."""
    return field(label, name, form=FORM, type=type, required=required, hint=hint, max_length=max_length, default_value=MyActivitiesState.values[name])


def area_field(label: str, name: str, *, max_length: int, hint: str = "") -> rx.Component:
    """A text area of the activity form, filled with the activity's value."""
    key = field_key(name, FORM)
    return rx.box(
        rx.el.label(T(label), html_for=key, class_name="field-label"),
        *([rx.text(T(hint), size="2", color="var(--gray-11)")] if hint else []),
        rx.text_area(id=key, name=name, max_length=max_length, default_value=MyActivitiesState.values[name], aria_describedby=f"{key}-error", width="100%", rows="4"),
        field_error(name, FORM),
        class_name="field",
    )


def checkboxes(legend: str, name: str, items: rx.Var) -> rx.Component:
    """Several choices of one list, each a checkbox named `list__code`."""
    return rx.el.fieldset(
        rx.el.legend(T(legend)),
        rx.flex(
            rx.foreach(
                items,
                lambda option: rx.el.label(
                    rx.el.input(type="checkbox", name=f"{name}__" + option.value, id=f"{FORM}-{name}-" + option.value, default_checked=MyActivitiesState.chosen[f"{name}__" + option.value]),
                    option.label,
                    class_name="checkbox-label",
                ),
            ),
            wrap="wrap",
            spacing="4",
        ),
        field_error(name, FORM),
        id=field_key(name, FORM),
    )


def language_texts(language: str) -> rx.Component:
    """The name, description and plain-language text in one language."""
    return rx.el.fieldset(
        rx.el.legend(LANGUAGE_NAMES[language], lang=language),
        text_field("Name", f"name_{language}", max_length=200),
        area_field("Description (markdown)", f"description_{language}", max_length=5000),
        area_field("In plain language (optional)", f"plain_{language}", max_length=2000, hint="Short sentences and common words, for readers still learning the language."),
    )


def activity_form() -> rx.Component:
    """Every field of an activity; saved as a draft or sent for review."""
    values = MyActivitiesState.values
    chosen = MyActivitiesState.chosen
    return rx.form(
        rx.el.fieldset(
            rx.el.legend(T("Organiser")),
            text_field("Organisation", "organisation", required=True, max_length=160),
            text_field("Contact person (shown publicly)", "contact_person", max_length=120),
            text_field("Contact e-mail (shown publicly)", "contact_email", type="email", max_length=254),
            text_field("Contact phone (shown publicly)", "contact_phone", type="tel", max_length=40),
        ),
        rx.text(T("Write the name and description in at least one language; in each language you name it in, describe it too."), size="2"),
        *[language_texts(language) for language in LANGUAGES],
        rx.el.fieldset(
            rx.el.legend(T("What and for whom")),
            select_from("Kind", "kind", MyActivitiesState.kinds, default=values["kind"], any_label=N_("Choose…"), form=FORM),
            checkboxes("Languages used", "languages", MyActivitiesState.languages),
            checkboxes("Target groups", "target_groups", MyActivitiesState.targets),
            checkboxes("Themes", "themes", MyActivitiesState.themes),
        ),
        rx.el.fieldset(
            rx.el.legend(T("Where")),
            select_from("Municipality", "municipality", MyActivitiesState.municipalities, default=values["municipality"], any_label=N_("Choose…"), form=FORM),
            text_field("Address", "address", max_length=300),
            rx.grid(
                text_field("Latitude", "latitude", hint="For the map, e.g. 60.1699"),
                text_field("Longitude", "longitude", hint="e.g. 24.9384"),
                columns="2",
                spacing="3",
            ),
            rx.foreach(MyActivitiesState.warnings, lambda warning: rx.text(warning, color="var(--orange-11)", role="alert", size="2")),
            checkbox("Online", "online", checked=chosen["online"], key=f"{FORM}-online"),
            text_field("Online address", "online_url", type="url", max_length=500),
        ),
        rx.el.fieldset(
            rx.el.legend(T("When (Finnish time)")),
            choice("Repeats", "recurrence", RECURRENCES, value=values["recurrence"], form=FORM),
            checkboxes("Days", "days", MyActivitiesState.days),
            choice("Week of the month", "week_of_month", WEEKS_OF_MONTH, value=values["week_of_month"], form=FORM),
            rx.grid(
                text_field("First date", "start_date", type="date", required=True),
                text_field("Last date (optional)", "end_date", type="date"),
                text_field("Starts at", "start_time", type="time", required=True),
                text_field("Ends at", "end_time", type="time", required=True),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
            ),
            text_field("Not held on (dates, separated by commas)", "exceptions", hint="e.g. 2026-12-22, 2026-12-29", max_length=2000),
        ),
        rx.el.fieldset(
            rx.el.legend(T("Cost, registration and accessibility")),
            checkbox("Free of charge", "free", checked=chosen["free"], key=f"{FORM}-free"),
            text_field("Price", "price", max_length=100),
            checkbox("Registration needed", "registration_required", checked=chosen["registration_required"], key=f"{FORM}-registration_required"),
            checkbox("Step-free access", "step_free", checked=chosen["step_free"], key=f"{FORM}-step_free"),
            checkbox("Hearing loop", "hearing_loop", checked=chosen["hearing_loop"], key=f"{FORM}-hearing_loop"),
            checkbox("Childcare available", "childcare", checked=chosen["childcare"], key=f"{FORM}-childcare"),
            checkbox("Interpretation available", "interpretation", checked=chosen["interpretation"], key=f"{FORM}-interpretation"),
            text_field("More about accessibility", "accessibility_notes", max_length=1000),
        ),
        checkbox("Send it for review now (otherwise it is saved as a draft)", "for_review", key=f"{FORM}-for_review"),
        rx.box(submit("Save"), margin_top="var(--space-3)"),
        on_submit=MyActivitiesState.save,
        width="100%",
    )


def edit_activity() -> rx.Component:
    """The form that writes a member's activity."""
    return page(
        "Activity details",
        rx.cond(MyActivitiesState.form_ready, activity_form(), rx.text(T("Loading…"))),
        rx.link(T("Back to my activities"), href="/my-activities", margin_top="var(--space-4)"),
    )


def review_card(item: ActivityForReview) -> rx.Component:
    """One activity or change waiting for review."""
    return rx.card(
        rx.vstack(
            rx.heading(item.name, as_="h2", size="4"),
            rx.text(item.organisation, " · ", item.municipality, " · ", item.submitted, size="2"),
            rx.cond(item.is_change, rx.badge(T("Change to a published activity"), color_scheme="orange")),
            rx.text(item.description, size="2"),
            rx.hstack(
                rx.button(T("Publish"), on_click=ActivityReviewState.approve(item.id), color_scheme="green"),
                rx.link(T("Preview"), href="/my-activities/edit?id=" + item.id.to(str)),
                align="center",
                spacing="4",
            ),
            rx.form(
                rx.el.input(type="hidden", name="activity_id", value=item.id.to(str)),
                rx.el.label(T("Note to the organiser"), html_for="note-" + item.id.to(str), class_name="field-label"),
                rx.text_area(name="note", id="note-" + item.id.to(str), required=True, max_length=2000, width="100%"),
                rx.button(T("Send back"), type="submit", variant="soft", color_scheme="red", margin_top="var(--space-2)"),
                on_submit=ActivityReviewState.reject,
                reset_on_submit=True,
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
    )


def choice_form() -> rx.Component:
    """Add an entry to one of the lists activities choose from."""
    return rx.form(
        rx.grid(
            choice("List", "list", LISTS, form="choice"),
            field("Code", "code", form="choice", hint="Lower-case letters, digits and hyphens, e.g. sauna-evening", max_length=60),
            field("Name in Finnish", "label_fi", form="choice", max_length=120),
            field("Name in Swedish", "label_sv", form="choice", max_length=120),
            field("Name in English", "label_en", form="choice", max_length=120),
            select_from("Region (municipalities only)", "region", ActivityReviewState.regions, any_label=N_("Not a municipality"), form="choice"),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
        ),
        rx.box(submit("Add to the list"), margin_top="var(--space-3)"),
        on_submit=ActivityReviewState.add_choice,
        reset_on_submit=True,
    )


def review() -> rx.Component:
    """Administrators publish or send back activities and changes, and keep the lists."""
    return page(
        "Activities to review",
        admin_nav(),
        rx.cond(
            ActivityReviewState.waiting.length() == 0,
            rx.text(T("Nothing is waiting for review.")),
            rx.vstack(rx.foreach(ActivityReviewState.waiting, review_card), spacing="3", width="100%"),
        ),
        rx.heading(T("Lists"), as_="h2", size="5", margin_top="var(--space-6)"),
        rx.text(T("Kinds, themes, target groups and municipalities ship with the platform; entries added here join them."), size="2"),
        rx.el.ul(rx.foreach(ActivityReviewState.entries, lambda entry: rx.el.li(entry.value, " — ", entry.label))),
        choice_form(),
    )

