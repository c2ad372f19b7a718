"""A queue's rows claimed for one worker for a while (a lease), so that each is handled by one worker at a time across
processes, and the work itself (a post, an SMTP session) happens outside any transaction.

A queue's model has `claimed_by` and `claimed_until` columns. A claim is one conditional update in a transaction of
its own; a worker then reads the rows it holds, does the work, and writes the outcome only where its claim still
stands. A worker that dies leaves its claim to expire, and another takes the rows again: delivery is at least once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import col, select

from partnerskap.db import transaction


def claim_ready(model, ready: tuple, *, claim: str, lease: timedelta, limit: int, now: datetime) -> bool:
    """Mark up to `limit` rows of `model` that are `ready` and free as `claim`'s until `now + lease`; whether any was free.

    PostgreSQL skips rows another worker is claiming at that moment; the repeated `free` keeps a row claimed meanwhile
    theirs. SQLite takes its write lock for the statement, so the same holds there.
    """
    free = or_(col(model.claimed_until).is_(None), col(model.claimed_until) < now)
    with transaction() as session:
        waiting = select(model.id).where(*ready, free).order_by(col(model.id)).limit(limit)
        if not session.exec(waiting).first():  # nothing waits: no write (SQLite's write lock) on every round
            return False
        session.exec(update(model).where(col(model.id).in_(waiting.with_for_update(skip_locked=True).scalar_subquery()), free).values(claimed_by=claim, claimed_until=now + lease))
    return True
