"""Push notifications: written with their notification, sent after it by one worker, readable only by the device, and
never posted to the server's own network."""

from __future__ import annotations

import dataclasses
import io
import json
import socket
import stat
import threading
import zipfile
from datetime import timedelta

import pytest
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import Notification, PushDelivery, PushSubscription, User
from partnerskap.models.base import utcnow
from partnerskap.services import notifications, privacy, push, sessions
from partnerskap.state.base import AppState
from partnerskap.services.errors import Refused
from partnerskap.state.notifications import NotificationsState
from tests.conftest import PASSWORD, make_person, viewer
from tests.handlers import Tab
from tests.push_receiver import Device, PushService, push_service
from tests.refusals import CHOOSE_AN_OPTION


@pytest.fixture
def keys():
    """The instance's VAPID key pair, as `prepare` makes it."""
    push.ensure_keys()
    return push.public_key()


@pytest.fixture
def loopback(monkeypatch):
    """Push endpoints on this machine allowed, as in tests only (PARTNERSKAP_PUSH_LOOPBACK)."""
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, push_loopback=True))


@pytest.fixture
def service(keys, loopback):
    """A push service on loopback that answers 201."""
    with push_service() as running:
        yield running


def switch_on(user: User, service: PushService, name: str = "phone") -> Device:
    """The member switches push on in a browser, which subscribes at the push service with keys of its own."""
    device = Device()
    push.subscribe(viewer(user), endpoint=f"{service.url}/push/{user.name}-{name}", p256dh=device.p256dh, auth=device.auth, device=f"Chromium on {name}")
    return device


def mention(user: User, thread: str = "Kick-off") -> None:
    with transaction() as session:
        notifications.notify(session, user_id=user.id, kind="mention", actor="Olivia", thread=thread, link="/threads/7")


def waiting() -> list[PushDelivery]:
    with transaction() as session:
        return list(session.exec(select(PushDelivery).order_by(PushDelivery.id)).all())


def devices_of(user: User) -> list[PushSubscription]:
    with transaction() as session:
        return list(session.exec(select(PushSubscription).where(PushSubscription.user_id == user.id)).all())


def test_prepare_makes_the_vapid_key_pair_once_readable_by_the_instance_only():
    assert push.ensure_keys() is True
    key_file = config.settings.data_dir / push.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    made = key_file.read_bytes()
    assert push.ensure_keys() is False and key_file.read_bytes() == made
    assert len(push._decoded(push.public_key())) == 65


def test_push_is_written_in_the_notifications_transaction_and_sent_only_after_it(member, service):
    switch_on(member, service)
    with pytest.raises(RuntimeError), transaction() as session:
        notifications.notify(session, user_id=member.id, kind="mention", actor="Olivia", thread="Kick-off", link="/threads/7")
        assert len(session.exec(select(PushDelivery)).all()) == 1  # written beside the notification, not sent
        assert service.received == []
        raise RuntimeError("the writer's change fails")
    assert waiting() == []
    with transaction() as session:
        assert session.exec(select(Notification)).all() == []
    mention(member)
    assert len(waiting()) == 1 and service.received == []


def test_member_s_device_receives_the_notification_in_their_language_readable_only_with_its_keys(password_hash, service, keys):
    finnish = make_person(password_hash, "Aino", language="fi")
    device = switch_on(finnish, service)
    mention(finnish)
    assert push.deliver_pending() == 1
    [arrived] = service.received
    message = device.read(arrived.body)
    assert message == {"title": "Kumppanuusalusta", "body": "Olivia mainitsi sinut keskusteluketjussa ”Kick-off”", "url": "/threads/7"}
    assert arrived.headers["content-encoding"] == "aes128gcm" and int(arrived.headers["ttl"]) == push.KEEP_SECONDS
    assert arrived.headers["authorization"].startswith("vapid t=") and f"k={keys}" in arrived.headers["authorization"]
    with pytest.raises(Exception):  # another device's keys read nothing
        Device().read(arrived.body)
    assert waiting() == [] and devices_of(finnish)[0].last_success_at is not None


def test_two_workers_delivering_at_once_send_each_push_once(member, outsider, service):
    switch_on(member, service, "phone")
    switch_on(member, service, "laptop")
    switch_on(outsider, service)
    for number in range(12):
        mention(member, f"Thread {number}")
        mention(outsider, f"Thread {number}")
    assert len(waiting()) == 36
    service.delay = 0.02  # each round's posts take a while, so the workers' rounds overlap
    sent: list[int] = []

    def worker():
        for _ in range(4):
            sent.append(push.deliver_pending())

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for running in workers:
        running.start()
    for running in workers:
        running.join()
    posts = [(arrived.path, arrived.body) for arrived in service.received]
    assert sum(sent) == 36 and len(posts) == 36
    bodies = {(path, bytes(body)) for path, body in posts}
    assert len(bodies) == 36
    assert sorted(path for path, _body in posts) == sorted(["/push/Bob-phone"] * 12 + ["/push/Bob-laptop"] * 12 + ["/push/Charlie-phone"] * 12)
    assert waiting() == []


