"""People have faces: a picture made small and square, stripped of what the camera wrote, shown only to members."""

from __future__ import annotations

import dataclasses
import io

import httpx
import pytest
from PIL import Image

from partnerskap import api
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import User
from partnerskap.schemas import MemberRow, PostPublic
from partnerskap.services import avatars, discussions, sessions, workspaces
from partnerskap.services.errors import Invalid, Refused
from partnerskap.storage import get_storage
from tests.conftest import viewer
from tests.refusals import NOT_APPROVED


@pytest.fixture(autouse=True)
def storage_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, storage_backend="local", storage_dir=tmp_path / "documents"))


def photo_with_location(width: int = 1200, height: int = 800) -> bytes:
    """A camera's JPEG: wider than tall, with EXIF naming the camera and the place it was taken."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Kamera Oy"  # Make
    exif[0x8825] = {1: "N", 2: (60.0, 10.0, 0.0)}  # GPSInfo: latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Helsinki, home")
    return out.getvalue()


def stored_picture(user: User) -> bytes:
    with transaction() as session:
        key = session.get(User, user.id).avatar_key
    return b"".join(get_storage().open(key))


def test_member_picture_is_made_small_and_square_and_loses_its_metadata(member):
    avatars.set_picture(viewer(member), photo_with_location())
    picture = stored_picture(member)
    with Image.open(io.BytesIO(picture)) as image:
        assert (image.format, image.size) == ("JPEG", (avatars.SIDE, avatars.SIDE))
        assert not image.getexif() and "comment" not in image.info and "icc_profile" not in image.info
    assert b"Kamera Oy" not in picture and b"Helsinki" not in picture


def test_a_new_picture_replaces_the_old_one_in_the_storage(member):
    first = avatars.set_picture(viewer(member), photo_with_location())
    second = avatars.set_picture(viewer(member), photo_with_location(300, 600))
    assert list(get_storage().keys("avatars/")) == [second] and first != second
    avatars.remove_picture(viewer(member))
    assert list(get_storage().keys("avatars/")) == []


@pytest.mark.parametrize("data", [b"", b"GIF89a not really", b"%PDF-1.4\n%%EOF\n", b"\xff" * (avatars.MAX_BYTES + 1)])
def test_what_is_not_a_picture_is_refused_and_nothing_is_stored(member, data):
    with pytest.raises(Invalid) as refused:
        avatars.set_picture(viewer(member), data)
    assert refused.value.errors == {"avatar": avatars.NOT_A_PICTURE}
    assert list(get_storage().keys("avatars/")) == []


def test_applicant_cannot_set_a_picture(applicant):
    with pytest.raises(Refused, match=NOT_APPROVED):
        avatars.set_picture(viewer(applicant), photo_with_location())


def test_initials_stand_in_for_a_picture():
    assert [avatars.initials(name) for name in ("Liisa Mäkinen", "Åsa", "Anna-Maria von Wright", "")] == ["LM", "Å", "AW", "?"]


def cookie_of(user: User) -> dict[str, str]:
    with transaction() as session:
        ticket = sessions.issue_ticket(user.id, session=session)
    return {sessions.COOKIE_NAME: sessions.exchange_ticket(ticket)}


@pytest.fixture
async def client():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.routes()), base_url="http://localhost") as client:
        yield client


async def test_members_see_a_picture_through_the_route_and_visitors_do_not(client, member, outsider):
    key = avatars.set_picture(viewer(member), photo_with_location())
    address = avatars.picture_url(member.id, key)
    seen = await client.get(address, cookies=cookie_of(outsider))
    assert (seen.status_code, seen.headers["content-type"], seen.content) == (200, "image/jpeg", stored_picture(member))
    anonymous = await client.get(address)
    assert anonymous.status_code == 403 and anonymous.content != seen.content


async def test_someone_without_a_picture_gets_a_refusal(client, member, outsider):
    answer = await client.get(f"/people/{member.id}/avatar", cookies=cookie_of(outsider))
    assert (answer.status_code, answer.text) == (404, "This person has no picture.")


def test_posts_and_member_lists_show_the_authors_picture_or_initials(owner, member, workspace):
    key = avatars.set_picture(viewer(member), photo_with_location())
    thread = discussions.start_thread(viewer(member), workspace.id, "Faces", "Hello", "key-faces-thread")
    discussions.reply(viewer(owner), thread.id, "Hi", "key-faces-reply")
    shown = [PostPublic.of(view, "en") for view in discussions.open_thread(viewer(owner), thread.id).posts]
    assert [(post.picture, post.initials) for post in shown] == [(avatars.picture_url(member.id, key), "B"), ("", "O")]
    rows = {row.name: row for row in map(MemberRow.of, workspaces.members(viewer(owner), workspace.id))}
    assert (rows["Bob"].picture, rows["Olivia"].initials) == (avatars.picture_url(member.id, key), "O")
