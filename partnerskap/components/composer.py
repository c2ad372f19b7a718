"""A composer people know: a small markdown toolbar over a text box (bold, italic, link, list, quote)."""

from __future__ import annotations

import json

import reflex as rx

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


class _ToolbarBehaviour(rx.Fragment):
    """Renders nothing; wires the toolbars' buttons to their text boxes."""

    def add_hooks(self) -> list[str | rx.Var]:
        """One React effect."""
        return [effect(_WRAP_SELECTION)]


def markdown_toolbar(target_id: str) -> rx.Component:
    """Buttons that format the selection of the text box `target_id` (keyboard: Tab to a button, Enter or Space)."""
    return rx.box(
        _ToolbarBehaviour.create(),
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
