"""Notifications: in the app at once, by e-mail for the kinds a member picked, at once or as a digest."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from sqlalchemy import bindparam, event, func, insert, update
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import t
from partnerskap.models import Notification, NotificationSettings, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import mail
from partnerskap.services.errors import N_, Refused
from partnerskap.services.permissions import require_member
from partnerskap.services.sessions import Viewer

MESSAGES = {
    "mention": N_("{actor} mentioned you in \"{thread}\""),
    "reply": N_("{actor} replied in \"{thread}\""),
    "join_request": N_("{actor} asks to join \"{workspace}\""),
    "accepted": N_("You were admitted to \"{workspace}\""),
    "declined": N_("Your request to join \"{workspace}\" was declined"),
    "invitation": N_("{actor} invited you to \"{workspace}\""),
    "inactive": N_("\"{workspace}\" has had no activity for {days} days. Is it still needed? You can archive it."),
    "activity_confirm": N_("Does \"{activity}\" still run? Confirm it within {days} days, or it is hidden from the activity directory."),
}
EMAIL_KIND = {"accepted": "decision", "declined": "decision", "inactive": "decision", "activity_confirm": "decision"}
EMAIL_KINDS = ("mention", "reply", "join_request", "decision", "invitation")
FREQUENCIES = ("immediate", "daily", "weekly")
DIGEST_EVERY = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def text_of(notification: Notification, language: str) -> str:
    """The notification's sentence in a language."""
    return _text(notification.kind, notification.params, language)


def _text(kind: str, params: str, language: str) -> str:
    return t(MESSAGES[kind], language, **json.loads(params or "{}"))


DEFAULT_SETTINGS = NotificationSettings(user_id=0)  # what members who never chose have; only ever read
_SETTINGS_OF = select(NotificationSettings).where(col(NotificationSettings.user_id).in_(bindparam("user_ids", expanding=True)))
_NEW_NOTIFICATIONS = insert(Notification)
_UNREAD_COUNT = select(func.count()).select_from(Notification).where(col(Notification.user_id) == bindparam("user_id"), col(Notification.read_at).is_(None))
_PEOPLE = select(User).where(col(User.id).in_(bindparam("user_ids", expanding=True)))
# Every page shows the viewer's unread count: a process remembers each member's count until a notification of theirs
# is written or read here (or, for what other workers write, for as long as it trusts a remembered session).
_counts: dict[int, tuple[float, int]] = {}  # member -> (trusted until, on the monotonic clock; count)
_counts_generation = [0]  # moves whenever counts are forgotten, so a count read while one changes is not kept
_CHANGED_COUNTS = "partnerskap.changed_unread_counts"


def _settings(session: Session, user_id: int) -> NotificationSettings:
    return session.get(NotificationSettings, user_id) or NotificationSettings(user_id=user_id)


def notify(session: Session, *, user_id: int, kind: str, link: str, actor: str = "", workspace: Workspace | None = None, thread: str = "", **params: object) -> None:
    """Record a notification in the caller's transaction; e-mail it now if the member wants that."""
    notify_many(session, user_ids=[user_id], kind=kind, link=link, actor=actor, workspace=workspace, thread=thread, **params)


def notify_many(session: Session, *, user_ids: list[int], kind: str, link: str, actor: str = "", workspace: Workspace | None = None, thread: str = "", **params: object) -> None:
    """The same notification for several members: their settings and addresses read in one query each, one insert."""
    if not user_ids:
        return
    values = json.dumps({"actor": actor, "workspace": workspace.name if workspace else "", "thread": thread, **params}, ensure_ascii=False)
    chosen = {row.user_id: row for row in session.exec(_SETTINGS_OF, params={"user_ids": user_ids}).all()}
    wants_mail = [
        user_id
        for user_id in user_ids
        if EMAIL_KIND.get(kind, kind) in (preferences := chosen.get(user_id, DEFAULT_SETTINGS)).email_kinds.split(",")
        and preferences.frequency == "immediate"
    ]
    people = {user.id: user for user in session.exec(_PEOPLE, params={"user_ids": wants_mail}).all()} if wants_mail else {}
    now = utcnow()
    rows = []
    for user_id in user_ids:
        emailed_at = None
        if (user := people.get(user_id)) is not None:
            text = _text(kind, values, user.language)
            mail.queue(
                recipient=user.email,
                subject=text,
                body=t("{text}\n\nOpen it on the Partnership Platform:\n{link}\n", user.language, text=text, link=config.settings.public_url + link),
                session=session,
            )
            emailed_at = now
        rows.append({"user_id": user_id, "kind": kind, "workspace_id": workspace.id if workspace else None, "link": link, "params": values, "created_at": now, "emailed_at": emailed_at})
    session.connection().execute(_NEW_NOTIFICATIONS, rows)
    _counts_change(session, user_ids)


