"""What a process remembers: one cache type (`Remembered`), values noted until saved (`Noted`), and a registry of both and
of every other piece of process memory, so that one call forgets everything and docs/architecture.md can list it all.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import event, inspect
from sqlmodel import Session

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")
UNKNOWN: Any = object()  # what `Remembered.get` answers for a key it does not remember (None is a value worth keeping)
clock = time.monotonic  # every remembered value's age is measured on this clock (tests move a fake one)
_FORGET_AFTER_COMMIT = "partnerskap.forget_after_commit"
_watched: list[tuple[type, Remembered, Callable[[Any], Iterable[Hashable]], Callable[[Any], Iterable[Hashable]], str]] = []


@dataclasses.dataclass(frozen=True)
class Memory:
    """One piece of what a process remembers, as the registry lists it."""

    name: str
    holds: str
    lasts: str
    others_learn: str
    forget: Callable[[], None] | None = None


_registry: dict[str, Memory] = {}


def register(name: str, *, holds: str, lasts: str, others_learn: str, forget: Callable[[], None] | None = None) -> None:
    """List a piece of process memory; `forget` empties it (None for memory that never goes stale while the process runs).

    Memory read from the code or the release's files (catalogues, the common passwords) has no `forget`: no write
    can make it wrong, and loading it again costs each test a tenth of a second.
    """
    _registry[name] = Memory(name=name, holds=holds, lasts=lasts, others_learn=others_learn, forget=forget)


def listed() -> list[Memory]:
    """Every piece of process memory registered by the modules imported so far."""
    return list(_registry.values())


def forget_everything() -> None:
    """Empty every piece of process memory that can go stale (each test starts with this)."""
    for memory in _registry.values():
        if memory.forget is not None:
            memory.forget()


class Remembered(Generic[Key, Value]):
    """Values per key, trusted for a while and forgotten per key when a transaction that changes them commits.

    A value loaded while any key was being forgotten is not kept (the generation guard): it may predate the change.
    Values may be grouped (a member's sessions), so that a change forgets the whole group and nothing else.
    """

    def __init__(
        self,
        name: str,
        *,
        holds: str,
        lasts: str,
        others_learn: str,
        seconds: Callable[[], float],
        limit: int,
        group_of: Callable[[Value], Hashable | None] | None = None,
    ) -> None:
        self.name = name
        self._seconds = seconds
        self._limit = limit
        self._group_of = group_of
        self._values: dict[Key, tuple[float, Value]] = {}
        self._groups: dict[Hashable, set[Key]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        register(name, holds=holds, lasts=lasts, others_learn=others_learn, forget=self.clear)

    def get(self, key: Key) -> Value:
        """The value remembered for the key and still trusted, else UNKNOWN (no lock: the event path reads this)."""
        entry = self._values.get(key)
        return entry[1] if entry is not None and clock() < entry[0] else UNKNOWN

    def generation(self) -> int:
        """Take this before loading a value, and hand it to `keep`."""
        return self._generation

    def keep(self, key: Key, value: Value, *, since: int, seconds: float | None = None) -> None:
        """Remember a value loaded since the generation given, unless something was forgotten meanwhile."""
        trusted_for = self._seconds() if seconds is None else min(seconds, self._seconds())
        with self._lock:
            if since != self._generation:
                return
            if len(self._values) >= self._limit:
                self._make_room()
            self._values[key] = (clock() + trusted_for, value)
            if self._group_of is not None and (group := self._group_of(value)) is not None:
                self._groups.setdefault(group, set()).add(key)

    def remember(self, key: Key, load: Callable[[], Value]) -> Value:
        """The remembered value, or the loaded one (kept unless something was forgotten while it loaded)."""
        if (value := self.get(key)) is not UNKNOWN:
            return value
        since = self._generation
        value = load()
        self.keep(key, value, since=since)
        return value

    def take(self, key: Key) -> Value:
        """The value remembered for the key and still trusted (else UNKNOWN), forgotten as it is taken."""
        with self._lock:
            entry = self._values.pop(key, None)
        return entry[1] if entry is not None and clock() < entry[0] else UNKNOWN

    def forget(self, keys: Iterable[Key] = (), groups: Iterable[Hashable] = ()) -> None:
        """Forget some keys and every key of some groups, at once."""
        with self._lock:
            self._generation += 1
            for group in groups:
                for key in self._groups.pop(group, ()):
                    self._values.pop(key, None)
            for key in keys:
                self._values.pop(key, None)

    def forget_after_commit(self, session: Session, keys: Iterable[Key] = (), groups: Iterable[Hashable] = ()) -> None:
        """Forget keys and groups once the session's transaction commits (nothing, if it rolls back)."""
        pending = session.info.setdefault(_FORGET_AFTER_COMMIT, {}).setdefault(self, (set(), set()))
        pending[0].update(keys)
        pending[1].update(groups)

    def forget_when_changed(
        self,
        model: type,
        *,
        keys: Callable[[Any], Iterable[Key]] = lambda _row: (),
        groups: Callable[[Any], Iterable[Hashable]] = lambda _row: (),
        attribute: str = "",
    ) -> None:
        """Forget the keys and groups of every row of the model a transaction changes or deletes, once it commits.

        With `attribute`, only changes to that attribute count (a session's visit is not its revocation).
        """
        _watched.append((model, self, keys, groups, attribute))

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._generation += 1
            self._values = {}
            self._groups = {}

    def __len__(self) -> int:
        return len(self._values)

    def _make_room(self) -> None:
        """Drop expired values, then the oldest, so the cache stays within its limit (called under the lock)."""
        now = clock()
        kept = {key: entry for key, entry in self._values.items() if now < entry[0]}
        while len(kept) >= self._limit:
            del kept[next(iter(kept))]
        self._values = kept
        self._groups = {group: alive for group, keys in self._groups.items() if (alive := {key for key in keys if key in kept})}


@event.listens_for(Session, "after_flush")
def _note_watched_changes(session: Session, _context: object) -> None:
    for row in (*session.dirty, *session.deleted):
        for model, cache, keys, groups, attribute in _watched:
            if isinstance(row, model) and (not attribute or inspect(row).attrs[attribute].history.has_changes()):
                cache.forget_after_commit(session, keys=keys(row), groups=groups(row))


@event.listens_for(Session, "after_commit")
def _forget_what_changed(session: Session) -> None:
    for cache, (keys, groups) in session.info.pop(_FORGET_AFTER_COMMIT, {}).items():
        cache.forget(keys, groups)


@event.listens_for(Session, "after_rollback")
def _keep_what_did_not_change(session: Session) -> None:
    session.info.pop(_FORGET_AFTER_COMMIT, None)


class Noted:
    """The newest value per key (read marks, session visits), noted by many threads and written together by one.

    jobs.every_second saves what is noted once a second; what cannot be written is kept for the next round.
    """

    def __init__(self, name: str, *, holds: str) -> None:
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()
        register(name, holds=holds, lasts="until saved, within a second", others_learn="from the database once saved", forget=self.clear)

    def note(self, key: Hashable, value: Any) -> None:
        """Keep the value unless a newer one is noted already."""
        with self._lock:
            known = self._values.get(key)
            if known is None or value > known:
                self._values[key] = value

    def get(self, key: Hashable) -> Any:
        """The value noted for the key and not saved yet, or None."""
        with self._lock:
            return self._values.get(key)

    def matching(self, wanted: Callable[[Hashable], bool]) -> dict[Hashable, Any]:
        """The noted values whose keys are wanted."""
        with self._lock:
            return {key: value for key, value in self._values.items() if wanted(key)}

    def save(self, write: Callable[[dict[Hashable, Any]], None]) -> int:
        """Take everything noted and write it with `write`; if that fails, it is kept for the next round."""
        with self._lock:
            taken, self._values = self._values, {}
        if not taken:
            return 0
        try:
            write(taken)
        except Exception:
            for key, value in taken.items():
                self.note(key, value)
            raise
        return len(taken)

    def clear(self) -> None:
        """Forget everything noted."""
        with self._lock:
            self._values = {}
