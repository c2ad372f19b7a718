"""The public transparency report: counted from the record, per month by reason and outcome, with no personal data."""

from datetime import UTC, datetime

from partnerskap.db import transaction
from partnerskap.models import AuditEntry
from partnerskap.services import transparency


def on_record(actor, action, kind, item, at, reason_code="", reason=""):
    with transaction() as session:
        session.add(AuditEntry(actor_id=actor.id, action=action, target_kind=kind, target_id=item, reason_code=reason_code, reason=reason, created_at=at))


def test_reports_and_decisions_are_counted_per_month_with_the_median_time_to_decision(admin, member, outsider):
    november, december = datetime(2026, 11, 3, 9, tzinfo=UTC), datetime(2026, 12, 1, 9, tzinfo=UTC)
    on_record(member, "report.received", "post", 1, november, "spam")
    on_record(outsider, "report.received", "post", 1, november.replace(hour=10), "spam")
    on_record(admin, "moderation.hide", "post", 1, november.replace(hour=11), reason="Advertising for a casino")
    on_record(member, "report.received", "document", 2, november.replace(day=30), "copyright")
    on_record(admin, "moderation.remove", "document", 2, december.replace(hour=3), reason="The photographer asked")
    on_record(member, "report.received", "user", 3, december, "harassment")
    on_record(admin, "moderation.dismiss", "user", 3, december.replace(hour=13))
    on_record(admin, "membership.approve", "user", 4, december)
    newest, oldest = transparency.months()
    assert (oldest.month, oldest.reports, oldest.actions, oldest.median_hours_to_decision) == ("2026-11", {"spam": 2, "copyright": 1}, {"hide": 1}, 2.0)
    assert oldest.actions_by_reason == {"spam": {"hide": 1}}
    assert (newest.month, newest.reports, newest.actions, newest.median_hours_to_decision) == ("2026-12", {"harassment": 1}, {"remove": 1, "dismiss": 1}, 11.0)
    assert newest.actions_by_reason == {"copyright": {"remove": 1}, "harassment": {"dismiss": 1}}


def test_the_published_report_holds_no_names_reasons_or_ids(admin, member):
    on_record(member, "report.received", "post", 41, datetime(2026, 12, 1, tzinfo=UTC), "privacy", reason="Bob posted my phone number")
    on_record(admin, "moderation.remove", "post", 41, datetime(2026, 12, 2, tzinfo=UTC), reason="Phone number of Dana")
    published = repr(transparency.as_json())
    for private in ("Bob", "Dana", "phone", "41", "Alice"):
        assert private not in published
    assert transparency.as_json()["months"][0]["actions"] == {"remove": 1}