def test_device_the_push_service_says_is_gone_is_forgotten_with_its_pushes(member, service):
    switch_on(member, service)
    mention(member)
    mention(member, "Budget")
    service.status = 410
    assert push.deliver_pending() == 0
    assert devices_of(member) == [] and waiting() == []


def test_push_the_service_cannot_take_now_is_tried_again_later_then_given_up(member, service):
    switch_on(member, service)
    mention(member)
    service.status = 503
    assert push.deliver_pending() == 0
    [later] = waiting()
    assert later.attempts == 1 and later.claimed_by is None and later.due_at > utcnow() + timedelta(seconds=20)
    assert push.deliver_pending() == 0 and len(service.received) == 1  # not before it is due
    with transaction() as session:
        session.get(PushDelivery, later.id).due_at = utcnow()
        session.get(PushDelivery, later.id).attempts = push.ATTEMPTS - 1
    push.deliver_pending()
    assert len(service.received) == 2 and waiting() == [] and len(devices_of(member)) == 1


def test_push_service_that_redirects_is_not_followed(member, service):
    switch_on(member, service)
    mention(member)
    service.status, service.location = 307, f"{service.url}/somewhere-else"
    assert push.deliver_pending() == 0
    assert [arrived.path for arrived in service.received] == ["/push/Bob-phone"]
    [later] = waiting()
    assert later.attempts == 1


def test_kind_the_member_switched_off_for_push_writes_no_push(member, service):
    switch_on(member, service)
    notifications.save_push_kinds(viewer(member), kinds=["reply"])
    mention(member)
    assert waiting() == []
    with transaction() as session:
        notifications.notify(session, user_id=member.id, kind="reply", actor="Olivia", thread="Kick-off", link="/threads/7")
    assert len(waiting()) == 1


def test_member_without_a_device_gets_no_push_but_the_notification(member, keys):
    mention(member)
    assert waiting() == [] and len(notifications.page(viewer(member)).notifications) == 1


def test_unknown_push_kind_is_refused_with_choose_an_option(member):
    with pytest.raises(Refused) as refusal:
        notifications.save_push_kinds(viewer(member), kinds=["everything"])
    assert refusal.value.message == CHOOSE_AN_OPTION


def test_member_cannot_remove_another_members_device(member, outsider, service):
    switch_on(member, service)
    [bobs] = devices_of(member)
    push.unsubscribe(viewer(outsider), endpoint=bobs.endpoint)
    assert devices_of(member) == [bobs]
    push.unsubscribe(viewer(member), endpoint=bobs.endpoint)
    assert devices_of(member) == []


async def test_member_who_logs_out_gets_no_more_pushes_on_that_device_but_on_their_others(member, service):
    switch_on(member, service, "laptop"), switch_on(member, service, "phone")
    [on_laptop] = [device.endpoint for device in devices_of(member) if device.device == "Chromium on laptop"]
    tab = Tab.of(member)
    state, _ = await tab.call(AppState, "log_out", on_laptop)
    assert sessions.resolve(tab.token) is None and state.continue_to == "/auth/logout"
    assert [device.device for device in devices_of(member)] == ["Chromium on phone"]
    mention(member)
    assert [delivery.subscription_id for delivery in waiting()] == [devices_of(member)[0].id]


async def test_logging_out_with_another_members_device_forgets_nothing_of_theirs(member, outsider, service):
    switch_on(member, service)
    [bobs] = devices_of(member)
    await Tab.of(outsider).call(AppState, "log_out", bobs.endpoint)
    assert devices_of(member) == [bobs]


def test_browser_another_member_used_moves_to_the_member_who_switches_push_on_there(member, outsider, service):
    shared = Device()
    endpoint = f"{service.url}/push/library-computer"
    push.subscribe(viewer(member), endpoint=endpoint, p256dh=shared.p256dh, auth=shared.auth, device="Library")
    push.subscribe(viewer(outsider), endpoint=endpoint, p256dh=shared.p256dh, auth=shared.auth, device="Library")
    assert devices_of(member) == [] and [device.endpoint for device in devices_of(outsider)] == [endpoint]


