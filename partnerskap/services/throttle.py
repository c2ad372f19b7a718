"""Limits on attempts within sliding windows, per account, address or e-mail; attempts expire, nothing locks for good."""

from __future__ import annotations

import dataclasses
import math
from datetime import timedelta

from sqlmodel import Session, col, delete, select

from partnerskap import settings as config
from partnerskap.i18n import N_
from partnerskap.models import ThrottleAttempt
from partnerskap.models.base import utcnow
from partnerskap.services.errors import Refused

KEY_MAX = 300
LONGEST_WINDOW = timedelta(days=1)
LONGEST_SLOWDOWN_SECONDS = 60


@dataclasses.dataclass(frozen=True)
class Limit:
    """At most `attempts` within `window`; past that, a wait.

    A refusing limit waits until the oldest counted attempt leaves the window. A slowing one (`slows`) only spaces
    attempts out: each one past the limit waits twice as long after the last (1, 2, 4… seconds, at most a minute).
    """

    name: str
    attempts: int
    window: timedelta
    slows: bool = False

    def on(self, *parts: str) -> tuple[Limit, str]:
        """This limit with its key for an account, an address, an e-mail or a pair of them."""
        return self, ":".join((self.name, *parts))[:KEY_MAX]


# A correct password is refused only where it failed: for one account from one address.
LOGIN_PAIR = Limit("login", 5, timedelta(minutes=15))
# Guesses at one account from many addresses, or at many accounts from one address, are slowed, never locked out.
LOGIN_ACCOUNT = Limit("login-account", 10, timedelta(hours=1), slows=True)
LOGIN_ADDRESS = Limit("login-address", 30, timedelta(hours=1), slows=True)
RESET_EMAIL = Limit("reset", 3, timedelta(hours=1))
RESET_ADDRESS = Limit("reset-address", 10, timedelta(hours=1))
REGISTER_EMAIL = Limit("register", 3, timedelta(hours=1))
REGISTER_ADDRESS = Limit("register-address", 10, timedelta(hours=1))
ACCESSIBILITY_FEEDBACK = Limit("accessibility-feedback", 5, timedelta(hours=1))
CONFIRM_RESEND = Limit("confirm", 3, timedelta(hours=1))
PASSWORD_CHANGE = Limit("password", 5, timedelta(minutes=15))
# Second-factor codes, like passwords: refused for one account from one address, only slowed from anywhere.
SECOND_FACTOR_PAIR = Limit("second-factor", 5, timedelta(minutes=15))
SECOND_FACTOR_ACCOUNT = Limit("second-factor-account", 10, timedelta(hours=1), slows=True)


def client_address(peer: str, forwarded_for: str) -> str:
    """The client's address: the TCP peer, or the one the last of `PARTNERSKAP_TRUSTED_PROXIES` proxies received from.

    Each trusted proxy appends the address it received from to `X-Forwarded-For`; entries left of those are
    whatever the client chose to send, so they never count.
    """
    hops = config.settings.trusted_proxies
    chain = [*(part.strip() for part in forwarded_for.split(",") if part.strip()), peer]
    return chain[-1 - min(hops, len(chain) - 1)]


def _wait_seconds(limit: Limit, key: str, session: Session) -> float:
    now = utcnow()
    times = list(
        session.exec(
            select(ThrottleAttempt.at).where(ThrottleAttempt.key == key, col(ThrottleAttempt.at) > now - limit.window).order_by(col(ThrottleAttempt.at))
        ).all()
    )
    if len(times) < limit.attempts:
        return 0
    if limit.slows:
        delay = min(2 ** (len(times) - limit.attempts), LONGEST_SLOWDOWN_SECONDS)
        return (times[-1] + timedelta(seconds=delay) - now).total_seconds()
    return (times[-limit.attempts] + limit.window - now).total_seconds()


def check(*limits: tuple[Limit, str], session: Session) -> None:
    """Refuse, saying how long to wait, while any (limit, key) pair has no attempt left."""
    wait = max((_wait_seconds(limit, key, session) for limit, key in limits), default=0)
    if wait > 0:
        raise Refused(N_("Too many attempts. Try again in {seconds} seconds."), seconds=math.ceil(wait))


def count(*limits: tuple[Limit, str], session: Session) -> None:
    """Count an attempt under each key; attempts older than any window are deleted on the way."""
    now = utcnow()
    session.exec(delete(ThrottleAttempt).where(col(ThrottleAttempt.at) < now - LONGEST_WINDOW))
    for _limit, key in limits:
        session.add(ThrottleAttempt(key=key, at=now))


def forget(*limits: tuple[Limit, str], session: Session) -> None:
    """Forget the attempts counted under these keys."""
    keys = [key for _limit, key in limits]
    session.exec(delete(ThrottleAttempt).where(col(ThrottleAttempt.key).in_(keys)))
