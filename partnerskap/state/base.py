"""The app's root state and the one permission guard every event handler passes first."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import inspect
from collections.abc import Callable
from http.cookies import SimpleCookie
import logging
from typing import Any

import reflex as rx

from partnerskap import memory, offload, uploads
from partnerskap.i18n import LANGUAGES, N_, best_language, t
from partnerskap.ops import failures
from partnerskap.ops import metrics as ops_metrics
from partnerskap.services import accounts, avatars, instance, notifications, permissions, sessions, throttle
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.sessions import Viewer
from partnerskap.services.tokens import digest


log = logging.getLogger(__name__)


class Access(enum.Enum):
    """Who may call a handler."""

    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    MEMBER = "member"
    EDITOR = "editor"
    ADMIN = "admin"


NOT_SIGNED_IN = N_("Log in to continue.")
NO_ACCESS = N_("You do not have access to this.")


@functools.lru_cache(maxsize=4096)  # every event of a tab sends the same header
def cookie_value(cookie_header: str, name: str) -> str:
    """One cookie's value in a Cookie header, or ''."""
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header or "")
    except Exception:
        return ""
    morsel = cookies.get(name)
    return morsel.value if morsel else ""


def session_token(cookie_header: str) -> str:
    """The session token in a Cookie header, or ''."""
    return cookie_value(cookie_header, sessions.COOKIE_NAME)


memory.register(
    "session cookies",
    holds="each cookie parsed from each Cookie header ((header, name) -> value)",
    lasts="the process; the 4,096 most recently used",
    others_learn="nothing to learn: a header always holds the same cookies",
    forget=cookie_value.cache_clear,
)


def _allowed(access: Access, viewer: Viewer | None) -> bool:
    if access is Access.PUBLIC:
        return True
    if viewer is None:
        return False
    if access is Access.SIGNED_IN:
        return True
    if access is Access.MEMBER:
        return viewer.is_member
    if access is Access.EDITOR:
        return permissions.may_edit_content(viewer)
    return viewer.is_admin


