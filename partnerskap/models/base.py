"""What every table shares: timezone-aware UTC timestamps."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)
