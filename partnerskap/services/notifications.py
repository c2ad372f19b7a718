"""Notifications: in the app at once, by e-mail for the kinds a member picked, at once or as a digest, by push to their devices."""

from __future__ import annotations

import dataclasses

import json
import logging
import threading
from datetime import timedelta

from sqlalchemy import bindparam, func, insert, update
from sqlmodel import Session, col, select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.i18n import N_, t
from partnerskap.memory import UNKNOWN, Remembered
from partnerskap.models import Notification, NotificationSettings, Role, Status, User, Workspace
from partnerskap.models.base import utcnow
from partnerskap.services import mail, push
from partnerskap.services.errors import Refused
from partnerskap.services.permissions import require_member
from partnerskap.services.sessions import Viewer

log = logging.getLogger(__name__)

MESSAGES = {
    "mention": N_("{actor} mentioned you in \"{thread}\""),
    "reply": N_("{actor} replied in \"{thread}\""),
    "message": N_("{actor} wrote to you: \"{thread}\""),
    "join_request": N_("{actor} asks to join \"{workspace}\""),
    "accepted": N_("You were admitted to \"{workspace}\""),
    "declined": N_("Your request to join \"{workspace}\" was declined"),
    "invitation": N_("{actor} invited you to \"{workspace}\""),
    "inactive": N_("\"{workspace}\" has had no activity for {days} days. Is it still needed? You can archive it."),
    "report_received": N_("Thank you: your report of \"{item}\" arrived. The moderators will look at it."),
    "report_outcome": N_("Your report of \"{item}\" was decided: {decision}."),
    "moderation_decision": N_("A moderator's decision about \"{item}\": {decision}. Reason: {reason}"),
    "workspace_closed": N_("The administrators closed \"{workspace}\". Reason: {reason}. You can download the files you uploaded for {days} days."),
    "workspace_reopened": N_("The administrators reopened \"{workspace}\"."),
    "application": N_("{actor} applied for membership and waits for approval"),
    "storage_full": N_("The platform's storage is full: uploads and new posts fail until there is room again. Free space on the server."),
    "news": N_("News: {title}"),
    "accessibility_feedback": N_("Accessibility feedback from {actor} (answer to {contact} by {due}): \"{text}\""),
    "activity_confirm": N_("Does \"{activity}\" still run? Confirm it within {days} days, or it is hidden from the activity directory."),
}
# Unread notifications of one kind about one place (the same link) are shown, and e-mailed in digests, as one.
GROUP_MESSAGES = {
    "mention": N_("{count} mentions of you in \"{thread}\""),
    "reply": N_("{count} new replies in \"{thread}\""),
    "join_request": N_("{count} requests to join \"{workspace}\""),
    "application": N_("{count} people applied for membership and wait for approval"),
}
EMAIL_KIND = {"message": "mention", "accepted": "decision", "declined": "decision", "inactive": "decision", "moderation_decision": "decision", "workspace_closed": "decision", "activity_confirm": "decision"}
# The moderators' decisions, named in a notification's sentence in the reader's language.
DECISION_NAMES = {
    "dismiss": N_("no action"),
    "approve": N_("approved"),
    "hide": N_("hidden"),
    "remove": N_("removed"),
    "warn": N_("a warning"),
    "suspend": N_("membership suspended"),
    "close": N_("workspace closed"),
}
EMAIL_KINDS = ("mention", "reply", "join_request", "decision", "invitation", "news", "application")
FREQUENCIES = ("immediate", "daily", "weekly")
DIGEST_EVERY = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def text_of(notification: Notification, language: str) -> str:
    """The notification's sentence in a language."""
    return _text(notification.kind, notification.params, language)


def _text(kind: str, params: str, language: str) -> str:
    values = json.loads(params or "{}")
    if kind == "news":  # news carries its title in each language it was written in
        values["title"] = values.get(f"title_{language}") or values.get("title", "")
    if "decision" in values:
        values["decision"] = t(DECISION_NAMES.get(values["decision"], values["decision"]), language)
    return t(MESSAGES[kind], language, **values)


@dataclasses.dataclass(frozen=True)
class Group:
    """Notifications of one kind about one place, shown as one: the newest of them and how many there are."""

    newest: Notification
    count: int

    def text(self, language: str) -> str:
        """The group's sentence in a language: the notification's own when alone."""
        if self.count == 1 or self.newest.kind not in GROUP_MESSAGES:
            return text_of(self.newest, language)
        return t(GROUP_MESSAGES[self.newest.kind], language, count=self.count, **json.loads(self.newest.params or "{}"))


