"""People: one's own profile, the member directory with its filters, and a member's page."""

import reflex as rx

from partnerskap.components.forms import choice, field, native_select, submit
from partnerskap.components.i18n import T, T_choice
from partnerskap.components.labels import LIST_KIND_LABELS, PROFILE_FIELD_LABELS
from partnerskap.components.layout import page
from partnerskap.components.report import report_control
from partnerskap.schemas import PersonCardPublic
from partnerskap.state.base import AppState
from partnerskap.state.people import ListsState, PeopleState, ProfileState


def list_select(label: str, name: str, options: rx.Var, value: rx.Var, *, any_label: str) -> rx.Component:
    """A labelled select over a list kept on the server, with an empty first choice."""
    return rx.box(
        rx.el.label(T(label), html_for=name, class_name="field-label"),
        native_select(
            rx.el.option(T(any_label), value=""),
            rx.foreach(options, lambda option: rx.el.option(option.label, value=option.key)),
            id=name,
            name=name,
            value=value,
        ),
        class_name="field",
    )


def labelled_checkbox(name: rx.Var | str, label: rx.Var | str, checked: rx.Var | bool) -> rx.Component:
    """A labelled checkbox (its name carries the key, so several of them make a list)."""
    return rx.el.label(rx.el.input(type="checkbox", name=name, default_checked=checked), " ", label, class_name="check-label")


def checkbox_group(legend: str, prefix: str, options: rx.Var) -> rx.Component:
    """A group of checkboxes, one per entry of a list."""
    return rx.el.fieldset(
        rx.el.legend(T(legend), class_name="field-label"),
        rx.flex(rx.foreach(options, lambda option: labelled_checkbox(prefix + option.key, option.label, option.chosen)), wrap="wrap", gap="3"),
        id=prefix.rstrip("-"),
        class_name="field",
    )


def initials(card: PersonCardPublic) -> rx.Component:
    """The member's initials where their picture would be."""
    return rx.box(card.initials, class_name="avatar-initials", aria_hidden="true")


def profile_page() -> rx.Component:
    """One's own profile: every field, and for each whether visitors may see it."""
    return page(
        "My profile",
        rx.cond(
            ProfileState.loaded,
            rx.form(
                rx.vstack(
                    field("Name", "name", autocomplete="name", max_length=120, default_value=ProfileState.profile_name),
                    field("Organisation", "organisation", autocomplete="organization", required=False, max_length=160, default_value=ProfileState.profile_organisation),
                    list_select("Organisation type", "organisation_type", ProfileState.organisation_types, ProfileState.organisation_type, any_label="Not given"),
                    field("Title", "title", required=False, max_length=120, default_value=ProfileState.title),
                    list_select("Region", "region", ProfileState.regions, ProfileState.region, any_label="Not given"),
                    checkbox_group("Languages spoken", "language-", ProfileState.languages),
                    checkbox_group("Themes of expertise", "theme-", ProfileState.themes),
                    rx.box(
                        rx.el.label(T("About me"), html_for="bio", class_name="field-label"),
                        rx.text_area(id="bio", name="bio", default_value=ProfileState.bio, max_length=1000, width="100%"),
                        class_name="field",
                        width="100%",
                    ),
                    rx.heading(T("Contact"), as_="h2", size="4"),
                    labelled_checkbox("show_email", T("Show my e-mail address to members"), ProfileState.show_email),
                    rx.el.label(
                        rx.el.input(type="checkbox", name="messages_from", value="shared", default_checked=ProfileState.messages_from == "shared"),
                        " ",
                        T("Take messages only from people I share a workspace or network with"),
                        class_name="check-label",
                    ),
                    rx.heading(T("Who sees my profile"), as_="h2", size="4"),
                    rx.text(T("Members see your whole profile. Visitors see nothing of you unless you choose so here, field by field."), size="2"),
                    labelled_checkbox("public", T("Visitors may see that I am a member, and my name"), ProfileState.public),
                    rx.el.fieldset(
                        rx.el.legend(T("Visitors may also see"), class_name="field-label"),
                        rx.flex(rx.foreach(ProfileState.visibility, lambda option: labelled_checkbox("public-" + option.key, T_choice(option.key, PROFILE_FIELD_LABELS), option.chosen)), wrap="wrap", gap="3"),
                        id="public-fields",
                        class_name="field",
                    ),
                    submit("Save"),
                    spacing="4",
                    max_width="40em",
                ),
                on_submit=ProfileState.save,
                aria_label=T("My profile"),
            ),
        ),
    )


