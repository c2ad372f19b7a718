"""One translation function, locale formatting, and the catalogues behind them (no Reflex import)."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path

from babel import Locale, dates, numbers
from babel.messages.pofile import read_po
from babel.support import Translations

from partnerskap import memory

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
TIME_ZONE = "Europe/Helsinki"


def N_(message: str) -> str:
    """Mark a message for the catalogues without translating it here."""
    return message


def language_or_default(language: str | None) -> str:
    """A supported language code, falling back to the default."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def best_language(accept_language: str) -> str:
    """The supported language a browser's Accept-Language header prefers."""
    weighted = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, quality = part.strip().partition(";q=")
        code = tag.split("-")[0].lower()
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        if code in LANGUAGES:
            weighted.append((-weight, index, code))
    return min(weighted)[2] if weighted else DEFAULT_LANGUAGE


@functools.cache
def _translations(language: str) -> Translations:
    return Translations.load(LOCALES_DIR, [language], DOMAIN)


def t(message: str, language: str, **values: object) -> str:
    """The message in the given language, with {named} values filled in."""
    text = _translations(language_or_default(language)).gettext(message)
    return text.format(**values) if values else text


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """Every translated message of one language, read from its .po file."""
    with open(LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po_file:
        parsed = read_po(po_file)
    return {m.id: m.string for m in parsed if m.id and m.string}


def all_languages(message: str) -> dict[str, str]:
    """One message in every language, for lookups in the browser."""
    return {language: catalogue(language).get(message) or message for language in LANGUAGES}


@functools.lru_cache(maxsize=8192)
def format_datetime(moment: datetime, language: str) -> str:
    """A UTC timestamp shown in Finnish time, the way the language writes it.

    Remembered: every open tab of a thread shows the same post times, so they share one string (and Babel runs
    once per time and language, not on every answer).
    """
    from datetime import UTC

    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return dates.format_datetime(aware, "medium", tzinfo=dates.get_timezone(TIME_ZONE), locale=_locale(language))


def format_date(moment: datetime, language: str) -> str:
    """A date the way the language writes it."""
    return dates.format_date(moment, "long", locale=_locale(language))


def format_number(number: float, language: str) -> str:
    """A number with the language's separators."""
    return numbers.format_decimal(number, locale=_locale(language))


def _locale(language: str) -> Locale:
    return Locale.parse({"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}[language_or_default(language)])


memory.register(
    "catalogues",
    holds="the compiled translations and each language's messages for the browser",
    lasts="the process",
    others_learn="at restart (catalogues change only with a release)",
)
memory.register(
    "formatted times",
    holds="each post time written out in each language (time, language -> text), shared by every tab",
    lasts="the process; the 8,192 most recently used",
    others_learn="nothing to learn: a time is always written the same",
    forget=format_datetime.cache_clear,
)
