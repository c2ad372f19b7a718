"""The upload ledger: which session sent each upload request, noted by the HTTP middleware and taken by the upload handler."""

from __future__ import annotations

from partnerskap.memory import UNKNOWN, Remembered

# An upload's handler takes its entry as soon as the request's first bytes arrive; entries of uploads that never reach
# the handler (a dropped connection, a forged request) expire instead of piling up.
KEEP_SECONDS = 600
_ledger: Remembered[str, str] = Remembered(
    "upload ledger",
    holds="which session sent each upload request (client token -> session digest), until its handler takes it",
    lasts="until the upload handler starts, 10 minutes at most; 10,000 uploads",
    others_learn="nothing to learn: an upload's request and handler run in the same worker",
    seconds=lambda: KEEP_SECONDS,
    limit=10_000,
)


def note(client_token: str, session_digest: str) -> None:
    """An upload request naming this client token came with this session."""
    _ledger.keep(client_token, session_digest, since=_ledger.generation())


def take(client_token: str) -> str:
    """The session the client token's last upload came with ('' if none, or if it is too old); asked once per upload."""
    session_digest = _ledger.take(client_token)
    return "" if session_digest is UNKNOWN else session_digest