def guarded(
    access: Access, *, form: str = "", background: bool = False, quiet: bool = False, loads_page: bool = False, upload: bool = False
) -> Callable:
    """The one guard: resolve the viewer from the session cookie, check access, turn refusals and failures into messages.

    The handler receives the viewer (None only for public handlers) as its first argument. Field errors are
    keyed `form-field` when the handler's form shares a page with others (see components.forms.field).
    Background handlers (uploads) get the same checks; the guard writes its messages under the state lock.
    Quiet handlers (those the server queues for a tab, not the member's own actions) leave shown messages be.
    A page's loader (`loads_page`) first shows who is looking, as `AppState.refresh` does for pages without one.
    Every call is counted and every failure logged once by its outcome (ops.failures), uploads (`upload`) also as such;
    a full disk tells the administrators, a busy database asks to try again, an unexpected error says so.
    """

    def decorate(handler: Callable) -> Callable:
        name = handler.__qualname__

        async def show(self: AppState, **values: Any) -> None:
            if background:
                async with self:
                    for name, value in values.items():
                        setattr(self, name, value)
            else:
                for name, value in values.items():
                    setattr(self, name, value)

        @functools.wraps(handler)
        async def guarded_handler(self: AppState, *args: Any, **kwargs: Any) -> Any:
            if not quiet:  # a page's loader shows what the handler that sent the browser there said (see _say_on_arrival)
                arriving = ""
                if loads_page:  # never a background handler, whose state may change only under its lock
                    arriving, self._arrival_notice = self._arrival_notice, ""
                await show(self, errors={}, notice=arriving)
            counting = settings = None
            outcome = failures.CANCELLED  # until the handler ends one way or another
            try:
                viewer = await self._current_viewer()
                if loads_page:  # who is looking; their unread count (remembered, or read in a thread while the page loads)
                    self._loading_again = name in self._loaders_again
                    if self._loading_again:
                        self._loaders_again = [waiting for waiting in self._loaders_again if waiting != name]
                    self._show_viewer(viewer)
                    counting = asyncio.ensure_future(self._unread_count(viewer))
                    if instance.remembered() is None:  # the instance's name, read once a while per process beside the page's own call
                        settings = asyncio.ensure_future(offload.read(instance.effective))
                if not _allowed(access, viewer):
                    outcome = failures.REFUSED
                    message = NOT_SIGNED_IN if viewer is None else NO_ACCESS
                    failures.note(name, failures.Failure(outcome, message, {}, "access"), None)
                    await show(self, notice=t(message, self.lang))
                    return rx.redirect("/login") if viewer is None else None
                result = await handler(self, viewer, *args, **kwargs)
                outcome = failures.OK
                return result
            except Exception as error:  # noqa: BLE001  (every failure becomes an outcome and a message; none escapes to Reflex's log of headers)
                failure = failures.classify(error)
                outcome = failure.outcome
                failures.note(name, failure, error)
                if failure.full:
                    await offload.write(notifications.tell_admins_storage_full)
                if isinstance(error, Invalid):
                    await show(self, errors={(f"{form}-{field}" if form else field): t(message, self.lang) for field, message in error.errors.items()})
                else:
                    await show(self, notice=t(failure.message, self.lang, **failure.values))
            finally:
                if counting is not None:
                    with contextlib.suppress(*failures.DATABASE_UNAVAILABLE):  # the page's own loading says so
                        self.unread_notifications = await counting
                if settings is not None:
                    with contextlib.suppress(*failures.DATABASE_UNAVAILABLE):
                        self.instance_name = (await settings).instance_name
                ops_metrics.count_event(name, outcome, upload=upload)
            return None

        signature = inspect.signature(handler)
        parameters = list(signature.parameters.values())
        guarded_handler.__signature__ = signature.replace(parameters=[parameters[0], *parameters[2:]])
        del guarded_handler.__wrapped__
        guarded_handler.access = access
        guarded_handler.loads_page = loads_page
        return rx.event(guarded_handler, background=background)

    return decorate


