"""Random tokens: the raw value goes to the person, only its hash is stored."""

import hashlib
import secrets


def new_token() -> str:
    """A random, URL-safe token."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The SHA-256 of a token, as stored in the database."""
    return hashlib.sha256(token.encode()).hexdigest()
