"""People, their sessions and the one-time tokens e-mailed to them."""

from __future__ import annotations

import enum
import unicodedata
from datetime import datetime

from sqlalchemy import BigInteger, Index, Text, event, inspect
from sqlmodel import Field, SQLModel

from partnerskap.models.base import utcnow


class Status(enum.StrEnum):
    """Where a person's membership stands."""

    UNCONFIRMED = "unconfirmed"
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    SUSPENDED = "suspended"
    ERASED = "erased"  # a former member who deleted their account: the row stays where records name it


class Role(enum.StrEnum):
    """What a person may do on the instance."""

    MEMBER = "member"
    EDITOR = "editor"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """A registered person."""

    # The directory and the member lists of big networks walk approved members in name order.
    __table_args__ = (Index("ix_user_status_name", "status", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    organisation: str = Field(default="", max_length=160)
    password_hash: str = Field(max_length=255)
    status: str = Field(default=Status.UNCONFIRMED, max_length=16, index=True)
    role: str = Field(default=Role.MEMBER, max_length=16)
    language: str = Field(default="fi", max_length=5)
    email_confirmed_at: datetime | None = None
    terms_accepted_at: datetime
    upload_terms_accepted_at: datetime | None = None
    status_reason: str = Field(default="", max_length=2000)
    suspended_until: datetime | None = None  # a suspension ends by itself then (None: until lifted)
    avatar_key: str = Field(default="", max_length=200)  # the profile picture in the storage; "" for initials
    created_at: datetime = Field(default_factory=utcnow)
    # The TOTP secret, encrypted with a key derived from the secret key (services.two_factor); "" until enrolled.
    totp_secret: str = Field(default="", max_length=255)
    two_factor_since: datetime | None = None
    # The newest 30-second step whose code was accepted: a code (or an older one) is never accepted twice.
    totp_last_step: int = Field(default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"})
    # The name and organisation as the directory's search compares them (`folded`), set on every write below: SQLite's
    # lower() folds only ASCII, and folding each row at search time made every search read and fold the whole table.
    name_key: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    organisation_key: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})


def folded(text: str) -> str:
    """Text as searches compare it: one space between words, composed the same way whatever the keyboard sent, case folded."""
    return unicodedata.normalize("NFKC", " ".join(text.split())).casefold()


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _fold_search_keys(_mapper, _connection, user: User) -> None:
    """Keep the search keys in step with the name and organisation, whichever service or script wrote them."""
    written = inspect(user).attrs
    if written.name.history.has_changes():
        user.name_key = folded(user.name)
    if written.organisation.history.has_changes():
        user.organisation_key = folded(user.organisation)


class AuthSession(SQLModel, table=True):
    """A logged-in browser: only the SHA-256 of its random token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class LoginTicket(SQLModel, table=True):
    """A one-time, short-lived ticket that the cookie route exchanges for a session.

    A ticket that `awaits_code` proves only the password: it is exchanged for a session ticket by a second-factor
    code (services.two_factor), never by the cookie route.
    """

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(max_length=64, unique=True, index=True)
    browser_hash: str = Field(default="", max_length=64)  # the digest of the login value of the browser it was issued for
    user_id: int = Field(foreign_key="user.id", index=True)
    expires_at: datetime
    used_at: datetime | None = None
    awaits_code: bool = False


class RecoveryCode(SQLModel, table=True):
    """One single-use recovery code of a person's second factor: only its SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    code_hash: str = Field(max_length=64, index=True)
    used_at: datetime | None = None


class EmailToken(SQLModel, table=True):
    """A one-time link sent by e-mail (confirm the address, reset the password)."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    purpose: str = Field(max_length=16)
    expires_at: datetime
    used_at: datetime | None = None


class ThrottleAttempt(SQLModel, table=True):
    """One counted attempt under a throttle key (a failed login, a reset or registration request), kept while a window counts it."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
