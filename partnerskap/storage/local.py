"""Documents as files in a folder: uploads land in .incoming/ and move into place atomically once complete."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from partnerskap.storage import FULL_ERRNOS, NotFound, StorageError, StorageFull, validate_key, validate_prefix

log = logging.getLogger(__name__)

INCOMING = ".incoming"
_SEPARATOR = "~"  # not a key character, so a temp file's name gives back the key it was for


@contextlib.contextmanager
def _errors(action: str, key: str | None = None) -> Iterator[None]:
    try:
        yield
    except FileNotFoundError as error:
        if key is not None:
            raise NotFound(key) from error
        raise StorageError(f"could not {action}: {error}") from error
    except OSError as error:
        if error.errno in FULL_ERRNOS:
            raise StorageFull(f"could not {action}: {error}") from error
        raise StorageError(f"could not {action}: {error}") from error


class LocalUpload:
    """A temp file on the storage folder's filesystem, renamed into place by complete()."""

    def __init__(self, key: str, fd: int, temp: Path, target: Path):
        self.key = key
        self._fd: int | None = fd
        self._temp = temp
        self._target = target
        self._finished = False

    def write(self, chunk: bytes) -> None:
        """Append bytes to the temp file."""
        self._require_open()
        with _errors(f"write {self.key}"):
            view = memoryview(chunk)
            while view:
                view = view[os.write(self._fd, view) :]

    def complete(self) -> None:
        """Flush to disk, then rename into place: readers see the whole file or none."""
        self._require_open()
        with _errors(f"store {self.key}"):
            os.fsync(self._fd)
            fd, self._fd = self._fd, None
            os.close(fd)
            self._target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._temp, self._target)
            self._finished = True
            _fsync_folder(self._target.parent)

    def abort(self) -> None:
        """Close and remove the temp file; never raises."""
        if self._finished:
            return
        self._finished = True
        try:
            if self._fd is not None:
                fd, self._fd = self._fd, None
                os.close(fd)
        except OSError:
            pass  # the descriptor is gone either way
        try:
            self._temp.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove the unfinished upload %s (abort_stale will): %s", self._temp, error)

    def _require_open(self) -> None:
        if self._finished:
            raise StorageError(f"the upload of {self.key} is already finished")


class LocalStorage:
    """Files under a root folder, one per key."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.incoming = self.root / INCOMING

    def begin(self, key: str) -> LocalUpload:
        """Open a temp file in .incoming/ for the object."""
        target = self.root / validate_key(key)
        with _errors(f"start {key}"):
            self.incoming.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.incoming, prefix=key.replace("/", _SEPARATOR) + _SEPARATOR)
        return LocalUpload(key, fd, Path(temp), target)

    def open(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        """Stream a file in chunks; the file opens at the first chunk."""
        return self._read(self.root / validate_key(key), key, chunk_size)

    def _read(self, path: Path, key: str, chunk_size: int) -> Iterator[bytes]:
        with _errors(f"read {key}", key), path.open("rb") as file:
            while chunk := file.read(chunk_size):
                yield chunk

    def size(self, key: str) -> int:
        """A file's size in bytes."""
        path = self.root / validate_key(key)
        with _errors(f"measure {key}", key):
            return path.stat().st_size

    def exists(self, key: str) -> bool:
        """Whether the file is there."""
        path = self.root / validate_key(key)
        with _errors(f"look for {key}"):
            return path.is_file()

    def delete(self, key: str) -> None:
        """Remove a file if it is there."""
        path = self.root / validate_key(key)
        with _errors(f"delete {key}"):
            path.unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Keys of the stored files that start with a prefix, in sorted folder order."""
        return self._keys(validate_prefix(prefix))

    def _keys(self, prefix: str) -> Iterator[str]:
        start = self.root / prefix.rpartition("/")[0]
        with _errors("list the stored files"):
            for folder, folders, files in os.walk(start, onerror=_raise_unless_missing):
                folders[:] = sorted(name for name in folders if not name.startswith("."))
                for name in sorted(files):
                    key = Path(folder, name).relative_to(self.root).as_posix()
                    if key.startswith(prefix) and not name.startswith("."):
                        yield key

    def stale_uploads(self, older_than: timedelta) -> list[str]:
        """Keys of temp files not written to for longer than that."""
        return [_key_of(temp) for temp in self._stale(older_than)]

    def abort_stale(self, older_than: timedelta) -> int:
        """Remove temp files not written to for longer than that; returns how many."""
        stale = self._stale(older_than)
        with _errors("remove unfinished uploads"):
            for temp in stale:
                temp.unlink(missing_ok=True)
        return len(stale)

    def _stale(self, older_than: timedelta) -> list[Path]:
        limit = time.time() - older_than.total_seconds()
        stale = []
        with _errors("list unfinished uploads"):
            if not self.incoming.is_dir():
                return []
            for entry in sorted(self.incoming.iterdir()):
                try:
                    if entry.stat().st_mtime <= limit:
                        stale.append(entry)
                except FileNotFoundError:
                    continue  # completed or aborted while we looked
        return stale

    def check(self) -> None:
        """Create and remove a file in .incoming/, proving the folder is there and writable."""
        with _errors(f"write in {self.root}"):
            self.incoming.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(dir=self.incoming, prefix=f"check{_SEPARATOR}")
            os.close(fd)
            os.unlink(probe)

    def presigned_url(self, key: str, filename: str, content_type: str, seconds: int = 300) -> str | None:
        """None: local files are served by the app itself."""
        validate_key(key)
        return None


def _key_of(temp: Path) -> str:
    return temp.name.rpartition(_SEPARATOR)[0].replace(_SEPARATOR, "/") or temp.name


def _raise_unless_missing(error: OSError) -> None:
    if not isinstance(error, FileNotFoundError):
        raise error


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
