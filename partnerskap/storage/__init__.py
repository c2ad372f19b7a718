"""One storage interface for workspace documents, with a local-folder and an S3 backend; bytes always stream."""

from __future__ import annotations

import errno
import functools
import re
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from partnerskap import memory
from partnerskap import settings as config

MAX_KEY_LENGTH = 200  # the column that records keys holds 200 characters, and local temp names must fit NAME_MAX
_KEY = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")


class StorageError(Exception):
    """Storage failed (unreachable, full, refused)."""


class NotFound(StorageError):
    """No object is stored under the key."""


class StorageFull(StorageError):
    """The store has no room left (a full disk or quota under the folder, a full object store)."""


FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
PROBE_BYTES = 4096  # a whole block, so a full filesystem refuses it


class Upload(Protocol):
    """One object being written; invisible until complete()."""

    def write(self, chunk: bytes) -> None:
        """Append bytes as they arrive."""

    def complete(self) -> None:
        """Make the object visible under its key, atomically."""

    def abort(self) -> None:
        """Drop what was written; idempotent, never raises (abort_stale collects what a dead store kept)."""


class Storage(Protocol):
    """Where documents' bytes live."""

    def begin(self, key: str) -> Upload:
        """Start writing an object."""

    def open(self, key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        """Stream an object; nothing is read before the first chunk is asked for."""

    def size(self, key: str) -> int:
        """An object's size in bytes."""

    def exists(self, key: str) -> bool:
        """Whether an object is stored under the key."""

    def delete(self, key: str) -> None:
        """Remove an object; removing a missing one is fine."""

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Keys of stored objects that start with a prefix."""

    def stale_uploads(self, older_than: timedelta) -> list[str]:
        """Keys of unfinished uploads untouched for longer than that."""

    def abort_stale(self, older_than: timedelta) -> int:
        """Drop unfinished uploads untouched for longer than that; returns how many."""

    def check(self) -> None:
        """Raise StorageError if the store cannot be reached or written."""

    def presigned_url(self, key: str, filename: str, content_type: str, seconds: int = 300) -> str | None:
        """A time-limited download link straight from the store, or None when the store has no such links."""


def probe(storage: Storage) -> None:
    """Prove the store works: write a small object whole, read the same bytes back, remove it (StorageError if not)."""
    storage.check()
    key = f"health/{secrets.token_hex(8)}"
    written = secrets.token_bytes(PROBE_BYTES)
    upload = storage.begin(key)
    try:
        upload.write(written)
        upload.complete()
    except BaseException:
        upload.abort()
        raise
    try:
        if b"".join(storage.open(key)) != written:
            raise StorageError("the store gave back other bytes than were written")
    finally:
        storage.delete(key)


def validate_key(key: str) -> str:
    """The key itself when it is a safe relative path of [A-Za-z0-9/_.-]; ValueError otherwise."""
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise ValueError(f"invalid storage key: {key!r}")
    if ".." in key or any(part.startswith(".") for part in key.split("/")):
        raise ValueError(f"invalid storage key: {key!r}")  # no parent folders, no hidden names (.incoming is ours)
    return key


def validate_prefix(prefix: str) -> str:
    """The prefix itself when it is empty or the start of a valid key (a trailing slash allowed); ValueError otherwise."""
    if prefix:
        validate_key(prefix.removesuffix("/"))
    return prefix


def content_disposition(kind: str, filename: str) -> str:
    """An RFC 6266 Content-Disposition: an ASCII fallback and the exact UTF-8 name."""
    fallback = "".join(char if 32 <= ord(char) < 127 and char not in '"\\;%' else "_" for char in filename) or "download"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def get_storage() -> Storage:
    """The configured backend (settings read at call time, one instance per configuration)."""
    settings = config.settings
    if settings.storage_backend == "s3":
        return _s3(settings.s3_endpoint_url, settings.s3_bucket, settings.s3_region, settings.s3_access_key, settings.s3_secret_key, settings.s3_path_style)
    return _local(settings.storage_dir)


@functools.cache
def _local(root: Path) -> Storage:
    from partnerskap.storage.local import LocalStorage  # the backends import this module's errors

    return LocalStorage(root)


@functools.cache
def _s3(endpoint_url: str, bucket: str, region: str, access_key: str, secret_key: str, path_style: bool) -> Storage:
    from partnerskap.storage.s3 import S3Storage  # boto3 loads only where S3 is configured

    return S3Storage(bucket=bucket, endpoint_url=endpoint_url, region=region, access_key=access_key, secret_key=secret_key, path_style=path_style)


memory.register(
    "storage backends",
    holds="one storage backend per configuration (with its S3 client and connections; s3._session, one boto3 session for all)",
    lasts="the process",
    others_learn="at restart (the configuration changes only then)",
    forget=lambda: (_local.cache_clear(), _s3.cache_clear()),
)