def grouped(newest_first: list[Notification], *, unread_only: bool = True) -> list[Group]:
    """Merge notifications of one kind about one place (unread ones only, unless told), keeping the order of each group's newest."""
    groups: dict[tuple, list[Notification]] = {}
    for notification in newest_first:
        merges = notification.kind in GROUP_MESSAGES and (notification.read_at is None or not unread_only)
        key = (notification.kind, notification.link) if merges else ("single", notification.id)
        groups.setdefault(key, []).append(notification)
    return [Group(members[0], len(members)) for members in groups.values()]


DEFAULT_SETTINGS = NotificationSettings(user_id=0)  # what members who never chose have; only ever read
_SETTINGS_OF = select(NotificationSettings).where(col(NotificationSettings.user_id).in_(bindparam("user_ids", expanding=True)))
_NEW_NOTIFICATIONS = insert(Notification)
_UNREAD_COUNT = select(func.count()).select_from(Notification).where(col(Notification.user_id) == bindparam("user_id"), col(Notification.read_at).is_(None))
_PEOPLE = select(User).where(col(User.id).in_(bindparam("user_ids", expanding=True)))
# Every page shows the viewer's unread count: a process remembers each member's count until a notification of theirs
# is written or read here (or, for what other workers write, for as long as it trusts a remembered session).
_counts: Remembered[int, int] = Remembered(
    "unread counts",
    holds="each member's count of unread notifications (member -> count)",
    lasts="as long as a remembered session; 100,000 members",
    others_learn="when the remembered count expires",
    seconds=lambda: config.settings.session_recheck_seconds,
    limit=100_000,
)


def _settings(session: Session, user_id: int) -> NotificationSettings:
    return session.get(NotificationSettings, user_id) or NotificationSettings(user_id=user_id)


def notify(session: Session, *, user_id: int, kind: str, link: str, actor: str = "", workspace: Workspace | None = None, thread: str = "", **params: object) -> None:
    """Record a notification in the caller's transaction; e-mail and push it now if the member wants that."""
    notify_many(session, user_ids=[user_id], kind=kind, link=link, actor=actor, workspace=workspace, thread=thread, **params)


def notify_many(
    session: Session,
    *,
    user_ids: list[int],
    kind: str,
    link: str,
    actor: str = "",
    workspace: Workspace | None = None,
    thread: str = "",
    urgent: bool = False,
    **params: object,
) -> None:
    """The same notification for several members: their settings, devices and addresses read in one query each, one insert.

    Pushes for the members' devices are only written here, in the caller's transaction (`push.deliver_pending` sends
    them once it has committed). An urgent one (something administrators must act on) is e-mailed at once, and pushed,
    to everyone, whatever they chose.
    """
    if not user_ids:
        return
    values = json.dumps({"actor": actor, "workspace": workspace.name if workspace else "", "thread": thread, **params}, ensure_ascii=False)
    chosen = {} if urgent else {row.user_id: row for row in session.exec(_SETTINGS_OF, params={"user_ids": user_ids}).all()}
    wants_mail = user_ids if urgent else [
        user_id
        for user_id in user_ids
        if EMAIL_KIND.get(kind, kind) in (preferences := chosen.get(user_id, DEFAULT_SETTINGS)).email_kinds.split(",")
        and preferences.frequency == "immediate"
    ]
    wants_push = user_ids if urgent else [user_id for user_id in user_ids if EMAIL_KIND.get(kind, kind) in chosen.get(user_id, DEFAULT_SETTINGS).push_kinds.split(",")]
    devices = push.devices_of(session, wants_push)
    readers = set(wants_mail) | set(devices)
    people = {user.id: user for user in session.exec(_PEOPLE, params={"user_ids": list(readers)}).all()} if readers else {}
    mailed = set(wants_mail)
    now = utcnow()
    rows = []
    for user_id in user_ids:
        emailed_at = None
        user = people.get(user_id)
        if user is not None and user_id in devices and user.status == Status.APPROVED:
            push.queue(session, subscription_ids=devices[user_id], text=_text(kind, values, user.language), link=link, language=user.language)
        if user is not None and user_id in mailed:
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
    _counts.forget_after_commit(session, keys=user_ids)


