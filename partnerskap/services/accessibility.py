"""The accessibility statement's feedback channel and the record of the last automated check (Act 306/2019)."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import Role, Status, User
from partnerskap.models.base import utcnow
from partnerskap.services import notifications, throttle
from partnerskap.services.addresses import EMAIL_PATTERN, normalise_email
from partnerskap.services.errors import Invalid
from partnerskap.services.sessions import Viewer

ANSWER_WITHIN_DAYS = 14  # the law's promise: an answer to accessibility feedback within two weeks
FEEDBACK_MAX = 4000
CHECK_RECORD = Path(__file__).resolve().parent.parent.parent / "docs" / "accessibility-check.json"


@dataclasses.dataclass(frozen=True)
class LastCheck:
    """The date and result of the last automated check, as the browser suite wrote it (docs/accessibility-check.json)."""

    date: str
    pages: int
    problems: int


def last_check(record: Path = CHECK_RECORD) -> LastCheck | None:
    """The suite's last record, or None before the suite has ever written one."""
    try:
        found = json.loads(record.read_text())
        return LastCheck(date=str(found["date"]), pages=sum(int(count) for count in found["pages"].values()), problems=int(found["serious_or_critical_problems"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def send_feedback(viewer: Viewer | None, text: str, contact: str, client_address: str) -> None:
    """Pass a barrier someone found to every administrator, in the app and at once by e-mail, with the date the answer is due.

    Visitors may send it too (the law's channel is for everyone) and leave an address for the answer; members are
    answered at their account's address unless they give another. Each network address may send a few an hour.
    """
    text, contact = text.strip(), normalise_email(contact)
    errors = {}
    if not text:
        errors["text"] = N_("Describe the barrier you found.")
    elif len(text) > FEEDBACK_MAX:
        errors["text"] = N_("Use at most 4000 characters.")
    if not contact and viewer is None:  # a member is answered at the account's address
        errors["contact"] = N_("Enter your e-mail address, so that we can answer.")
    elif contact and (len(contact) > 254 or not EMAIL_PATTERN.match(contact)):
        errors["contact"] = N_("Enter an e-mail address like name@example.org.")
    if errors:
        raise Invalid(errors)
    due = (utcnow() + timedelta(days=ANSWER_WITHIN_DAYS)).date().isoformat()
    with transaction() as session:
        limit = throttle.ACCESSIBILITY_FEEDBACK.on(client_address)
        throttle.check(limit, session=session)
        throttle.count(limit, session=session)
        admins = list(session.exec(select(User.id).where(User.role == Role.ADMIN, User.status == Status.APPROVED)).all())
        sender = session.get(User, viewer.id) if viewer is not None else None
        notifications.notify_many(
            session,
            user_ids=admins,
            kind="accessibility_feedback",
            link="/accessibility",
            actor=sender.name if sender else contact,
            text=text,
            contact=contact or (sender.email if sender else ""),
            due=due,
            urgent=True,
        )
