"""Labels for values that come from the server (statuses, roles, policies), in every language."""

from partnerskap.i18n import N_

KIND_LABELS = {"project": N_("Project"), "event": N_("Event")}
ACCESS_LABELS = {"open": N_("Open: any member can join"), "request": N_("On request: owners accept members"), "invitation": N_("By invitation only")}
LIFECYCLE_LABELS = {"preparing": N_("Being prepared"), "active": N_("Active"), "archived": N_("Archived"), "closed": N_("Closed by the administrators")}
# What an owner may set in the settings: closing is the administrators' (and reopening too).
OWNER_LIFECYCLE_LABELS = {"preparing": N_("Being prepared"), "active": N_("Active"), "archived": N_("Archived")}
WORKSPACE_ROLE_LABELS = {"owner": N_("Owner"), "moderator": N_("Moderator"), "member": N_("Member"), "": N_("Not a member")}
COLOUR_LABELS = {
    "teal": N_("Teal"),
    "blue": N_("Blue"),
    "violet": N_("Violet"),
    "orange": N_("Orange"),
    "crimson": N_("Crimson"),
    "grass": N_("Green"),
}
MEMBERSHIP_STATUS_MESSAGES = {
    "unconfirmed": N_("Confirm your e-mail address: we sent you a link. When it is confirmed, an administrator reviews your application."),
    "pending": N_("Your application is waiting for an administrator's decision. We will tell you by e-mail."),
    "approved": N_("Your membership is approved."),
    "denied": N_("Your membership application was denied."),
    "suspended": N_("Your membership is suspended."),
}
PROFILE_FIELD_LABELS = {
    "picture": N_("Picture"),
    "organisation": N_("Organisation"),
    "organisation_type": N_("Organisation type"),
    "title": N_("Title"),
    "region": N_("Region"),
    "languages": N_("Languages spoken"),
    "themes": N_("Themes of expertise"),
    "bio": N_("About me"),
}
NETWORK_ACCESS_LABELS = {"open": N_("Open: any member can join"), "request": N_("On request: owners accept members")}
NETWORK_KIND_LABELS = {"theme": N_("Theme"), "region": N_("Region"), "organisation": N_("Kind of organisation")}
LIST_KIND_LABELS = {"theme": N_("Themes of expertise"), "region": N_("Region"), "organisation_type": N_("Organisation type")}
