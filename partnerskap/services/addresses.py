"""E-mail addresses: what counts as one, and how they compare."""

import re

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding space."""
    return email.strip().lower()
