"""Values noted in memory as members act, and written to the database together once a second (jobs.every_second)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any


class Noted:
    """The newest value per key (read marks, session visits), noted by many threads, saved by one."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

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
        """Forget everything noted (tests start afresh)."""
        with self._lock:
            self._values = {}
