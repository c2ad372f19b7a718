"""The administrators' dashboard: one service call, counted from the tables and the record."""

from datetime import timedelta

import pytest

from partnerskap.db import transaction
from partnerskap.models import AuditEntry, OutboxMessage
from partnerskap.models.base import utcnow
from partnerskap.services import dashboard
from partnerskap.services.errors import Refused
from tests.conftest import viewer
from tests.refusals import ADMINS_ONLY


def test_admin_sees_members_by_status_open_cases_by_age_and_outbox_failures(admin, member, applicant, denied, workspace):
    now = utcnow()
    with transaction() as session:
        session.add(AuditEntry(actor_id=member.id, action="report.received", target_kind="post", target_id=1, reason_code="spam", created_at=now - timedelta(days=3)))
        session.add(AuditEntry(actor_id=member.id, action="report.received", target_kind="post", target_id=2, reason_code="spam", created_at=now - timedelta(days=40)))
        session.add(AuditEntry(actor_id=member.id, action="report.received", target_kind="post", target_id=3, reason_code="spam", created_at=now - timedelta(days=2)))
        session.add(AuditEntry(actor_id=admin.id, action="moderation.dismiss", target_kind="post", target_id=3, created_at=now - timedelta(days=1)))
        session.add(OutboxMessage(recipient="x@example.org", subject="s", body="b", error="Connection refused"))
    seen = dashboard.overview(viewer(admin))
    assert seen.members_by_status == {"approved": 3, "pending": 1, "denied": 1}
    assert (seen.open_cases_by_age, seen.oldest_open_case_days) == ({"week": 1, "older": 1}, 40)
    assert seen.outbox_failures == 1
    assert seen.workspaces_by_activity == {"week": 1}
    assert len(seen.weeks) == len(seen.registrations) == dashboard.WEEKS and seen.registrations[-1] == 5


def test_member_cannot_open_the_dashboard(member):
    with pytest.raises(Refused, match=ADMINS_ONLY):
        dashboard.overview(viewer(member))