def person_card(card: PersonCardPublic) -> rx.Component:
    """One member in the directory: only what the viewer may see."""
    return rx.card(
        rx.hstack(
            initials(card),
            rx.vstack(
                rx.link(rx.heading(card.name, as_="h2", size="4"), href="/people/" + card.id.to(str)),
                rx.cond(card.title != "", rx.text(card.title)),
                rx.cond(card.organisation != "", rx.text(card.organisation)),
                rx.hstack(
                    rx.cond(card.organisation_type != "", rx.badge(card.organisation_type)),
                    rx.cond(card.region != "", rx.badge(card.region, variant="outline")),
                    wrap="wrap",
                ),
                rx.cond(card.themes != "", rx.text(T("Themes of expertise"), ": ", card.themes, size="2")),
                rx.cond(card.languages != "", rx.text(T("Languages spoken"), ": ", card.languages, size="2")),
                spacing="1",
            ),
            align="start",
        ),
        class_name="person-card",
    )


def directory() -> rx.Component:
    """The member directory: filters by theme, region, organisation type and language, combinable, a page at a time."""
    return page(
        "People",
        rx.form(
            rx.flex(
                list_select("Theme", "theme", PeopleState.theme_options, PeopleState.theme, any_label="Any"),
                list_select("Region", "region", PeopleState.region_options, PeopleState.region, any_label="Any"),
                list_select("Organisation type", "organisation_type", PeopleState.organisation_type_options, PeopleState.organisation_type, any_label="Any"),
                list_select("Language", "language", PeopleState.language_options, PeopleState.language, any_label="Any"),
                field("Name or organisation", "text", required=False, max_length=100),
                rx.box(submit("Search"), align_self="end"),
                wrap="wrap",
                gap="3",
            ),
            on_submit=PeopleState.search,
            aria_label=T("Search members"),
        ),
        rx.text(T("Members found"), ": ", rx.el.span(PeopleState.count, id="people-count"), margin_y="var(--space-3)"),
        rx.el.section(rx.foreach(PeopleState.cards, person_card), aria_label=T("Members"), class_name="people-list"),
        rx.hstack(
            rx.cond(PeopleState.page > 1, rx.button(T("Previous"), on_click=PeopleState.turn_page(-1), variant="outline")),
            rx.text(PeopleState.page, " / ", PeopleState.pages),
            rx.cond(PeopleState.page < PeopleState.pages, rx.button(T("Next"), on_click=PeopleState.turn_page(1), variant="outline")),
            align="center",
            margin_top="var(--space-3)",
        ),
    )


def place_links(heading: str, links: rx.Var, prefix: str) -> rx.Component:
    """A titled list of links to places."""
    return rx.cond(
        links.length() > 0,
        rx.box(
            rx.heading(T(heading), as_="h2", size="4"),
            rx.el.ul(rx.foreach(links, lambda link: rx.el.li(rx.link(link.name, href=prefix + link.id.to(str))))),
        ),
    )


def person() -> rx.Component:
    """A member's page: what the viewer may see of them, their networks, shared workspaces, and how to reach them."""
    return page(
        "Member",
        rx.cond(
            PeopleState.found,
            rx.vstack(
                person_card(PeopleState.person),
                rx.cond(PeopleState.person.bio != "", rx.text(PeopleState.person.bio, class_name="bio")),
                rx.cond(PeopleState.person_email != "", rx.text(T("E-mail address"), ": ", rx.link(PeopleState.person_email, href="mailto:" + PeopleState.person_email))),
                rx.hstack(
                    rx.cond(PeopleState.can_write, rx.link(T("Write to them"), href="/messages/new?to=" + PeopleState.person.id.to(str), class_name="button-link", id="write-to")),
                    rx.cond(AppState.is_member & ~PeopleState.is_self, report_control("member", PeopleState.person.id)),
                    align="center",
                    spacing="3",
                ),
                place_links("Networks", PeopleState.person_networks, "/networks/"),
                place_links("Workspaces you share", PeopleState.person_workspaces, "/workspaces/"),
                spacing="4",
                width="100%",
            ),
        ),
    )


def list_entries(heading: str, entries: rx.Var) -> rx.Component:
    """One list's entries."""
    return rx.box(rx.heading(T(heading), as_="h2", size="4"), rx.el.ul(rx.foreach(entries, lambda entry: rx.el.li(entry.label, " (", entry.key, ")"))))


def lists_admin() -> rx.Component:
    """The lists profiles choose from, and the form that adds to them (administrators)."""
    return page(
        "Profile lists",
        rx.form(
            rx.vstack(
                choice("List", "kind", LIST_KIND_LABELS, form="entry"),
                field("Identifier", "key", form="entry", max_length=64),
                field("Name in Finnish", "label_fi", form="entry", max_length=120),
                field("Name in Swedish", "label_sv", form="entry", max_length=120),
                field("Name in English", "label_en", form="entry", max_length=120),
                submit("Add"),
                spacing="3",
                max_width="32em",
            ),
            on_submit=ListsState.add,
            reset_on_submit=True,
            aria_label=T("Add to a list"),
        ),
        list_entries("Themes of expertise", ListsState.themes),
        list_entries("Region", ListsState.regions),
        list_entries("Organisation type", ListsState.organisation_types),
    )
