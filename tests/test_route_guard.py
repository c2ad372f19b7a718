"""The HTTP routes for members share one guard: the session on every request, refusals in the person's language."""

from __future__ import annotations

import httpx
import pytest

from partnerskap import api
from partnerskap.db import transaction
from partnerskap.models import Membership, User
from partnerskap.services import calendar, sessions, workspaces
from partnerskap.services.sessions import Viewer
from partnerskap.services.workspaces import WorkspaceForm
from tests.conftest import make_person


def viewer(user: User) -> Viewer:
    with transaction() as session:
        return Viewer.of(session.get(User, user.id))


def cookie_of(user: User) -> dict[str, str]:
    with transaction() as session:
        ticket = sessions.issue_ticket(user.id, session=session)
    return {sessions.COOKIE_NAME: sessions.exchange_ticket(ticket)}


@pytest.fixture
async def client():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.routes()), base_url="http://localhost") as client:
        yield client


@pytest.fixture
def closed_workspace(password_hash: str, member: User) -> int:
    """Olivia's invitation-only workspace, with Bob in it and an event on its calendar."""
    olivia = make_person(password_hash, "Olivia")
    created = workspaces.create(viewer(olivia), WorkspaceForm(name="Secret Circle", purpose="Inner circle", access="invitation"))
    with transaction() as session:
        session.add(Membership(workspace_id=created.id, user_id=member.id))
    calendar.add_event(viewer(member), created.id, calendar.EventForm(title="Kick-off", starts="2030-01-01T10:00", ends="2030-01-01T11:00"))
    return created.id


@pytest.mark.parametrize("path", ["/workspaces/{id}/calendar.ics", "/workspaces/{id}/export.zip", "/documents/{id}/download"])
async def test_visitor_is_asked_to_log_in_in_their_browsers_language(client, closed_workspace, path):
    answer = await client.get(path.format(id=closed_workspace), headers={"Accept-Language": "sv-FI,sv;q=0.9"})
    assert (answer.status_code, answer.text) == (403, "Logga in för att fortsätta.")


async def test_outsider_is_refused_the_calendar_in_their_own_language(client, password_hash, closed_workspace):
    finnish_outsider = make_person(password_hash, "Charlie", language="fi")
    answer = await client.get(f"/workspaces/{closed_workspace}/calendar.ics", cookies=cookie_of(finnish_outsider))
    assert (answer.status_code, answer.text) == (404, "Työtilaa ei ole olemassa, tai sinulla ei ole siihen käyttöoikeutta.")
    assert "Kick-off" not in answer.text


async def test_member_gets_the_calendar_and_an_admin_reaches_it_for_moderation(client, member, admin, closed_workspace):
    for person in (member, admin):
        answer = await client.get(f"/workspaces/{closed_workspace}/calendar.ics", cookies=cookie_of(person))
        assert answer.status_code == 200
        assert "SUMMARY:Kick-off" in answer.text


async def test_member_refused_the_whole_library_is_told_why_in_english(client, member, closed_workspace):
    answer = await client.get(f"/workspaces/{closed_workspace}/export.zip?scope=all", cookies=cookie_of(member))
    assert (answer.status_code, answer.text) == (404, "Only the workspace's owners can do this.")


async def test_admin_downloads_the_filtered_record_as_csv_and_a_member_is_refused(client, admin, member, outsider, applicant):
    from partnerskap.services import membership

    membership.approve(viewer(admin), applicant.id)
    membership.suspend(viewer(admin), member.id, "Spam")
    answer = await client.get("/admin/audit.csv?action=membership.suspend&actor=alice@example.org", cookies=cookie_of(admin))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    header, *rows = answer.text.strip().splitlines()
    assert header.startswith("id,time,actor_id,actor,action") and len(rows) == 1 and ",membership.suspend,user," in rows[0]
    refused = await client.get("/admin/audit.csv", cookies=cookie_of(outsider))
    assert (refused.status_code, refused.text) == (404, "Only administrators can do this.")
    bad_day = await client.get("/admin/audit.csv?since=yesterday", cookies=cookie_of(admin))
    assert (bad_day.status_code, bad_day.text) == (404, "Enter a date like 2026-12-31.")


async def test_visitor_reads_the_transparency_report_as_json(client, admin, member):
    from partnerskap.services import audit

    with transaction() as session:
        audit.record(actor_id=member.id, action="report.received", target_kind="post", target_id=5, reason_code="spam", session=session)
        audit.record(actor_id=admin.id, action="moderation.hide", target_kind="post", target_id=5, reason="Casino ads", session=session)
    answer = await client.get("/transparency.json")
    [month] = answer.json()["months"]
    assert (answer.status_code, month["reports"], month["actions"], month["actions_by_reason"]) == (200, {"spam": 1}, {"hide": 1}, {"spam": {"hide": 1}})


async def test_member_downloads_their_data_as_one_zip_and_a_visitor_is_asked_to_log_in(client, member):
    import io
    import json
    import zipfile

    answer = await client.get("/account/my-data.zip", cookies=cookie_of(member))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    assert json.loads(zipfile.ZipFile(io.BytesIO(answer.content)).read("profile.json"))["name"] == "Bob"
    visitor = await client.get("/account/my-data.zip", headers={"Accept-Language": "en"})
    assert (visitor.status_code, visitor.text) == (403, "Log in to continue.")