def test_member_s_oldest_device_makes_room_for_the_newest(member, service):
    for number in range(push.DEVICES_PER_MEMBER + 2):
        switch_on(member, service, f"device-{number}")
    names = sorted(device.device for device in devices_of(member))
    assert len(names) == push.DEVICES_PER_MEMBER and "Chromium on device-0" not in names and "Chromium on device-11" in names


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.net/send/1",  # plain HTTP
        "http://127.0.0.1:8080/send/1",  # loopback, not allowed on this instance
        "https://127.0.0.1/send/1",
        "https://10.0.0.8/send/1",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/send/1",
        "https://localhost/send/1",
        "https://metadata.localhost/send/1",
        "https://push.example.net:8443/send/1",  # another port than HTTPS's
        "https://user:secret@push.example.net/send/1",
        "file:///etc/passwd",
        "gopher://push.example.net/1",
        "https:///send/1",
        "https://push.example.net/" + "x" * 1000,
    ],
)
def test_endpoint_on_the_servers_own_network_or_not_https_is_refused(member, keys, endpoint):
    device = Device()
    with pytest.raises(Refused) as refusal:
        push.subscribe(viewer(member), endpoint=endpoint, p256dh=device.p256dh, auth=device.auth, device="")
    assert refusal.value.message == push.NOT_A_PUSH_ENDPOINT
    assert devices_of(member) == []


def test_keys_that_are_not_a_browsers_are_refused(member, keys):
    device = Device()
    endpoint = "https://push.example.net/send/1"
    for p256dh, auth in ((device.p256dh, "short"), ("A" * 87, device.auth), ("not base64 at all!", device.auth)):
        with pytest.raises(Refused) as refusal:
            push.subscribe(viewer(member), endpoint=endpoint, p256dh=p256dh, auth=auth, device="")
        assert refusal.value.message == push.NOT_A_PUSH_ENDPOINT


def test_push_service_name_that_resolves_to_a_private_address_is_never_posted_to(member, keys, monkeypatch):
    resolved = {"push.example.net": ["10.1.2.3"], "fcm.example.com": ["142.250.74.106", "2a00:1450:400f:80d::200a"]}
    monkeypatch.setattr(push, "_addresses", lambda host: resolved[host])
    device = Device()
    push.subscribe(viewer(member), endpoint="https://push.example.net/send/1", p256dh=device.p256dh, auth=device.auth, device="")
    mention(member)
    posted = []
    monkeypatch.setattr(push, "webpush", lambda *args, **kwargs: posted.append(args))
    assert push.deliver_pending() == 0
    assert posted == [] and devices_of(member) == [] and waiting() == []
    assert push.may_post_to("https://fcm.example.com/fcm/send/abc") is True
    assert push.may_post_to("https://push.example.net/send/1") is False


def test_device_whose_push_service_cannot_be_resolved_now_is_kept_and_its_push_tried_again(member, keys, monkeypatch):
    def unresolvable(host):
        raise socket.gaierror("Temporary failure in name resolution")

    monkeypatch.setattr(push, "_addresses", unresolvable)
    device = Device()
    push.subscribe(viewer(member), endpoint="https://push.example.net/send/1", p256dh=device.p256dh, auth=device.auth, device="")
    mention(member)
    assert push.deliver_pending() == 0
    [later] = waiting()
    assert later.attempts == 1 and len(devices_of(member)) == 1


def test_deleted_account_s_devices_are_forgotten(member, service):
    switch_on(member, service)
    mention(member)
    privacy.delete_account(viewer(member), PASSWORD, remove_content=False)
    assert devices_of(member) == [] and waiting() == []


async def test_member_s_tab_sending_an_internal_address_is_told_so_in_finnish_and_nothing_is_saved(password_hash, keys):
    aino = make_person(password_hash, "Aino", language="fi")
    device = Device()
    form = {"action": "on", "endpoint": "https://169.254.169.254/latest", "p256dh": device.p256dh, "auth": device.auth, "device": "Chromium"}
    state, _ = await Tab.of(aino, accept_language="fi-FI").call(NotificationsState, "save_push_device", form)
    assert state.notice == "Selain antoi osoitteen, johon alusta ei lähetä push-ilmoituksia."
    assert devices_of(aino) == []


def test_member_s_data_export_names_their_devices_but_not_their_keys(member, service):
    switch_on(member, service, "laptop")
    chunks, _name = privacy.export(viewer(member))
    profile = zipfile.ZipFile(io.BytesIO(b"".join(chunks))).read("profile.json").decode()
    [device] = json.loads(profile)["push_devices"]
    assert device["device"] == "Chromium on laptop" and device["switched_on"] and device["last_delivered"] is None
    assert devices_of(member)[0].auth not in profile and "/push/" not in profile
