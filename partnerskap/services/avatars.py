"""People's faces: a profile picture, resized and stripped of metadata, kept in the storage; initials otherwise."""

from __future__ import annotations

import dataclasses
import io
import secrets
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from partnerskap.db import transaction
from partnerskap.i18n import N_
from partnerskap.models import Status, User
from partnerskap.services.errors import Invalid, Refused
from partnerskap.services.permissions import require_member
from partnerskap.services.sessions import Viewer
from partnerskap.storage import get_storage

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a larger image is refused before it is decoded (a decompression bomb)
SIDE = 256
CONTENT_TYPE = "image/jpeg"
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
NOT_A_PICTURE = N_("Choose a JPEG, PNG, WebP or GIF picture of at most 5 MB.")
NO_PICTURE = N_("This person has no picture.")


def initials(name: str) -> str:
    """The first letters of a person's first and last name, for when they have no picture."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum()]
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


def picture_url(person_id: int, key: str) -> str:
    """Where a member's picture is served ("" without one); the key's random part changes the address with the picture."""
    return f"/people/{person_id}/avatar?v={key.rsplit('/', 1)[-1].removesuffix('.jpg')}" if key else ""


def picture_from(data: bytes) -> bytes:
    """A square JPEG of SIDE pixels made from an uploaded picture, turned upright, with none of its metadata (location, camera)."""
    if not data or len(data) > MAX_BYTES:
        raise Invalid({"avatar": NOT_A_PICTURE})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS or image.width * image.height > MAX_PIXELS:
                    raise Invalid({"avatar": NOT_A_PICTURE})
                upright = ImageOps.exif_transpose(image)
                square = ImageOps.fit(upright.convert("RGB"), (SIDE, SIDE), method=Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise Invalid({"avatar": NOT_A_PICTURE}) from error
    clean = Image.frombytes("RGB", square.size, square.tobytes())  # only the pixels travel on: no EXIF, ICC, XMP or comments
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def set_picture(viewer: Viewer, data: bytes) -> str:
    """Make an uploaded picture the member's own (the one before is removed); returns its key."""
    require_member(viewer)
    picture = picture_from(data)
    storage = get_storage()
    key = f"avatars/{viewer.id}/{secrets.token_hex(8)}.jpg"
    upload = storage.begin(key)
    try:
        upload.write(picture)
        upload.complete()
    except BaseException:
        upload.abort()
        raise
    try:
        with transaction() as session:
            user = session.get(User, viewer.id)
            assert user is not None
            previous, user.avatar_key = user.avatar_key, key
            session.add(user)
    except BaseException:
        storage.delete(key)
        raise
    if previous:
        storage.delete(previous)
    return key


def remove_picture(viewer: Viewer) -> None:
    """Go back to initials."""
    require_member(viewer)
    with transaction() as session:
        user = session.get(User, viewer.id)
        assert user is not None
        previous, user.avatar_key = user.avatar_key, ""
        session.add(user)
    if previous:
        get_storage().delete(previous)


@dataclasses.dataclass(frozen=True)
class Picture:
    """A stored picture to send: its key and size."""

    key: str
    size: int


def picture_of(viewer: Viewer, person_id: int) -> Picture:
    """A member's picture, for other members (pictures are for the signed-in community, not the open web)."""
    require_member(viewer)
    with transaction() as session:
        person = session.get(User, person_id) if isinstance(person_id, int) else None
        if person is None or person.status not in (Status.APPROVED, Status.SUSPENDED) or not person.avatar_key:
            raise Refused(NO_PICTURE)
        key = person.avatar_key
    return Picture(key, get_storage().size(key))
