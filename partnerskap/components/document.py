"""Effects on the whole document: <html lang> follows the viewer's language; full page loads the server asks for."""

import reflex as rx
from reflex.vars.base import VarData

from partnerskap.i18n import DEFAULT_LANGUAGE
from partnerskap.state.base import AppState


def effect(code: str, *watched: rx.Var) -> rx.Var:
    return rx.Var(
        code,
        _var_data=VarData.merge(*(var._get_all_var_data() for var in watched), VarData(imports={"react": ["useEffect"]})),
    )


_ORIGIN_CHECK = """
if (window.partnerskapOriginChecked) { return; }
window.partnerskapOriginChecked = true;
fetch("/auth/origin", { method: "POST" })
  .then((response) => (response.status === 403 ? response.text() : ""))
  .then((explanation) => {
    if (!explanation) { return; }
    const notice = document.createElement("p");
    notice.id = "origin-refused";
    notice.className = "origin-refused";
    notice.setAttribute("role", "alert");
    notice.textContent = explanation;
    document.body.prepend(notice);
  })
  .catch(() => {});
"""


# The offline page (served by the service worker, without the app) leads with the language the member last used.
_NOTE_LANGUAGE = "if ({language}) {{ try {{ localStorage.setItem('partnerskap-lang', {language}); }} catch (error) {{}} }}"


# The skip link moves focus itself (before the router sees the click): left to the browser and the router, "#main" scrolled but focus stayed behind.
_SKIP_TO_CONTENT = """
const skip = (event) => {
  if (!event.target.closest || !event.target.closest(".skip-link")) { return; }
  const main = document.getElementById("main");
  if (!main) { return; }
  event.preventDefault();
  main.focus();
  main.scrollIntoView();
};
document.addEventListener("click", skip, true);
return () => document.removeEventListener("click", skip, true);
"""
# A table wider than the screen scrolls inside Radix's scroll area, which keyboards cannot reach (WCAG 2.1.1): each
# such area becomes focusable, so arrow keys scroll it. Not a menu's: its arrow keys move between its items, and a
# focusable box among them is no menu item (axe: aria-required-children).
_SCROLL_AREAS_FOCUSABLE = """
let pending = 0;
const mark = () => {
  pending = 0;
  document.querySelectorAll(".rt-ScrollAreaViewport:not([tabindex])").forEach((area) => { if (!area.closest("[role=menu]")) { area.tabIndex = 0; } });
};
mark();
const watcher = new MutationObserver(() => { if (!pending) { pending = requestAnimationFrame(mark); } });
watcher.observe(document.body, { childList: true, subtree: true });
return () => { watcher.disconnect(); cancelAnimationFrame(pending); };
"""


class DocumentEffects(rx.Fragment):
    """Renders nothing. Sets document.documentElement.lang (and notes it for the offline page), loads `AppState.continue_to` as a real page, checks the origin;
    makes the skip link move focus and wide tables' scroll areas reachable by keyboard.

    The full page load (not a client-side route change) lets the browser reach the HTTP routes that set or
    clear the HttpOnly session cookie, without `call_script` (whose eval the CSP forbids).
    The event socket refuses pages opened at an address the instance does not answer at, and such a page would
    never come alive: once per page load it asks /auth/origin, which applies the socket's rule, and shows the
    server's explanation (in the visitor's language) at the top of the page.
    """

    def add_hooks(self) -> list[str | rx.Var]:
        """Two React effects on state vars."""
        language, destination = AppState.lang, AppState.continue_to
        return [
            effect(f"useEffect(() => {{ document.documentElement.lang = {language!s} || {DEFAULT_LANGUAGE!r}; {_NOTE_LANGUAGE.format(language=language)} }}, [{language!s}]);", language),
            effect(f"useEffect(() => {{ if ({destination!s}) {{ window.location.assign({destination!s}); }} }}, [{destination!s}]);", destination),
            rx.Var(f"useEffect(() => {{ {_ORIGIN_CHECK} }}, []);", _var_data=VarData(imports={"react": ["useEffect"]})),
            rx.Var(f"useEffect(() => {{ {_SKIP_TO_CONTENT} }}, []);", _var_data=VarData(imports={"react": ["useEffect"]})),
            rx.Var(f"useEffect(() => {{ {_SCROLL_AREAS_FOCUSABLE} }}, []);", _var_data=VarData(imports={"react": ["useEffect"]})),
        ]


document_effects = DocumentEffects.create


class DocumentTitle(rx.Fragment):
    """Renders nothing. Sets document.title from a state var, so each page is named in the viewer's language."""

    def add_hooks(self) -> list[str | rx.Var]:
        """One React effect on the title."""
        title = self.title_var
        return [effect(f"useEffect(() => {{ document.title = {title!s}; }}, [{title!s}]);", title)]


def document_title(title: rx.Var) -> rx.Component:
    """The page's title in the browser's tab and history: its own name, then its place, then the instance's."""
    component = DocumentTitle.create()
    object.__setattr__(component, "title_var", title)
    return component
