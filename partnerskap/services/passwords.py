"""Password rules and Argon2id hashing."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from partnerskap import memory
from partnerskap.i18n import N_

MIN_LENGTH = 8
MAX_LENGTH = 1024

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p for p in FREQUENCY_LISTS["passwords"] if len(p) >= MIN_LENGTH)


def problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return N_("Use at least 8 characters.")
    if len(password) > MAX_LENGTH:
        return N_("Use at most 1024 characters.")
    if password.lower() in _common_passwords():
        return N_("This password is among the most common ones. Choose another.")
    return None


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
