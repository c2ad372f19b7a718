"""Terms of use, privacy notice and accessibility statement."""

import reflex as rx

from partnerskap.components.forms import field, submit, textarea_field
from partnerskap.components.i18n import T
from partnerskap.components.layout import page
from partnerskap.i18n import N_
from partnerskap.services import accessibility as statement
from partnerskap.state.accessibility import AccessibilityState
from partnerskap.state.base import AppState

TERMS = [
    N_("The Partnership Platform is a meeting place for organisations and people who work on integration, immigration and refugee reception. Membership is free; an administrator approves new members."),
    N_("You keep the copyright of everything you upload or write here. By uploading you confirm that you hold the rights to the material or have permission to share it, and you are responsible for it."),
    N_("Do not upload or publish material that is illegal, infringes others' rights, or discloses personal data without a lawful basis. Administrators may hide or remove such content, close workspaces and suspend accounts."),
    N_("Keep your own copies of important material: the platform is a place to work together, not an archive."),
]
PRIVACY = [
    N_("We process your name, e-mail address, organisation and what you write or upload, to run the platform and your membership."),
    N_("Your password is stored only as a salted Argon2id hash. The session cookie is strictly necessary and set only when you log in."),
    N_("Administrators of this instance can see membership applications, the e-mail the platform sends and the audit log of their decisions."),
    N_("You can download all your data and delete your account yourself on your account page, or ask the administrators of this instance to show, correct or delete your data."),
    N_("When you delete your account, your profile is erased at once; your posts and documents stay under the name “Former member” or are removed, as you choose. The record of administrators' and moderators' decisions keeps its entries about you, and the disclosure log its downloads."),
    N_("Backups are made every night and kept for 14 days: what you delete leaves the backups within 14 days, when the last backup that holds it is deleted. A backup is restored only to recover the instance, never to bring back deleted accounts."),
    N_("The transparency report publishes how many reports and moderation decisions there were each month, without naming anyone."),
]
STATEMENT_INTRO = [
    N_("This statement covers the Partnership Platform at this address. Finnish law (the Act on the Provision of Digital Services, 306/2019) requires public-sector services to meet the WCAG 2.1 level AA criteria and to publish an accessibility statement."),
    N_("Every page can be used with a keyboard, starts with a link that skips to the content, fits a phone screen, and is available in Finnish, Swedish and English."),
]
COMPLIANCE = N_("The platform partially meets the WCAG 2.1 level AA requirements: the gaps we know of are listed below.")
KNOWN_GAPS = [
    N_("Documents that members upload (PDF and office files) are not checked for accessibility: whoever uploads a document is responsible for it."),
    N_("The activity map is a picture: every activity on it is also in the list beside it, which works with a keyboard and a screen reader."),
    N_("The automated checks cover every page in Finnish, Swedish and English as a visitor, a member, a workspace owner and an administrator (not every page in every language for every one of them), the main pages at 200 % zoom and, with the keyboard alone, registering, logging in, uploading, reporting, moderating and logging out; not yet every other journey."),
]
FEEDBACK = N_("If you find a barrier, tell us with this form. The administrators of this instance receive it in the platform and by e-mail, and answer within 14 days.")
ENFORCEMENT = N_("If you are not satisfied with the answer, or get no answer within 14 days, you can report it to the authority that supervises accessibility in Finland. Its name and contact details are kept up to date at saavutettavuusvaatimukset.fi.")
ENFORCEMENT_LINK = "https://www.saavutettavuusvaatimukset.fi/"
ENFORCEMENT_LINK_TEXT = N_("The supervising authority's accessibility site (saavutettavuusvaatimukset.fi)")


def _text_page(paragraphs: list[str], title: str) -> rx.Component:
    return page(title, *[rx.text(T(paragraph), margin_bottom="var(--space-3)", max_width="46em") for paragraph in paragraphs])


def terms() -> rx.Component:
    """The terms of use."""
    return _text_page(TERMS, N_("Terms of use"))


def privacy() -> rx.Component:
    """The privacy notice."""
    return _text_page(PRIVACY, N_("Privacy notice"))


def _last_check() -> rx.Component:
    """The date and result of the last automated check, as the browser suite recorded it (the same for everyone)."""
    found = statement.last_check()
    if found is None:
        return rx.text(T("No automated check has been recorded yet."), id="last-check")
    return rx.el.dl(
        rx.el.div(rx.el.dt(T("Date")), rx.el.dd(found.date), class_name="fact"),
        rx.el.div(rx.el.dt(T("Pages checked (as a visitor, a member and an administrator)")), rx.el.dd(str(found.pages)), class_name="fact"),
        rx.el.div(rx.el.dt(T("Serious or critical problems found")), rx.el.dd(str(found.problems)), class_name="fact"),
        rx.el.div(rx.el.dt(T("Tools")), rx.el.dd(T("axe-core (WCAG 2.1 A and AA) in Chromium, and the width of every page on a 360 px phone")), class_name="fact"),
        class_name="facts check-facts",
        id="last-check",
    )


def _feedback_form() -> rx.Component:
    return rx.cond(
        AccessibilityState.feedback_sent,
        rx.callout.root(rx.callout.text(T("Thank you. The administrators received your feedback and will answer within 14 days.")), id="feedback-sent", role="status"),
        rx.form(
            textarea_field("What did you find, and on which page?", "text", form="feedback", max_length=statement.FEEDBACK_MAX),
            rx.cond(
                AppState.signed_in,
                field("Your e-mail address for the answer (leave empty to use your account's)", "contact", form="feedback", type="email", autocomplete="email", required=False),
                field("Your e-mail address for the answer", "contact", form="feedback", type="email", autocomplete="email"),
            ),
            rx.box(submit("Send feedback"), margin_top="var(--space-2)"),
            on_submit=AccessibilityState.send_feedback,
            aria_label=T("Accessibility feedback"),
            max_width="46em",
        ),
    )


def _section(heading: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(rx.heading(T(heading), as_="h2", size="5"), *children, class_name="statement-section")


def accessibility() -> rx.Component:
    """The accessibility statement: status, known gaps, the last automated check, feedback and the supervising authority."""
    paragraph = lambda message: rx.text(T(message), margin_bottom="var(--space-3)")  # noqa: E731
    return page(
        N_("Accessibility statement"),
        rx.box(*[paragraph(text) for text in STATEMENT_INTRO], max_width="46em"),
        _section(N_("Compliance status"), paragraph(COMPLIANCE)),
        _section(N_("Known gaps"), rx.el.ul(*[rx.el.li(T(gap), margin_bottom="var(--space-2)") for gap in KNOWN_GAPS], class_name="gap-list")),
        _section(N_("Last automated check"), _last_check()),
        _section(N_("Feedback"), paragraph(FEEDBACK), _feedback_form()),
        _section(N_("Enforcement"), paragraph(ENFORCEMENT), rx.link(T(ENFORCEMENT_LINK_TEXT), href=ENFORCEMENT_LINK, is_external=True)),
    )
