"""Password rules and Argon2id hashing."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from partnerskap import memory
from partnerskap.i18n import N_
from partnerskap.services.common_passwords import STEMS

MIN_LENGTH = 8
MAX_LENGTH = 1024
MIN_SCORE = 3  # zxcvbn: "safely unguessable", about 10^8 guesses and more
# zxcvbn refuses longer input (and slows down with length): a longer password is judged by its beginning.
ESTIMATED_LENGTH = 72
PLATFORM_NAMES = ("Partnerskap", "Kumppanuusalusta", "Partnerskapsplattformen", "Partnership Platform")
TOO_COMMON = N_("This password is among the most common ones. Choose a phrase of three or four unrelated words instead, for example words from different languages.")
TOO_PERSONAL = N_("This password contains your name, your e-mail address, your organisation or the platform's name, which others can guess. Choose a phrase of three or four unrelated words instead.")
TOO_EASY = N_("This password is too easy to guess. Longer is stronger: choose a phrase of three or four unrelated words, and avoid repeated characters, seasons, years and keyboard rows.")
_TRAILING_DIGITS_AND_PUNCTUATION = re.compile(r"[\d\W_]+$")
_NOT_LETTERS = re.compile(r"[\d\W_]+")

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def _own_words(personal: Iterable[str]) -> list[str]:
    words = [*PLATFORM_NAMES]
    for value in personal:
        value = value.strip().lower()
        if value:
            words += [value, *re.split(r"[\s@.,_+-]+", value)]
    return [word for word in words if len(word) >= 3]


def _mostly_own_words(password: str, own_words: list[str]) -> bool:
    """Whether the password is little more than the person's own words (zxcvbn rates a name and a year too well)."""
    letters = _NOT_LETTERS.sub("", password.lower())
    rest = letters
    for word in sorted({_NOT_LETTERS.sub("", word) for word in own_words}, key=len, reverse=True):
        if len(word) >= 4:
            rest = rest.replace(word, "")
    return rest != letters and len(rest) < MIN_LENGTH


def problem(password: str, personal: Iterable[str] = ()) -> str | None:
    """Why a new password is not acceptable, or None when it is.

    `personal` is what others may know of the person (e-mail address, name, organisation): a password built
    on it, or on the platform's names, is refused.
    """
    if len(password) < MIN_LENGTH:
        return N_("Use at least 8 characters.")
    if len(password) > MAX_LENGTH:
        return N_("Use at most 1024 characters.")
    if _TRAILING_DIGITS_AND_PUNCTUATION.sub("", password.lower()) in STEMS or password.lower() in STEMS:
        return TOO_COMMON
    own_words = _own_words(personal)
    if _mostly_own_words(password, own_words):
        return TOO_PERSONAL
    estimate = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=own_words)
    if estimate["score"] >= MIN_SCORE:
        return None
    dictionaries = {match.get("dictionary_name") for match in estimate["sequence"]}
    if "user_inputs" in dictionaries:
        return TOO_PERSONAL
    if "passwords" in dictionaries:
        return TOO_COMMON
    return TOO_EASY


def hash_password(password: str) -> str:
    """An Argon2id hash (slow on purpose: call it in a worker thread)."""
    return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    """Whether the password matches the hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _decoy_hash() -> str:
    return _hasher.hash("decoy password that matches nobody")


def verify_nobody(password: str) -> bool:
    """Spend the same time as a real check, for e-mails that have no account."""
    verify(_decoy_hash(), password)
    return False


memory.register(
    "password lists",
    holds="the common passwords refused and a decoy hash for e-mails without an account",
    lasts="the process",
    others_learn="nothing to learn: they never change",
)
