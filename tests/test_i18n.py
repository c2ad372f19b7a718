"""Every UI message reaches Finnish and Swedish readers; dates, numbers and the browser's language follow the viewer."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from partnerskap.i18n import LANGUAGE_NAMES, LOCALES_DIR, best_language, format_date, format_datetime, format_number, format_range, format_relative

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "partnerskap"
TRANSLATED_LANGUAGES = ("fi", "sv")
BRAND = "Partnerskap"
TEXT_PROPS = {"aria_label", "placeholder", "title", "alt"}
NOT_COMPONENTS = {"rx.foreach", "rx.redirect", "rx.color", "rx.Var", "rx.Var.create", "rx.icon"}
BRANCHING = {"rx.cond", "rx.match"}
NOT_LANGUAGE = set(LANGUAGE_NAMES.values())
HAS_LETTERS = re.compile(r"[^\W\d_]")


def _po(language: str) -> Catalog:
    with open(LOCALES_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as po_file:
        return read_po(po_file, locale=language)


def _extracted() -> set[str]:
    """What `make messages` puts in the .pot: babel.cfg's extraction method over the whole package."""
    mapping = [("**.py", "partnerskap.i18n.extract:extract_ui")]
    return {message for _f, _l, message, _c, _ctx in extract_from_dir(PACKAGE, method_map=mapping) if message}


def _call_name(node: ast.Call) -> str | None:
    """The dotted name of a call such as rx.table.cell(...), or None for anything fancier."""
    parts = []
    func = node.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    return ".".join([func.id, *reversed(parts)])


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def test_every_ui_message_is_translated_in_finnish_and_swedish():
    messages = _extracted()
    assert {"Log out", "Skip to content"} <= messages
    for language in TRANSLATED_LANGUAGES:
        catalogue = _po(language)
        missing = sorted(m for m in messages if m not in catalogue or not catalogue[m].string)
        fuzzy = sorted(m for m in messages if m in catalogue and catalogue[m].fuzzy)
        assert not missing, f"untranslated in {language}.po (translate, then `make catalogues`): {missing}"
        assert not fuzzy, f"fuzzy in {language}.po (check, then unmark): {fuzzy}"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def test_translations_keep_placeholders():
    for language in TRANSLATED_LANGUAGES:
        for message in _po(language):
            if message.id and message.string:
                assert _placeholders(message.string) == _placeholders(message.id), (language, message.id)


def _literal_texts(node: ast.AST):
    """String literals with letters that end up as text where this expression is rendered."""
    if (text := _string(node)) is not None:
        if HAS_LETTERS.search(text):
            yield node.lineno, text
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            yield from _literal_texts(part)
    elif isinstance(node, ast.BinOp):
        yield from _literal_texts(node.left)
        yield from _literal_texts(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literal_texts(node.body)
        yield from _literal_texts(node.orelse)
    elif isinstance(node, ast.Starred):
        yield from _literal_texts(node.value)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            yield from _literal_texts(element)


def _bypasses(source: str) -> list[tuple[int, str]]:
    """Literal text handed straight to a Reflex component, a text prop or a shown branch of rx.cond/rx.match."""
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)]
    # rx.cond(..., "solid", "ghost") as the value of a prop like variant= picks a setting, not text.
    settings = {id(kw.value) for node in calls for kw in node.keywords if kw.arg not in TEXT_PROPS}
    found = []
    for node in calls:
        name = _call_name(node) or ""
        if name in BRANCHING:
            if id(node) not in settings:
                for branch in node.args[1:]:
                    found += _literal_texts(branch.elts[-1] if isinstance(branch, ast.Tuple) else branch)
        elif name.startswith("rx.") and name not in NOT_COMPONENTS:
            for argument in node.args:
                found += _literal_texts(argument)
        if name != "app.add_page":  # its title= is the brand, checked on its own
            found += [text for kw in node.keywords if kw.arg in TEXT_PROPS for text in _literal_texts(kw.value)]
    return sorted((line, text) for line, text in found if text not in NOT_LANGUAGE)


