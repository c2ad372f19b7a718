"""The instance's settings an administrator changes at run time, stored over the environment's defaults, and the SMTP test."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session

from partnerskap import memory
from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import N_, t
from partnerskap.memory import Remembered
from partnerskap.models import InstanceSettings, User
from partnerskap.models.base import utcnow
from partnerskap.services import audit, mail
from partnerskap.services.errors import Invalid
from partnerskap.services.permissions import require_admin
from partnerskap.services.sessions import Viewer

ROW_ID = 1
POLICIES = ("open", "approval")
NAME_MAX = 120
ORGANISATION_MAX = 160
DAYS_MAX = 365


@dataclasses.dataclass(frozen=True)
class Effective:
    """The settings in force: the administrators' where they set one, else the environment's (PARTNERSKAP_INSTANCE_NAME, _ORGANISATION, _MEMBERSHIP_POLICY, _PREMODERATION_DAYS, _CLOSED_GRACE_DAYS)."""

    instance_name: str
    organisation: str
    membership_policy: str
    premoderation_days: int
    closed_grace_days: int
    upload_limit_mb: int
    server_max_upload_mb: int

    @property
    def upload_limit_bytes(self) -> int:
        """The largest upload accepted, in bytes."""
        return self.upload_limit_mb * 1024 * 1024


_effective: Remembered[int, Effective] = Remembered(
    "instance settings",
    holds="the instance settings in force (instance.effective)",
    lasts="as long as a remembered session; one value",
    others_learn="when the remembered value expires; here a change forgets it once committed",
    seconds=lambda: config.settings.session_recheck_seconds,
    limit=1,
)


def effective() -> Effective:
    """The settings in force; every service reads them through this one function."""
    return _effective.remember(ROW_ID, _load)


def remembered() -> Effective | None:
    """The settings in force if this process remembers them (the event loop may read this), else None."""
    value = _effective.get(ROW_ID)
    return None if value is memory.UNKNOWN else value


def _load() -> Effective:
    with transaction() as session:
        row = session.get(InstanceSettings, ROW_ID)
    server_max = config.settings.max_upload_bytes // (1024 * 1024)
    if row is None:
        row = InstanceSettings(id=ROW_ID)
    return Effective(
        instance_name=row.instance_name or config.settings.instance_name,
        organisation=row.organisation or config.settings.instance_organisation,
        membership_policy=row.membership_policy or config.settings.membership_policy,
        premoderation_days=config.settings.premoderation_days if row.premoderation_days is None else row.premoderation_days,
        closed_grace_days=config.settings.closed_grace_days if row.closed_grace_days is None else row.closed_grace_days,
        upload_limit_mb=server_max if row.upload_limit_mb is None else min(row.upload_limit_mb, server_max),
        server_max_upload_mb=server_max,
    )


@dataclasses.dataclass(frozen=True)
class SettingsForm:
    """What an administrator fills in on the settings page (numbers as typed)."""

    instance_name: str
    organisation: str
    membership_policy: str
    premoderation_days: str
    closed_grace_days: str
    upload_limit_mb: str


DAYS_WRONG = N_("Enter a whole number of days from 0 to 365.")
MEGABYTES_WRONG = N_("Enter a whole number of megabytes from 1 to the server's maximum.")


def _number(text: str, field: str, errors: dict[str, str], *, least: int, most: int, wrong: str) -> int:
    text = text.strip()
    if not text.isdigit() or not least <= int(text) <= most:
        errors[field] = wrong
        return 0
    return int(text)


def save(viewer: Viewer, form: SettingsForm) -> Effective:
    """Change the settings (administrators only); the change is on the record and in force at once in this process."""
    require_admin(viewer)
    errors: dict[str, str] = {}
    name, organisation = form.instance_name.strip(), form.organisation.strip()
    if len(name) > NAME_MAX:
        errors["instance_name"] = N_("Use at most 120 characters.")
    if len(organisation) > ORGANISATION_MAX:
        errors["organisation"] = N_("Use at most 160 characters.")
    if form.membership_policy not in POLICIES:
        errors["membership_policy"] = N_("Choose one of the options.")
    premoderation = _number(form.premoderation_days, "premoderation_days", errors, least=0, most=DAYS_MAX, wrong=DAYS_WRONG)
    grace = _number(form.closed_grace_days, "closed_grace_days", errors, least=0, most=DAYS_MAX, wrong=DAYS_WRONG)
    upload = _number(form.upload_limit_mb, "upload_limit_mb", errors, least=1, most=config.settings.max_upload_bytes // (1024 * 1024), wrong=MEGABYTES_WRONG)
    if errors:
        raise Invalid(errors)
    with transaction() as session:
        row = session.get(InstanceSettings, ROW_ID) or InstanceSettings(id=ROW_ID)
        changed = _changes(row, name, organisation, form.membership_policy, premoderation, grace, upload)
        row.instance_name, row.organisation, row.membership_policy = name, organisation, form.membership_policy
        row.premoderation_days, row.closed_grace_days, row.upload_limit_mb = premoderation, grace, upload
        row.updated_by, row.updated_at = viewer.id, utcnow()
        session.add(row)
        audit.record(actor_id=viewer.id, action="settings.change", target_kind="instance", target_id=ROW_ID, reason=changed, session=session)
        _effective.forget_after_commit(session, keys=[ROW_ID])
    return effective()


def _changes(row: InstanceSettings, *values: object) -> str:
    names = ("instance_name", "organisation", "membership_policy", "premoderation_days", "closed_grace_days", "upload_limit_mb")
    return ", ".join(f"{name}: {value}" for name, value in zip(names, values, strict=True) if getattr(row, name) != value)[:2000]


def send_test_mail(viewer: Viewer) -> str:
    """Queue a test message to the administrator through the outbox (sent by SMTP when configured); returns the address."""
    require_admin(viewer)
    with transaction() as session:
        admin = _person(session, viewer.id)
        mail.queue(
            recipient=admin.email,
            subject=t("Test message from the Partnership Platform", admin.language),
            body=t("Hello {name},\n\nthis is a test message sent from the instance settings page. If it reached you, e-mail works.\n", admin.language, name=admin.name),
            session=session,
        )
        return admin.email


def _person(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    assert user is not None
    return user
