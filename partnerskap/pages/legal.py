"""Terms of use, privacy notice and accessibility statement."""

import reflex as rx

from partnerskap.components.i18n import T
from partnerskap.components.layout import page
from partnerskap.i18n import N_

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
ACCESSIBILITY = [
    N_("We aim to meet the WCAG 2.1 level AA criteria, as Finnish law requires of public-sector services."),
    N_("Every page can be used with a keyboard, starts with a link that skips to the content, and is available in Finnish, Swedish and English. Automated checks run on every page in our tests."),
    N_("If you find a barrier, tell the administrators of this instance; we answer within 14 days."),
]


def _text_page(paragraphs: list[str], title: str) -> rx.Component:
    return page(title, *[rx.text(T(paragraph), margin_bottom="3", max_width="46em") for paragraph in paragraphs])


def terms() -> rx.Component:
    """The terms of use."""
    return _text_page(TERMS, N_("Terms of use"))


def privacy() -> rx.Component:
    """The privacy notice."""
    return _text_page(PRIVACY, N_("Privacy notice"))


def accessibility() -> rx.Component:
    """The accessibility statement."""
    return _text_page(ACCESSIBILITY, N_("Accessibility statement"))
