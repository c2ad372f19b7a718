"""E-mail: every message lands in the outbox; with SMTP configured it is also delivered by a real SMTP server."""

import dataclasses
import email
import email.policy
import re
import threading
import uuid
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from sqlalchemy import text, update
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import OutboxMessage
from partnerskap.models.base import utcnow
from partnerskap.services import accounts, claims, mail
from partnerskap.services.errors import Refused
from tests.conftest import use_postgres
from tests.live_server import free_port


class Recorder(Sink):
    """An SMTP server that keeps what it receives."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch):
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False))
    yield recorder
    controller.stop()


def queue_one(recipient="bob@example.org"):
    with transaction() as session:
        mail.queue(recipient=recipient, subject="Hei", body="Tervetuloa", session=session)


def test_without_smtp_mail_waits_in_the_outbox_for_admins():
    queue_one()
    assert mail.deliver_pending() == 0
    with transaction() as session:
        message = session.exec(select(OutboxMessage)).one()
    assert message.sent_at is None and message.body == "Tervetuloa"


def test_with_smtp_mail_is_delivered_once(smtp_server):
    queue_one()
    assert mail.deliver_pending() == 1
    assert mail.deliver_pending() == 0
    assert [envelope.rcpt_tos for envelope in smtp_server.received] == [["bob@example.org"]]
    with transaction() as session:
        assert session.exec(select(OutboxMessage)).one().sent_at is not None


def test_unreachable_smtp_keeps_the_message_with_its_error(monkeypatch):
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False))
    queue_one()
    assert mail.deliver_pending() == 0
    with transaction() as session:
        message = session.exec(select(OutboxMessage)).one()
    assert message.sent_at is None and message.error


def test_failed_message_is_delivered_when_smtp_comes_back(monkeypatch, smtp_server):
    working = config.settings
    monkeypatch.setattr(config, "settings", dataclasses.replace(working, smtp_port=free_port()))
    queue_one()
    assert mail.deliver_pending() == 0
    monkeypatch.setattr(config, "settings", working)
    assert mail.deliver_pending() == 1
    assert len(smtp_server.received) == 1


def outbox_ids() -> list[int]:
    with transaction() as session:
        return list(session.exec(select(OutboxMessage.id).order_by(OutboxMessage.id)).all())


def test_a_slow_smtp_server_holds_no_lock_on_the_outbox_while_it_receives(smtp_server, monkeypatch):
    queue_one("bob@example.org")
    queue_one("carol@example.org")
    first = outbox_ids()[0]
    written_meanwhile = []

    async def receive_and_write(server, session, envelope):
        if not written_meanwhile:  # during the first SMTP session: another transaction changes the message being sent
            with transaction() as other:
                if use_postgres():
                    other.exec(text("SET LOCAL lock_timeout = '2s'"))  # a row locked by the sender would wait, then fail
                other.exec(update(OutboxMessage).where(OutboxMessage.id == first).values(subject="Hei taas"))
            written_meanwhile.append(first)
        smtp_server.received.append(envelope)
        return "250 OK"

    monkeypatch.setattr(smtp_server, "handle_DATA", receive_and_write, raising=False)
    assert mail.deliver_pending() == 2  # the sender's own writes came after, in a transaction of their own
    assert written_meanwhile == [first] and len(smtp_server.received) == 2


def test_two_workers_delivering_at_once_send_each_message_once(smtp_server):
    for number in range(2 * mail.BATCH + 3):
        queue_one(f"member{number}@example.org")
    start = threading.Barrier(2)
    sent = []

    def worker():
        start.wait()
        while delivered := mail.deliver_pending():
            sent.append(delivered)

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    recipients = [envelope.rcpt_tos[0] for envelope in smtp_server.received]
    assert sorted(recipients) == sorted(f"member{number}@example.org" for number in range(2 * mail.BATCH + 3)) and sum(sent) == len(recipients)


def test_a_message_claimed_by_a_worker_that_stopped_is_sent_after_its_lease(smtp_server):
    queue_one()
    stopped_at = utcnow() - mail.LEASE
    assert claims.claim_ready(OutboxMessage, (), claim=uuid.uuid4().hex, lease=mail.LEASE - timedelta(seconds=1), limit=1, now=stopped_at)
    assert mail.deliver_pending() == 1 and len(smtp_server.received) == 1


def test_a_message_another_worker_is_sending_is_left_to_it(smtp_server):
    queue_one()
    assert claims.claim_ready(OutboxMessage, (), claim=uuid.uuid4().hex, lease=mail.LEASE, limit=1, now=utcnow())
    assert mail.deliver_pending() == 0 and smtp_server.received == []


def stored_outbox_rows() -> str:
    """Every column of every outbox row, as the database (and so a backup) holds them."""
    with transaction() as session:
        return repr(session.exec(text("SELECT * FROM outboxmessage")).all())


def test_the_outbox_holds_no_working_link_yet_smtp_delivers_one(smtp_server):
    accounts.register(
        accounts.Registration(name="Frida", email="frida@example.org", organisation="", password="a long passphrase here", accepted_terms=True, language="en"),
        "192.0.2.1",
    )
    stored = stored_outbox_rows()
    assert "/confirm?token=…" in stored
    for candidate in set(re.findall(r"[\w-]{16,}", stored)):
        with pytest.raises(Refused, match="^This link is invalid or has expired.$"):
            accounts.confirm_email(candidate)

    assert mail.deliver_pending() == 1
    delivered = email.message_from_bytes(smtp_server.received[0].content, policy=email.policy.default).get_content()
    token = re.search(r"/confirm\?token=([\w-]+)", delivered).group(1)
    assert token not in stored
    assert accounts.confirm_email(token).email == "frida@example.org"
    with transaction() as session:
        assert session.exec(select(OutboxMessage)).one().sealed_links == ""  # sent: the token is forgotten


def test_a_link_sealed_with_another_secret_key_is_not_sent_and_says_why(smtp_server, monkeypatch):
    with transaction() as session:
        mail.queue(recipient="bob@example.org", subject="Reset", body="Open https://example.org/reset?token=abcdefghijklmnop-1234 now", session=session)
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, secret_key="a different instance"))
    assert mail.deliver_pending() == 0
    with transaction() as session:
        message = session.exec(select(OutboxMessage)).one()
    assert message.sent_at is None and "another secret key" in message.error
    assert smtp_server.received == []


def test_the_body_comes_back_whole_with_several_links():
    body = "Confirm: https://example.org/confirm?token=first-Token_1\nOr reset: https://example.org/reset?a=1&token=second-token-2 (…)\n"
    cut, sealed = mail.seal(body)
    assert cut == "Confirm: https://example.org/confirm?token=…\nOr reset: https://example.org/reset?a=1&token=… (…)\n"
    assert "first-Token_1" not in sealed and mail.readable_body(OutboxMessage(recipient="x", subject="y", body=cut, sealed_links=sealed)) == body
