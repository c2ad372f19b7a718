"""The Babel extraction method for our code: every call that takes UI text, however deeply nested.

Babel's own Python extractor stops looking for keywords inside the arguments of another keyword call, so
`rx.text(T("…"))` inside `page(…)` would never reach the catalogues. Walking the syntax tree sees every call.
Registered in babel.cfg; tests/test_i18n.py uses the same function.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import IO

# The functions that take a message, and which positional argument it is (0-based).
MESSAGE_ARGUMENT = {
    "t": 0,
    "T": 0,
    "N_": 0,
    "field": 0,
    "textarea_field": 0,
    "nav_link": 0,
    "nav_entry": 0,
    "submit": 0,
    "page": 0,
    "choice": 0,
    "folder_choice": 0,
    "reason_form": 2,
    "select_from": 0,
    "select_of": 0,
    "checkbox": 0,
    "checkboxes": 0,
    "text_field": 0,
    "area_field": 0,
    "fact": 0,
    "section": 0,
    "list_select": 0,
    "checkbox_group": 0,
    "place_links": 0,
    "list_entries": 0,
    "data_table": 0,
    "row_cell": 0,
}
# Functions that take a tuple of messages, and which positional argument it is.
MESSAGE_TUPLES = {"data_table": 1}
# Keyword arguments that also hold messages.
MESSAGE_KEYWORDS = {"field": {"hint"}, "text_field": {"hint"}, "area_field": {"hint"}, "select_from": {"any_label"}, "list_select": {"any_label"}}


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value else None


def messages_in(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, function, message) for every UI message in Python source."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or (name := _name(node)) not in MESSAGE_ARGUMENT:
            continue
        position = MESSAGE_ARGUMENT[name]
        if len(node.args) > position and (message := _text(node.args[position])):
            yield node.lineno, name, message
        if (position := MESSAGE_TUPLES.get(name)) is not None and len(node.args) > position and isinstance(node.args[position], ast.Tuple):
            for element in node.args[position].elts:
                if message := _text(element):
                    yield node.lineno, name, message
        for keyword in node.keywords:
            if keyword.arg in MESSAGE_KEYWORDS.get(name, ()) and (message := _text(keyword.value)):
                yield node.lineno, name, message


def extract_ui(fileobj: IO[bytes], keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel's extraction-method interface (no function name: the message is already picked out)."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for lineno, _function, message in sorted(messages_in(source)):
        yield lineno, None, message, []
