"""The accessibility statement's feedback channel (to the administrators, answered within 14 days) and its record of the last check."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from partnerskap.db import transaction
from partnerskap.models import Notification, OutboxMessage
from partnerskap.models.base import utcnow
from partnerskap.services import accessibility, notifications
from partnerskap.services.errors import Invalid, Refused
from tests.conftest import viewer

ADDRESS = "192.0.2.7"
TOO_MANY = "Too many attempts. Try again in {seconds} seconds."


def feedback_notifications() -> list[Notification]:
    with transaction() as session:
        return list(session.exec(select(Notification).where(Notification.kind == "accessibility_feedback")).all())


def test_visitors_feedback_reaches_every_administrator_in_the_app_and_by_mail_with_the_answer_due_in_14_days(admin, member):
    accessibility.send_feedback(None, "The Send button cannot be reached with Tab.", "Reader@Example.org", ADDRESS)
    [told] = feedback_notifications()
    due = (utcnow() + timedelta(days=14)).date().isoformat()
    assert told.user_id == admin.id and told.link == "/accessibility"
    text = notifications.text_of(told, "en")
    assert "The Send button cannot be reached with Tab." in text and "reader@example.org" in text and due in text
    with transaction() as session:
        mailed = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == admin.email)).all()
    assert any("The Send button cannot be reached with Tab." in message.subject for message in mailed)


def test_members_feedback_is_answered_at_their_accounts_address_when_they_give_none(admin, member):
    accessibility.send_feedback(viewer(member), "Contrast of the badges is too low.", "", ADDRESS)
    [told] = feedback_notifications()
    values = json.loads(told.params)
    assert values["contact"] == member.email and values["actor"] == member.name


@pytest.mark.parametrize(
    ("text", "contact", "field", "message"),
    [
        ("   ", "reader@example.org", "text", "Describe the barrier you found."),
        ("x" * 4001, "reader@example.org", "text", "Use at most 4000 characters."),
        ("A barrier.", "", "contact", "Enter your e-mail address, so that we can answer."),
        ("A barrier.", "not an address", "contact", "Enter an e-mail address like name@example.org."),
    ],
)
def test_visitors_feedback_without_text_or_answerable_address_is_refused_beside_the_field_and_tells_nobody(admin, text, contact, field, message):
    with pytest.raises(Invalid) as refused:
        accessibility.send_feedback(None, text, contact, ADDRESS)
    assert refused.value.errors[field] == message
    assert feedback_notifications() == []


def test_sixth_feedback_from_one_address_within_an_hour_is_refused_as_too_many_attempts(admin):
    for number in range(5):
        accessibility.send_feedback(None, f"Barrier number {number}.", "reader@example.org", ADDRESS)
    with pytest.raises(Refused) as refused:
        accessibility.send_feedback(None, "One more.", "reader@example.org", ADDRESS)
    assert refused.value.message == TOO_MANY
    assert len(feedback_notifications()) == 5
    accessibility.send_feedback(None, "From another address.", "reader@example.org", "192.0.2.8")


def test_statement_reads_the_date_and_result_of_the_last_check_the_suite_recorded(tmp_path):
    record = tmp_path / "check.json"
    assert accessibility.last_check(record) is None
    record.write_text(json.dumps({"date": "2026-12-07", "pages": {"visitor": 52, "member": 52, "admin": 52}, "serious_or_critical_problems": 0}))
    assert accessibility.last_check(record) == accessibility.LastCheck(date="2026-12-07", pages=156, problems=0)