def test_no_ui_text_bypasses_translation():
    sources = [*sorted((PACKAGE / "pages").glob("*.py")), *sorted((PACKAGE / "components").glob("*.py")), PACKAGE / "partnerskap.py"]
    bypasses = [f"{path.relative_to(PACKAGE.parent)}:{line}: {text!r}" for path in sources for line, text in _bypasses(path.read_text(encoding="utf-8"))]
    assert not bypasses, f"wrap these in T(...) and translate them: {bypasses}"

    app = ast.parse((PACKAGE / "partnerskap.py").read_text(encoding="utf-8"))
    page_titles = [kw.value for node in ast.walk(app) if isinstance(node, ast.Call) and _call_name(node) == "app.add_page" for kw in node.keywords if kw.arg == "title"]
    assert page_titles and all(_string(title) == BRAND for title in page_titles)


def test_the_bypass_scan_sees_literal_text_wherever_it_hides():
    source = """
rx.text("Hello")
rx.callout.text(T("Fine"), ": ", "Ouch")
rx.button(T("Fine"), aria_label="Label")
rx.box(rx.cond(x, "Shown", T("Fine")), variant=rx.cond(x, "solid", "ghost"))
rx.el.input(placeholder=f"Name {n}")
rx.button(LANGUAGE_NAMES[code], "Suomi")
page("Title", rx.match(status, ("a", "Matched"), T("Fine")), aria_label=rx.cond(x, "Hidden", T("Fine")))
"""
    assert {text for _, text in _bypasses(source)} == {"Hello", "Ouch", "Label", "Shown", "Name ", "Matched", "Hidden"}


def test_dates_and_numbers_follow_the_language():
    winter = datetime(2025, 3, 14, 10, 30)  # naive timestamps are UTC
    summer = datetime(2025, 7, 14, 10, 30)

    assert format_number(1234.5, "fi") == "1\xa0234,5"
    assert format_number(1234.5, "sv") == "1\xa0234,5"
    assert format_number(1234.5, "en") == "1,234.5"

    assert format_date(winter, "fi") == "14. maaliskuuta 2025"
    assert format_date(winter, "sv") == "14 mars 2025"
    assert format_date(winter, "en") == "14 March 2025"

    assert "12.30" in format_datetime(winter, "fi")
    assert "12:30" in format_datetime(winter, "sv")
    assert "12:30" in format_datetime(winter, "en")
    assert "13.30" in format_datetime(summer, "fi")
    assert len({format_datetime(winter, language) for language in ("fi", "sv", "en")}) == 3


def test_times_are_written_without_seconds_in_each_language():
    moment = datetime(2027, 1, 20, 7, 0, 30)
    assert [format_datetime(moment, language) for language in ("fi", "sv", "en")] == ["20.1.2027 9.00", "20 jan. 2027 09:00", "20 Jan 2027, 09:00"]


def test_a_range_within_one_day_names_the_date_once():
    starts, ends = datetime(2027, 1, 20, 7, 0), datetime(2027, 1, 20, 13, 30)
    assert format_range(starts, ends, "fi") == "20.1.2027 9.00–15.30"
    assert format_range(starts, ends, "en") == "20 Jan 2027, 09:00–15:30"
    assert format_range(starts, ends + timedelta(days=1), "sv") == "20 jan. 2027 09:00 – 21 jan. 2027 15:30"
    assert format_range(starts, ends, "en", "Europe/Stockholm") == "20 Jan 2027, 08:00–14:30"


def test_recent_moments_are_relative_and_older_ones_exact():
    now = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)
    assert format_relative(now - timedelta(seconds=20), "en", now) == "just now"
    assert format_relative(now - timedelta(minutes=5), "fi", now) == "5 minuuttia sitten"
    assert format_relative(now - timedelta(hours=3), "sv", now) == "för 3 timmar sedan"
    assert format_relative(now - timedelta(days=2), "en", now) == "18 Jan 2027, 14:00"


def test_browser_language_picks_a_supported_language():
    assert best_language("sv-FI,sv;q=0.9,en;q=0.8") == "sv"
    assert best_language("fi-FI") == "fi"
    assert best_language("EN-GB") == "en"
    assert best_language("de-DE,ja;q=0.9") == "fi"
    assert best_language("") == "fi"
    assert best_language("fi;q=0.2,en;q=0.9") == "en"
    assert best_language("de,en;q=0.5,sv;q=0.7") == "sv"
    assert best_language("en;q=0.8,sv;q=0.8") == "en"
