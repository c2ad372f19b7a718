"""A composer people know: a small markdown toolbar over a text box (bold, italic, link, list, quote), and `@` to
mention a member, chosen from a list as one types (a text box with `aria-autocomplete`, its list and active option)."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex.event import EventChain, EventHandler
from reflex_base.components.component import field

from partnerskap.components.document import effect
from partnerskap.components.i18n import T
from partnerskap.i18n import N_

# Each button wraps the selection (or a placeholder in the viewer's language) in markdown: (name, icon, before, after, placeholder).
BUTTONS = (
    (N_("Bold"), "bold", "**", "**", N_("bold text")),
    (N_("Italic"), "italic", "*", "*", N_("italic text")),
    (N_("Link"), "link", "[", "](https://)", N_("link text")),
    (N_("List"), "list", "\n- ", "", N_("list item")),
    (N_("Quote"), "quote", "\n> ", "", N_("quoted text")),
)
# One listener for every toolbar: the text box's own value setter and an input event, so React (and the draft kept
# while typing) sees the change as if typed.
_WRAP_SELECTION = """useEffect(() => {
  const wrap = (event) => {
    const button = event.target.closest("[data-markdown]");
    const area = button && document.getElementById(button.dataset.for);
    if (!area) return;
    const [before, after] = JSON.parse(button.dataset.markdown);
    const start = area.selectionStart, end = area.selectionEnd;
    const chosen = area.value.slice(start, end) || button.dataset.placeholder;
    const text = area.value.slice(0, start) + before + chosen + after + area.value.slice(end);
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(area, text);
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
    area.setSelectionRange(start + before.length, start + before.length + chosen.length);
  };
  document.addEventListener("click", wrap);
  return () => document.removeEventListener("click", wrap);
}, []);"""


# One set of listeners for every text box with a mention list (`data-mentions`): the text after an `@` before the caret
# filters the list (or, where the place is too large to send, asks the server: `data-lookup`); Up and Down move, Enter
# or Tab choose, Escape closes; a click chooses. Choosing writes `@Name ` (the stored syntax never shows) and notes the
# member's id in the form's hidden field, so the server knows whom the name meant.
_MENTIONS = """useEffect(() => {
  const lookUp = LOOK_UP;
  let waiting = 0;
  const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
  const listOf = (area) => document.getElementById(area.dataset.mentions);
  const typedAt = (area) => {
    const match = /(?:^|[\\s(>])@([^\\s@\\[\\]()]{1,40}(?: [^\\s@\\[\\]()]{0,40})?)$/u.exec(area.value.slice(0, area.selectionEnd));
    return match && area.selectionStart === area.selectionEnd ? match[1] : null;
  };
  const fold = (text) => text.normalize("NFD").replace(/\\p{M}/gu, "").toLowerCase();
  const shown = (list) => [...list.querySelectorAll("[role=option]")].filter((option) => !option.hidden);
  const activate = (area, option) => {
    listOf(area).querySelectorAll("[aria-selected=true]").forEach((other) => other.setAttribute("aria-selected", "false"));
    if (!option) { area.removeAttribute("aria-activedescendant"); return; }
    option.setAttribute("aria-selected", "true");
    area.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  };
  const close = (area) => {
    const list = listOf(area);
    if (!list || list.hidden) return;
    list.hidden = true;
    activate(area, null);
  };
  const offer = (area) => {
    const list = listOf(area), typed = typedAt(area);
    if (!list || typed === null) { close(area); return; }
    const wanted = fold(typed);
    list.querySelectorAll("[role=option]").forEach((option) => {
      const words = fold(option.dataset.name).split(/\\s+/);
      option.hidden = !words.some((word, at) => words.slice(at).join(" ").startsWith(wanted));
    });
    const options = shown(list);
    if (!options.length) { close(area); return; }
    const status = document.getElementById(list.id + "-status");
    if (status) status.textContent = options.length === 1 ? status.dataset.one : `${options.length} ${status.dataset.many}`;
    list.hidden = false;
    const current = document.getElementById(area.getAttribute("aria-activedescendant") || "");
    activate(area, options.includes(current) ? current : options[0]);
  };
  const choose = (area, option) => {
    const typed = typedAt(area);
    if (typed === null) return;
    const end = area.selectionEnd, start = end - typed.length - 1, written = `@${option.dataset.name} `;
    setValue.call(area, area.value.slice(0, start) + written + area.value.slice(end));
    area.setSelectionRange(start + written.length, start + written.length);
    area.dispatchEvent(new Event("input", { bubbles: true }));
    const chosen = document.getElementById(area.dataset.mentions + "-chosen");
    if (chosen) chosen.value = chosen.value ? `${chosen.value},${option.dataset.id}` : option.dataset.id;
    close(area);
    area.focus();
  };
  const areaOf = (event) => (event.target.dataset && event.target.dataset.mentions ? event.target : null);
  const typing = (event) => {
    const area = areaOf(event);
    if (!area || !event.isTrusted) return;  // a chosen name or the toolbar's change is no typing
    offer(area);
    if (area.dataset.lookup === "true") {
      clearTimeout(waiting);
      const typed = typedAt(area);
      if (typed) waiting = setTimeout(() => lookUp(typed), 250);
    }
  };
  const keys = (event) => {
    const area = areaOf(event);
    if (!area || !listOf(area) || listOf(area).hidden) return;
    const options = shown(listOf(area));
    const at = options.findIndex((option) => option.id === area.getAttribute("aria-activedescendant"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      activate(area, options[(at + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length]);
    } else if ((event.key === "Enter" || event.key === "Tab") && at >= 0 && !event.shiftKey) {
      event.preventDefault();
      choose(area, options[at]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(area);
    }
  };
  const moved = (event) => { const area = areaOf(event); if (area) offer(area); };
  // The option keeps the text box's focus while pressed, then the click chooses it.
  const pressed = (event) => { if (event.target.closest && event.target.closest(".mention-list")) event.preventDefault(); };
  const clicked = (event) => {
    const option = event.target.closest && event.target.closest(".mention-list [role=option]");
    const area = option && document.getElementById(option.closest(".mention-list").dataset.for);
    if (area) choose(area, option);
  };
  const left = (event) => { const area = areaOf(event); if (area) close(area); };
  // Names found on the server arrive after the typing: offer them when they do.
  const arrived = new MutationObserver((changes) => {
    changes.forEach((change) => {
      const list = change.target.closest && change.target.closest(".mention-list");
      const area = list && document.getElementById(list.dataset.for);
      if (area && area === document.activeElement) offer(area);
    });
  });
  arrived.observe(document.body, { childList: true, subtree: true });
  document.addEventListener("input", typing);
  document.addEventListener("keydown", keys, true);
  document.addEventListener("click", moved);
  document.addEventListener("mousedown", pressed);
  document.addEventListener("click", clicked);
  document.addEventListener("focusout", left);
  return () => {
    arrived.disconnect();
    clearTimeout(waiting);
    document.removeEventListener("input", typing);
    document.removeEventListener("keydown", keys, true);
    document.removeEventListener("click", moved);
    document.removeEventListener("mousedown", pressed);
    document.removeEventListener("click", clicked);
    document.removeEventListener("focusout", left);
  };
}, []);"""


class _ComposerBehaviour(rx.Fragment):
    """Renders nothing; wires the page's toolbars to their text boxes and its text boxes to their mention lists."""

    look_up: rx.Var[Any] = field(default=None, is_javascript_property=False)

    def add_hooks(self) -> list[str | rx.Var]:
        """Two React effects."""
        if self.look_up is None:  # every list is sent with the page: nothing to look up
            return [effect(_WRAP_SELECTION), effect(_MENTIONS.replace("LOOK_UP", "null"))]
        return [effect(_WRAP_SELECTION), effect(_MENTIONS.replace("LOOK_UP", str(self.look_up)), self.look_up)]


def composer_behaviour(look_up: EventHandler | None = None) -> rx.Component:
    """Once per page: the toolbars' and mention lists' listeners; `look_up(typed)` asks the server for names when a box needs it."""
    if look_up is None:
        return _ComposerBehaviour.create()
    return _ComposerBehaviour.create(look_up=rx.Var.create(EventChain.create(look_up, args_spec=lambda typed: [typed], key="look_up")))


def mention_list(target_id: str, members: rx.Var) -> rx.Component:
    """The list of members to mention that `@` opens under the text box `target_id`, its count told to screen readers."""
    listbox = f"{target_id}-mentions"
    return rx.fragment(
        rx.el.ul(
            rx.foreach(
                members,
                lambda member: rx.el.li(
                    member.name,
                    role="option",
                    id=f"{listbox}-" + member.id.to(str),
                    aria_selected="false",
                    custom_attrs={"data-id": member.id.to(str), "data-name": member.name},
                ),
            ),
            id=listbox,
            role="listbox",
            aria_label=T("Members to mention"),
            hidden=True,
            custom_attrs={"data-for": target_id},
            class_name="mention-list",
        ),
        rx.el.div(id=f"{listbox}-status", role="status", custom_attrs={"data-one": T("1 member found"), "data-many": T("members found")}, class_name="visually-hidden"),
    )


def mention_hint(hint_id: str) -> rx.Component:
    """How to mention someone, for a text box's `aria-describedby`."""
    return rx.text(T("Type @ to mention a member: choose them from the list with the arrow keys and Enter, or click."), size="1", class_name="composer-hint", id=hint_id)


def mention_box(target_id: str, *, look_up: rx.Var) -> dict:
    """The text box `target_id`'s part in offering members (spread into its props); `look_up` (a bool Var): names come from the server.

    A textarea keeps its own role, a text box: ARIA in HTML allows no `combobox` role (nor `aria-expanded`) on one.
    The list it controls, its active option and the status line that counts the options tell assistive technology the rest.
    """
    return {
        "aria_autocomplete": "list",
        "aria_controls": f"{target_id}-mentions",
        "custom_attrs": {"data-mentions": f"{target_id}-mentions", "data-lookup": look_up},
    }


def chosen_mentions(target_id: str, **props) -> rx.Component:
    """The hidden field with the ids of the members chosen in the text box `target_id`, in order."""
    return rx.el.input(type="hidden", name="mentions", id=f"{target_id}-mentions-chosen", **props)


def markdown_toolbar(target_id: str) -> rx.Component:
    """Buttons that format the selection of the text box `target_id` (keyboard: Tab to a button, Enter or Space); see composer_behaviour."""
    return rx.box(
        *[
            rx.el.button(
                rx.icon(icon, size=16, aria_hidden="true"),
                type="button",
                title=T(name),
                aria_label=T(name),
                custom_attrs={"data-for": target_id, "data-markdown": json.dumps([before, after]), "data-placeholder": T(placeholder)},
                class_name="toolbar-button",
            )
            for name, icon, before, after, placeholder in BUTTONS
        ],
        role="toolbar",
        aria_label=T("Formatting"),
        aria_controls=target_id,
        class_name="composer-toolbar",
    )
