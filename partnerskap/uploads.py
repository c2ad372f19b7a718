"""The upload ledger: which session sent each upload request and what length it declared, noted by the HTTP middleware and taken by the upload handler."""

from __future__ import annotations

import dataclasses

from partnerskap.memory import UNKNOWN, Remembered


@dataclasses.dataclass(frozen=True)
class UploadRequest:
    """What an upload request came with: its session (as a digest) and the body length it declared, if any."""

    session_digest: str
    declared_bytes: int | None = None


# An upload's handler takes its entry as soon as the request's first bytes arrive; entries of uploads that never reach
# the handler (a dropped connection, a forged request) expire instead of piling up.
KEEP_SECONDS = 600
_ledger: Remembered[str, UploadRequest] = Remembered(
    "upload ledger",
    holds="which session sent each upload request and the length it declared (client token -> request), until its handler takes it",
    lasts="until the upload handler starts, 10 minutes at most; 10,000 uploads",
    others_learn="nothing to learn: an upload's request and handler run in the same worker",
    seconds=lambda: KEEP_SECONDS,
    limit=10_000,
)


def note(client_token: str, session_digest: str, declared_bytes: int | None = None) -> None:
    """An upload request naming this client token came with this session and declared this many bytes."""
    _ledger.keep(client_token, UploadRequest(session_digest, declared_bytes), since=_ledger.generation())


def take(client_token: str) -> UploadRequest | None:
    """The client token's last upload request (None if none, or if it is too old); asked once per upload."""
    request = _ledger.take(client_token)
    return None if request is UNKNOWN else request