class AppState(rx.State):
    """What every page shares: who is looking, in which language, and the last message for them."""

    lang: str = ""
    # A visitor's own choice before logging in, kept by the browser. Only visitors who chose hold it: Reflex sends
    # what the browser keeps with every page change, one more round trip that members' tabs are spared.
    chosen_language: str = rx.LocalStorage("", name="partnerskap_lang", sync=True)
    signed_in: bool = False
    viewer_name: str = ""
    viewer_picture: str = ""
    viewer_initials: str = ""
    viewer_status: str = ""
    is_member: bool = False
    is_admin: bool = False
    is_editor: bool = False
    unread_notifications: int = 0
    instance_name: str = ""
    continue_to: str = ""
    notice: str = ""
    errors: dict[str, str] = {}
    _bound: str = ""
    _arrival_notice: str = ""
    _loaders_again: list[str] = []  # loaders re-run by a language switch, not yet run: theirs is no new page load
    _loading_again: bool = False  # the running loader is such a re-run: an administrator entering a place is not audited again

    async def _current_viewer(self) -> Viewer | None:
        """The viewer of this connection's session cookie (from the database unless resolved moments ago)."""
        token = session_token(self.router.headers.cookie)
        known, viewer = sessions.remembered(token)
        return viewer if known else await offload.read(sessions.resolve, token)

    def _client_address(self) -> str:
        """The address of this connection's client, through the trusted proxies (see throttle.client_address)."""
        return throttle.client_address(self.router.session.client_ip, self.router.headers.raw_headers.get("x-forwarded-for", ""))

    def _show_viewer(self, viewer: Viewer | None) -> None:
        self.signed_in = viewer is not None
        self.viewer_name = viewer.name if viewer else ""
        self.viewer_picture = avatars.picture_url(viewer.id, viewer.avatar_key) if viewer else ""
        self.viewer_initials = avatars.initials(viewer.name) if viewer else ""
        self.viewer_status = viewer.status if viewer else ""
        self.is_member = bool(viewer and viewer.is_member)
        self.is_admin = bool(viewer and viewer.is_admin)
        if (settings := instance.remembered()) is not None:
            self.instance_name = settings.instance_name
        self.is_editor = permissions.may_edit_content(viewer)
        self.lang = viewer.language if viewer is not None else self._visitors_language()

    def _visitors_language(self) -> str:
        """The language a visitor chose here, else the one shown, else their browser's (it becomes their account's)."""
        if self.chosen_language in LANGUAGES:
            return self.chosen_language
        return self.lang if self.lang in LANGUAGES else best_language(self.router.headers.accept_language)

    def _route_id(self, name: str) -> int:
        """A numeric dynamic route argument (0 when missing or not a number)."""
        value = self.router._page.params.get(name, "")
        return int(value) if isinstance(value, str) and value.isdigit() else 0

    @guarded(Access.PUBLIC, loads_page=True)
    async def refresh(self, viewer: Viewer | None):
        """Show who is looking and their unread notifications (pages without a loader of their own run this on load).

        The guard does it, as for every page's loader; there is nothing more to do here.
        """

    async def _unread_count(self, viewer: Viewer | None) -> int:
        if viewer is None or not viewer.is_member:
            return 0
        known = notifications.remembered_count(viewer)
        return known if known is not None else await offload.read(notifications.unread_count, viewer)

    @guarded(Access.PUBLIC)
    async def dismiss_notice(self, viewer: Viewer | None):
        """Hide the message banner."""
        self.notice = ""

    @guarded(Access.PUBLIC)
    async def log_out(self, viewer: Viewer | None, device: str = ""):
        """End this session on the server (and pushes to this device), then let the cookie route clear the cookie of the ended session."""
        await offload.write(accounts.log_out, session_token(self.router.headers.cookie), device=str(device)[:1000])
        self._load_page("/auth/logout")

    def _load_page(self, url: str) -> None:
        """Have the browser load a URL as a real page (see components.document), e.g. a cookie route."""
        self.continue_to = url

    def _check_upload_session(self) -> uploads.UploadRequest:
        """The upload request this handler reads, if it came with this tab's own session (see api.UploadSession)."""
        noted = uploads.take(self.router.session.client_token)
        if noted is None or noted.session_digest != digest(session_token(self.router.headers.cookie)):
            raise Refused(N_("This upload did not come with your session. Reload the page and try again."))
        return noted

    def _say(self, message: str, **values: object) -> None:
        """Show a message in the viewer's language."""
        self.notice = t(message, self.lang, **values)

    def _say_on_arrival(self, message: str, **values: object) -> None:
        """Show a message on the page this handler sends the browser to (its loader would otherwise clear it)."""
        self._arrival_notice = t(message, self.lang, **values)


async def forget_page_load(state: rx.State) -> None:
    """A freshly loaded page has arrived where it was sent: never send it again."""
    app_state = await state.get_state(AppState)
    app_state.continue_to = ""


async def rebind_to_session(state: rx.State) -> None:
    """Reset everything shown to a client whose session cookie is not the one its state was filled for.

    A Reflex client token is not an authenticator: whoever connects with another tab's token
    but without its cookie must see none of that member's data.
    """
    app_state = await state.get_state(AppState)
    binding = digest(session_token(state.router.headers.cookie))
    if app_state._bound == binding:
        return
    language, chosen = app_state.lang, app_state.chosen_language
    for state_class in _descendants(AppState):
        await state.get_state(state_class)
    app_state.reset()
    app_state.lang, app_state.chosen_language = language, chosen
    app_state._bound = binding


def _descendants(state_class: type[rx.State]) -> list[type[rx.State]]:
    found = []
    for substate in state_class.get_substates():
        found.append(substate)
        found.extend(_descendants(substate))
    return found