def tell_admins_of_application(session: Session, applicant: User) -> None:
    """Notify every administrator, in the caller's transaction, that someone waits for approval."""
    admins = list(session.exec(select(User.id).where(User.role == Role.ADMIN, User.status == Status.APPROVED)).all())
    notify_many(session, user_ids=admins, kind="application", link="/admin", actor=applicant.name)


STORAGE_FULL_REPEAT = timedelta(hours=1)
_telling_admins = threading.Lock()  # one worker's threads tell once; other workers see the notification written


def tell_admins_storage_full() -> bool:
    """Notify every administrator, in the app and by e-mail, that the storage is full: once an hour at most.

    Returns whether they were told now. Never raises: with the database full as well nothing can be written, and
    the failure's own log line and /healthz still say it.
    """
    try:
        with _telling_admins, transaction() as session:
            since = utcnow() - STORAGE_FULL_REPEAT
            if session.exec(select(Notification.id).where(Notification.kind == "storage_full", col(Notification.created_at) >= since).limit(1)).first():
                return False
            admins = list(session.exec(select(User.id).where(User.role == Role.ADMIN, User.status == Status.APPROVED)).all())
            notify_many(session, user_ids=admins, kind="storage_full", link="/admin", urgent=True)
            return bool(admins)
    except Exception as error:  # noqa: BLE001  (telling is best effort; the member's failure stands either way)
        log.warning("Could not tell the administrators that the storage is full: %s", type(error).__name__)
        return False


@dataclasses.dataclass(frozen=True)
class NotificationsPage:
    """The notifications page: the viewer's newest notifications, their e-mail and push choices, the key browsers subscribe with."""

    notifications: list[Notification]
    settings: NotificationSettings
    push_key: str


def page(viewer: Viewer, *, limit: int = 50) -> NotificationsPage:
    """The viewer's newest notifications and e-mail and push choices, read in one transaction."""
    require_member(viewer)
    with transaction() as session:
        newest = session.exec(select(Notification).where(Notification.user_id == viewer.id).order_by(col(Notification.id).desc()).limit(limit)).all()
        return NotificationsPage(list(newest), _settings(session, viewer.id), push.public_key())


def unread_count(viewer: Viewer) -> int:
    """How many notifications the viewer has not opened (remembered by this process, see _counts)."""
    return _counts.remember(viewer.id, lambda: _count_unread(viewer.id))


def _count_unread(user_id: int) -> int:
    with transaction() as session:
        return session.connection().execute(_UNREAD_COUNT, {"user_id": user_id}).scalar_one()


def remembered_count(viewer: Viewer) -> int | None:
    """The viewer's unread count if this process remembers it (no database needed), else None."""
    count = _counts.get(viewer.id)
    return None if count is UNKNOWN else count


def mark_read(viewer: Viewer, notification_id: int | None = None) -> str:
    """Mark one notification (or all) read; returns the link to open."""
    require_member(viewer)
    with transaction() as session:
        _counts.forget_after_commit(session, keys=[viewer.id])
        statement = update(Notification).where(col(Notification.user_id) == viewer.id, col(Notification.read_at).is_(None))
        if notification_id is None:
            session.exec(statement.values(read_at=utcnow()))
            return ""
        found = session.get(Notification, notification_id) if isinstance(notification_id, int) else None
        if found is None or found.user_id != viewer.id:
            raise Refused(N_("This notification does not exist."))
        found.read_at = found.read_at or utcnow()
        session.add(found)
        if found.kind in GROUP_MESSAGES:  # it stood for the unread others of its kind in that place
            session.exec(statement.where(col(Notification.kind) == found.kind, col(Notification.link) == found.link).values(read_at=found.read_at))
        return found.link


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


def save_push_kinds(viewer: Viewer, *, kinds: list[str]) -> NotificationSettings:
    """Pick which kinds come as push notifications to the member's devices."""
    require_member(viewer)
    if any(kind not in EMAIL_KINDS for kind in kinds):
        raise Refused(N_("Choose one of the options."))
    with transaction() as session:
        chosen = _settings(session, viewer.id)
        chosen.push_kinds = ",".join(kind for kind in EMAIL_KINDS if kind in kinds)
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
            lines = "\n".join(
                f"- {group.text(user.language)}\n  {config.settings.public_url}{group.newest.link}" for group in grouped(waiting[::-1], unread_only=False)
            )
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
