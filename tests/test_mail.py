"""E-mail: every message lands in the outbox; with SMTP configured it is also delivered by a real SMTP server."""

import dataclasses

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from sqlmodel import select

from partnerskap import settings as config
from partnerskap.db import transaction
from partnerskap.models import OutboxMessage
from partnerskap.services import mail
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
