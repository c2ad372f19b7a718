"""Registering, confirming, logging in, resetting and changing passwords, and one's own profile."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from partnerskap import offload
from partnerskap.api import safe_next
from partnerskap.i18n import N_, format_date, format_datetime
from partnerskap.services import accounts, avatars, privacy, sessions, two_factor
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
    # Two-factor sign-in: the step after the password ("code", "enrol" or ""), a new secret and its QR code while
    # enrolling, the recovery codes shown once, and whether the member's own account has it on.
    second_factor_step: str = ""
    enrol_secret: str = ""
    enrol_qr_code: str = ""
    recovery_codes: list[str] = []
    two_factor_on: bool = False
    _waiting_ticket: str = ""

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
        login_page = "/login?" + urlencode({"began": "1", "next": safe_next(query.get("next", "/home"))})
        self._load_page("/auth/begin?" + urlencode({"next": login_page}))

    @guarded(Access.PUBLIC)
    async def log_in(self, viewer: Viewer | None, form: dict):
        """Check the credentials, then let the cookie route start the session in this very browser (after a second factor when one is due)."""
        browser = self._browser()
        signed_in = await offload.write(accounts.log_in, _form_text(form, "email"), _form_text(form, "password"), self._client_address(), browser=browser)
        if signed_in.step == two_factor.Step.SESSION:
            self._complete_sign_in(signed_in.ticket)
            return
        self._waiting_ticket = signed_in.ticket
        self.recovery_codes = []
        if signed_in.step == two_factor.Step.ENROL:
            self._show_enrolment(await offload.write(two_factor.begin_at_sign_in, signed_in.ticket, browser=browser))
        self.second_factor_step = signed_in.step

    def _browser(self) -> str:
        browser = cookie_value(self.router.headers.cookie, sessions.LOGIN_COOKIE)
        if not browser:
            raise Refused(NO_LOGIN_COOKIE)
        return browser

    def _complete_sign_in(self, ticket: str) -> None:
        destination = safe_next(self.router.url.query_parameters.get("next", "/home"))
        self.second_factor_step = self._waiting_ticket = ""
        self._load_page("/auth/complete?" + urlencode({"ticket": ticket, "next": destination}))

    def _show_enrolment(self, enrolment: two_factor.Enrolment) -> None:
        self.enrol_secret = enrolment.secret
        self.enrol_qr_code = enrolment.qr_code

    @guarded(Access.PUBLIC)
    async def restart_sign_in(self, viewer: Viewer | None):
        """Back to the password form (a waiting sign-in expires after five minutes)."""
        self.second_factor_step = self._waiting_ticket = self.enrol_secret = self.enrol_qr_code = ""
        self.recovery_codes = []

    @guarded(Access.PUBLIC, form="second-factor")
    async def enter_code(self, viewer: Viewer | None, form: dict):
        """Finish signing in with the authenticator's code or a recovery code."""
        ticket = await offload.write(two_factor.verify, self._waiting_ticket, _form_text(form, "code"), self._client_address(), browser=self._browser())
        self._complete_sign_in(ticket)

    @guarded(Access.PUBLIC, form="enrol")
    async def enrol_at_sign_in(self, viewer: Viewer | None, form: dict):
        """Switch two-factor sign-in on with the first code from the authenticator; the recovery codes are shown once."""
        self.recovery_codes = await offload.write(two_factor.finish_at_sign_in, self._waiting_ticket, _form_text(form, "code"), self._client_address(), browser=self._browser())
        self.enrol_secret = self.enrol_qr_code = ""

    @guarded(Access.PUBLIC)
    async def continue_sign_in(self, viewer: Viewer | None):
        """Go on signing in once the recovery codes are kept."""
        ticket = await offload.write(two_factor.continue_at_sign_in, self._waiting_ticket, browser=self._browser())
        self.recovery_codes = []
        self._complete_sign_in(ticket)

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
        self.two_factor_on = account.two_factor_since is not None
        self.enrol_secret = self.enrol_qr_code = ""
        self.recovery_codes = []

    @guarded(Access.MEMBER)
    async def begin_two_factor(self, viewer: Viewer):
        """Show a new secret and its QR code to put in an authenticator app."""
        self._show_enrolment(await offload.write(two_factor.begin, viewer))

    @guarded(Access.MEMBER, form="enrol")
    async def finish_two_factor(self, viewer: Viewer, form: dict):
        """Switch two-factor sign-in on with the first code; the recovery codes are shown once."""
        self.recovery_codes = await offload.write(two_factor.finish, viewer, _form_text(form, "code"), self._client_address())
        self.enrol_secret = self.enrol_qr_code = ""
        self.two_factor_on = True
        self._say(N_("Two-factor sign-in is on."))

    @guarded(Access.MEMBER, form="switch-off")
    async def switch_off_two_factor(self, viewer: Viewer, form: dict):
        """Switch two-factor sign-in off with a code."""
        await offload.write(two_factor.switch_off, viewer, _form_text(form, "code"), self._client_address())
        self.two_factor_on = False
        self.recovery_codes = []
        self._say(N_("Two-factor sign-in is off."))

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

    @guarded(Access.MEMBER, form="delete-account")
    async def delete_account(self, viewer: Viewer, form: dict):
        """Delete one's own account after the password, keeping or removing one's posts and documents; then log out."""
        await offload.write(privacy.delete_account, viewer, _form_text(form, "password"), remove_content=form.get("content") == "remove")
        self._load_page("/auth/logout")

    @guarded(Access.SIGNED_IN)
    async def log_out_everywhere(self, viewer: Viewer):
        """End every session of the viewer, on every device, then clear this browser's cookie."""
        await offload.write(sessions.revoke_everywhere, viewer.id)
        self._load_page("/auth/logout")
