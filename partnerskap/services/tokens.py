"""Random tokens: the raw value goes to the person, only its hash is stored."""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from partnerskap import settings as config


def new_token() -> str:
    """A random, URL-safe token."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The SHA-256 of a token, as stored in the database."""
    return hashlib.sha256(token.encode()).hexdigest()


def sealer(purpose: bytes) -> Fernet:
    """Authenticated encryption under a key derived from the instance's secret key for one purpose (the outbox's links, TOTP secrets)."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(config.settings.secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))