def recent(viewer: Viewer, *, limit: int = 50) -> list[Notification]:
    """The viewer's newest notifications."""
    require_member(viewer)
    with transaction() as session:
        return list(
            session.exec(select(Notification).where(Notification.user_id == viewer.id).order_by(col(Notification.id).desc()).limit(limit)).all()
        )


def unread_count(viewer: Viewer) -> int:
    """How many notifications the viewer has not opened (remembered by this process, see _counts)."""
    if (known := remembered_count(viewer)) is not None:
        return known
    now = time.monotonic()
    generation = _counts_generation[0]
    with transaction() as session:
        count = session.connection().execute(_UNREAD_COUNT, {"user_id": viewer.id}).scalar_one()
    if generation == _counts_generation[0]:
        if len(_counts) > 100_000:
            _counts.clear()
        _counts[viewer.id] = (now + config.settings.session_recheck_seconds, count)
    return count


def remembered_count(viewer: Viewer) -> int | None:
    """The viewer's unread count if this process remembers it (no database needed), else None."""
    entry = _counts.get(viewer.id)
    return entry[1] if entry is not None and time.monotonic() < entry[0] else None


def _counts_change(session: Session, user_ids: list[int]) -> None:
    """The members' unread counts change when this transaction commits."""
    session.info.setdefault(_CHANGED_COUNTS, set()).update(user_ids)


@event.listens_for(Session, "after_commit")
def _forget_counts(session: Session) -> None:
    if changed := session.info.pop(_CHANGED_COUNTS, None):
        _counts_generation[0] += 1
        for user_id in changed:
            _counts.pop(user_id, None)


@event.listens_for(Session, "after_rollback")
def _keep_counts(session: Session) -> None:
    session.info.pop(_CHANGED_COUNTS, None)


def mark_read(viewer: Viewer, notification_id: int | None = None) -> str:
    """Mark one notification (or all) read; returns the link to open."""
    require_member(viewer)
    with transaction() as session:
        _counts_change(session, [viewer.id])
        statement = update(Notification).where(col(Notification.user_id) == viewer.id, col(Notification.read_at).is_(None))
        if notification_id is None:
            session.exec(statement.values(read_at=utcnow()))
            return ""
        found = session.get(Notification, notification_id) if isinstance(notification_id, int) else None
        if found is None or found.user_id != viewer.id:
            raise Refused(N_("This notification does not exist."))
        found.read_at = found.read_at or utcnow()
        session.add(found)
        return found.link


def preferences(viewer: Viewer) -> NotificationSettings:
    """The viewer's e-mail choices."""
    require_member(viewer)
    with transaction() as session:
        return _settings(session, viewer.id)


def save_preferences(viewer: Viewer, *, kinds: list[str], frequency: str) -> NotificationSettings:
    """Pick which kinds come by e-mail, and how often."""
    require_member(viewer)
    if frequency not in FREQUENCIES or any(kind not in EMAIL_KINDS for kind in kinds):
        raise Refused(N_("Choose one of the options."))
    with transaction() as session:
        chosen = _settings(session, viewer.id)
        chosen.email_kinds = ",".join(kind for kind in EMAIL_KINDS if kind in kinds)
        chosen.frequency = frequency
        session.add(chosen)
        return chosen


def send_digests() -> int:
    """E-mail each daily or weekly member the notifications gathered since their last digest; returns how many went."""
    now = utcnow()
    sent = 0
    with transaction() as session:
        for chosen in session.exec(select(NotificationSettings).where(col(NotificationSettings.frequency).in_(list(DIGEST_EVERY)))).all():
            if chosen.last_digest_at and now - chosen.last_digest_at < DIGEST_EVERY[chosen.frequency]:
                continue
            kinds = chosen.email_kinds.split(",")
            waiting = [
                n
                for n in session.exec(
                    select(Notification).where(Notification.user_id == chosen.user_id, col(Notification.emailed_at).is_(None)).order_by(Notification.id)
                ).all()
                if EMAIL_KIND.get(n.kind, n.kind) in kinds
            ]
            chosen.last_digest_at = now
            session.add(chosen)
            user = session.get(User, chosen.user_id)
            if not waiting or user is None:
                continue
            lines = "\n".join(f"- {text_of(n, user.language)}\n  {config.settings.public_url}{n.link}" for n in waiting)
            mail.queue(
                recipient=user.email,
                subject=t("Your news from the Partnership Platform", user.language),
                body=t("Hello {name},\n\nhere is what happened:\n\n{lines}\n", user.language, name=user.name, lines=lines),
                session=session,
            )
            for n in waiting:
                n.emailed_at = now
                session.add(n)
            sent += 1
    return sent
