"""Registering, confirming, logging in, resetting and changing passwords, and one's own profile."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from partnerskap import offload
from partnerskap.api import safe_next
from partnerskap.i18n import N_, format_date, format_datetime
from partnerskap.services import accounts, avatars, sessions
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.sessions import Viewer
from partnerskap.state.base import Access, AppState, cookie_value, guarded

NO_LOGIN_COOKIE = N_("Your browser did not keep this site's login cookie. Allow cookies for this site, reload the page and log in again.")


def _form_text(form: dict, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


class AccountState(AppState):
    """The viewer's own account."""

    registered: bool = False
    reset_requested: bool = False
    confirmed: bool = False
    password_changed: bool = False
    status_reason: str = ""
    suspended_until: str = ""
    appeal_case: int = 0
    email: str = ""
    organisation: str = ""
    member_since: str = ""
    email_confirmed: bool = True

    @guarded(Access.PUBLIC)
    async def register(self, viewer: Viewer | None, form: dict):
        """Create an account from the registration form; an address that has one already gets the same answer."""
        self.registered = False
        registration = accounts.Registration(
            name=_form_text(form, "name"),
            email=_form_text(form, "email"),
            organisation=_form_text(form, "organisation"),
            password=_form_text(form, "password"),
            accepted_terms=form.get("terms") in (True, "on", "true"),
            language=self._visitors_language(),
        )
        await offload.write(accounts.register, registration, self._client_address())
        self.registered = True

    @guarded(Access.PUBLIC, loads_page=True)
    async def begin_login(self, viewer: Viewer | None):
        """Make sure this browser holds its login value before the person types anything (one trip through /auth/begin)."""
        if cookie_value(self.router.headers.cookie, sessions.LOGIN_COOKIE):
            return
        query = self.router.url.query_parameters
        if query.get("began"):
            raise Refused(NO_LOGIN_COOKIE)
        login_page = "/login?" + urlencode({"began": "1", "next": safe_next(query.get("next", "/status"))})
        self._load_page("/auth/begin?" + urlencode({"next": login_page}))

    @guarded(Access.PUBLIC)
    async def log_in(self, viewer: Viewer | None, form: dict):
        """Check the credentials, then let the cookie route start the session in this very browser."""
        browser = cookie_value(self.router.headers.cookie, sessions.LOGIN_COOKIE)
        if not browser:
            raise Refused(NO_LOGIN_COOKIE)
        ticket = await offload.write(accounts.log_in, _form_text(form, "email"), _form_text(form, "password"), self._client_address(), browser=browser)
        destination = safe_next(self.router.url.query_parameters.get("next", "/home"))
        self._load_page("/auth/complete?" + urlencode({"ticket": ticket, "next": destination}))

    @guarded(Access.PUBLIC)
    async def request_reset(self, viewer: Viewer | None, form: dict):
        """E-mail a password reset link; the answer is the same whether or not the account exists."""
        await offload.write(accounts.request_password_reset, _form_text(form, "email"), self._client_address())
        self.reset_requested = True

    @guarded(Access.PUBLIC)
    async def reset_password(self, viewer: Viewer | None, form: dict):
        """Set a new password from the e-mailed link."""
        token = self.router.url.query_parameters.get("token", "")
        await offload.write(accounts.reset_password, token, _form_text(form, "password"))
        self._say_on_arrival(N_("Your password was changed. Log in with the new password."))
        return rx.redirect("/login")

    @guarded(Access.PUBLIC, loads_page=True)
    async def confirm_email(self, viewer: Viewer | None):
        """Confirm the e-mail address from the link in the query string."""
        self.confirmed = False
        await offload.write(accounts.confirm_email, self.router.url.query_parameters.get("token", ""))
        self.confirmed = True

    @guarded(Access.SIGNED_IN, loads_page=True)
    async def load_status(self, viewer: Viewer):
        """Show where the viewer's membership stands."""
        found = await offload.read(accounts.standing, viewer.id)
        self.status_reason, self.appeal_case = found.reason, found.appealable_case
        self.suspended_until = format_date(found.suspended_until, self.lang) if found.suspended_until else ""

    @guarded(Access.SIGNED_IN)
    async def resend_confirmation(self, viewer: Viewer):
        """Send a new confirmation link."""
        await offload.write(accounts.resend_confirmation, viewer.id)
        self._say(N_("We sent a new confirmation link."))

    @guarded(Access.MEMBER, loads_page=True)
    async def load_account(self, viewer: Viewer):
        """Fill the account page."""
        self.email = viewer.email
        self.organisation = viewer.organisation
        self.password_changed = False
        account = await offload.read(accounts.own_account, viewer.id)
        self.member_since = format_datetime(account.created_at, self.lang)
        self.email_confirmed = account.email_confirmed_at is not None

    @guarded(Access.MEMBER)
    async def save_profile(self, viewer: Viewer, form: dict):
        """Change one's name and organisation."""
        user = await offload.write(accounts.update_profile, viewer.id, name=_form_text(form, "name"), organisation=_form_text(form, "organisation"))
        self.viewer_name = user.name
        self.organisation = user.organisation
        self._say(N_("Your profile was saved."))

    @guarded(Access.MEMBER, background=True, upload=True, form="picture")
    async def receive_picture(self, viewer: Viewer, chunks: rx.UploadChunkIterator):
        """Take one picture as it arrives (at most 5 MB, read no further) and keep it as the member's own, resized and stripped."""
        self._check_upload_session()
        received, first = bytearray(), None
        async for chunk in chunks:
            first = first or chunk.filename
            received += chunk.data
            if chunk.filename != first or len(received) > avatars.MAX_BYTES:
                raise Invalid({"avatar": avatars.NOT_A_PICTURE})
        key = await offload.write(avatars.set_picture, viewer, bytes(received))
        async with self:
            self.viewer_picture = avatars.picture_url(viewer.id, key)
            self._say(N_("Your picture was saved."))

    @guarded(Access.MEMBER)
    async def remove_picture(self, viewer: Viewer):
        """Show initials instead of a picture."""
        await offload.write(avatars.remove_picture, viewer)
        self.viewer_picture = ""
        self._say(N_("Your picture was removed."))

    @guarded(Access.SIGNED_IN)
    async def change_password(self, viewer: Viewer, form: dict):
        """Change the password; every session ends, so the member logs in again."""
        await offload.write(accounts.change_password, viewer.id, _form_text(form, "current_password"), _form_text(form, "new_password"))
        self._say(N_("Your password was changed. Log in with the new password."))
        self._load_page("/auth/logout")

    @guarded(Access.SIGNED_IN)
    async def log_out_everywhere(self, viewer: Viewer):
        """End every session of the viewer, on every device, then clear this browser's cookie."""
        await offload.write(sessions.revoke_everywhere, viewer.id)
        self._load_page("/auth/logout")
