"""One translation function, locale formatting, and the catalogues behind them (no Reflex import)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo
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
def format_datetime(moment: datetime, language: str, time_zone: str = TIME_ZONE) -> str:
    """A UTC timestamp shown in a time zone (Finnish time unless told), the way the language writes it, without seconds.

    Remembered: every open tab of a thread shows the same post times, so they share one string (and Babel runs
    once per time and language, not on every answer).
    """
    local = _aware(moment).astimezone(ZoneInfo(time_zone))
    locale = _locale(language)
    return locale.datetime_formats["medium"].format(dates.format_time(local, "short", locale=locale), dates.format_date(local, "medium", locale=locale))


def format_range(starts: datetime, ends: datetime, language: str, time_zone: str = TIME_ZONE) -> str:
    """A span of time the way people write it: one date when it starts and ends on the same day ("20.1.2027 9.00–15.30")."""
    zone = ZoneInfo(time_zone)
    local_start, local_end = _aware(starts).astimezone(zone), _aware(ends).astimezone(zone)
    if local_start.date() != local_end.date():
        return f"{format_datetime(starts, language, time_zone)} – {format_datetime(ends, language, time_zone)}"
    locale = _locale(language)
    return f"{format_datetime(starts, language, time_zone)}–{dates.format_time(local_end, 'short', locale=locale)}"


RELATIVE_FOR = timedelta(hours=12)


def format_relative(moment: datetime, language: str, now: datetime) -> str:
    """How long ago a recent moment was ("5 minutes ago"); older moments as format_datetime writes them."""
    ago = now - _aware(moment)
    if ago >= RELATIVE_FOR or ago < -timedelta(minutes=1):
        return format_datetime(moment, language)
    if ago < timedelta(minutes=1):
        return t("just now", language)
    return dates.format_timedelta(-ago, threshold=1, add_direction=True, locale=_locale(language))


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


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
