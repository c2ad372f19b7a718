"""No secret in any log: cookies, session tokens, tickets and link tokens are blanked in every record."""

import logging

import pytest

from partnerskap.ops import redaction

SESSION = "Xy7-session-token-of-bertil_0123456789abcdefghij"
TICKET = "Tq9-login-ticket_0123456789abcdefghijklmnop"


@pytest.fixture
def records(monkeypatch):
    """The records a logger makes once the redaction is installed (as the app installs it at start)."""
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())  # undone after the test
    redaction.install()
    caught: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = caught.append
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield logger, caught
    logger.removeHandler(handler)


def formatted(records: list[logging.LogRecord]) -> str:
    return "\n".join(logging.Formatter().format(record) for record in records)


def test_an_events_request_headers_are_logged_without_the_cookie(records):
    logger, caught = records
    router_data = {"headers": {"origin": "http://localhost:3000", "cookie": f"partnerskap_session={SESSION}; partnerskap_login=abc"}, "token": "client-token"}
    logger.error("Error processing event queue entry for Event(router_data=%s)", router_data)
    logger.warning("Event data: %r", {"HTTP_COOKIE": f"__Host-partnerskap_session={SESSION}"})
    text = formatted(caught)
    assert SESSION not in text and "client-token" not in text
    assert "'origin': 'http://localhost:3000'" in text, "what is not secret stays readable"


def test_tickets_and_link_tokens_in_paths_and_tracebacks_are_blanked(records):
    logger, caught = records
    logger.info('127.0.0.1 - "GET /auth/complete?ticket=%s&next=/account HTTP/1.1" 303', TICKET)
    try:
        raise KeyError(f"/reset?token={TICKET}")
    except KeyError:
        logger.exception("Failed with Cookie: partnerskap_session=%s", SESSION)
    text = formatted(caught)
    assert TICKET not in text and SESSION not in text
    assert "next=/account" in text and "KeyError" in text
