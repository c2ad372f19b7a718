"""Escalating delays after repeated failures, per account and per address; never a permanent lock."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlmodel import Session

from partnerskap.i18n import N_
from partnerskap.models import Throttle
from partnerskap.models.base import utcnow
from partnerskap.services.errors import Refused

FREE_FAILURES = 5
MAX_DELAY_SECONDS = 15 * 60


def check(*keys: str, session: Session) -> None:
    """Refuse while any of the keys is in its delay."""
    now = utcnow()
    waits = [
        (row.blocked_until - now).total_seconds()
        for key in keys
        if (row := session.get(Throttle, key)) and row.blocked_until and row.blocked_until > now
    ]
    if waits:
        raise Refused(N_("Too many attempts. Try again in {seconds} seconds."), seconds=math.ceil(max(waits)))


def fail(*keys: str, session: Session) -> None:
    """Count a failure for each key; from the fifth on, each one doubles the delay."""
    now = utcnow()
    for key in keys:
        row = session.get(Throttle, key) or Throttle(key=key)
        row.failures += 1
        row.updated_at = now
        if row.failures >= FREE_FAILURES:
            delay = min(2 ** (row.failures - FREE_FAILURES + 1), MAX_DELAY_SECONDS)
            row.blocked_until = now + timedelta(seconds=delay)
        session.add(row)


def clear(*keys: str, session: Session) -> None:
    """Forget the failures of these keys."""
    for key in keys:
        if row := session.get(Throttle, key):
            session.delete(row)
