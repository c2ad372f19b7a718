"""What went wrong, as an outcome and a message: the one reading of failures that the guard and the HTTP routes share.

A failure's cause names kinds of error and their codes (ENOSPC, SQLITE_BUSY, 53100), never their messages:
those may quote what a member typed or who they are.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import sqlite3
import traceback
from collections.abc import Iterator

from sqlalchemy import exc as database_errors

from partnerskap.i18n import N_
from partnerskap.services.errors import Invalid, Refused
from partnerskap.storage import FULL_ERRNOS, StorageError, StorageFull

log = logging.getLogger(__name__)

OK, REFUSED, INVALID, UNAVAILABLE, ERROR = "ok", "refused", "invalid", "unavailable", "error"
OUTCOMES = (OK, REFUSED, INVALID, UNAVAILABLE, ERROR)
CANCELLED = "cancelled"  # an event's task was cancelled (the tab went away, the server stops): no outcome of its own
FAILED_OUTCOMES = (UNAVAILABLE, ERROR)  # the instance could not do what it was asked; refusals are answers

STORAGE_FULL = N_("The platform's storage is full; the administrators have been told.")
BUSY = N_("The service is busy. Please try again in a moment.")
NOT_UNDERSTOOD = N_("The request was not understood.")
FAILED = N_("Something went wrong on our side. Please try again; if it keeps happening, tell the administrators.")

# The database did not answer (down, restarting, locked, refusing connections, pool exhausted): worth trying again.
DATABASE_UNAVAILABLE = (database_errors.OperationalError, database_errors.InterfaceError, database_errors.TimeoutError)
# Input a handler could not make sense of: a client may call any handler with any arguments.
MALFORMED = (TypeError, ValueError, KeyError, AttributeError)
POSTGRES_DISK_FULL = "53100"


@dataclasses.dataclass(frozen=True)
class Failure:
    """How a failure ended: its outcome, the message for the person (a catalogue id and its values) and why, for the log."""

    outcome: str
    message: str
    values: dict[str, object]
    cause: str
    full: bool = False  # no room left on the disk or in the store: the administrators must act


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and what caused it, outermost first."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)


def _code(error: BaseException) -> str:
    """An error's code, when it has one that says what happened without quoting data."""
    if isinstance(error, OSError) and error.errno:
        return errno.errorcode.get(error.errno, str(error.errno))
    driver_error = getattr(error, "orig", None) or error
    if isinstance(driver_error, sqlite3.Error):
        return getattr(driver_error, "sqlite_errorname", "")
    return str(getattr(driver_error, "sqlstate", "") or "")


def cause(error: BaseException) -> str:
    """The kinds of error behind a failure with their codes, e.g. `Refused <- StorageFull <- OSError[ENOSPC]`."""
    return " <- ".join(f"{type(link).__name__}[{code}]" if (code := _code(link)) else type(link).__name__ for link in _chain(error))


def is_full(error: BaseException) -> bool:
    """Whether the failure comes from a full disk or store (local folder, S3, SQLite or PostgreSQL)."""
    for link in _chain(error):
        if isinstance(link, StorageFull) or (isinstance(link, OSError) and link.errno in FULL_ERRNOS):
            return True
        driver_error = getattr(link, "orig", None) or link
        if getattr(driver_error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or getattr(driver_error, "sqlstate", None) == POSTGRES_DISK_FULL:
            return True
    return False


def _unavailable(error: BaseException) -> bool:
    """Whether something the instance depends on failed behind the error (database, storage, a socket)."""
    return any(isinstance(link, (*DATABASE_UNAVAILABLE, StorageError, OSError)) for link in _chain(error))


def classify(error: Exception) -> Failure:
    """Read an exception as an outcome with the message the person sees."""
    why = cause(error)
    if is_full(error):
        return Failure(UNAVAILABLE, STORAGE_FULL, {}, why, full=True)
    if isinstance(error, Invalid):
        return Failure(INVALID, error.message, error.values, why)
    if isinstance(error, Refused):
        return Failure(UNAVAILABLE if _unavailable(error) else REFUSED, error.message, error.values, why)
    if _unavailable(error):
        return Failure(UNAVAILABLE, BUSY, {}, why)
    if isinstance(error, MALFORMED):
        return Failure(INVALID, NOT_UNDERSTOOD, {}, why)
    return Failure(ERROR, FAILED, {}, why)


def note(where: str, failure: Failure, error: BaseException | None) -> None:
    """Log a failure once, with its cause: refusals as information, the rest as warnings, errors with where they arose."""
    if failure.outcome in (REFUSED, INVALID):
        fields = f" in {sorted(error.errors)}" if isinstance(error, Invalid) else ""
        log.info("%s %s: %s%s (%s)", where, failure.outcome, failure.message, fields, failure.cause)
    elif failure.outcome == UNAVAILABLE:
        log.warning("%s unavailable%s: %s", where, " (storage full)" if failure.full else "", failure.cause)
    else:
        frames = "".join(line for link in _chain(error) for line in traceback.format_tb(link.__traceback__)) if error else ""
        log.error("%s failed: %s\n%s", where, failure.cause, frames.rstrip())
