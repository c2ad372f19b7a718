"""Keeps secrets out of every log: cookies, session tokens, login tickets and link tokens are blanked in each record.

Reflex logs an event's router data, request headers and cookies included, when the event names an unknown
handler or its processing fails; servers log request paths with their query strings. Every record made in the
process passes through one record factory, so no handler, logger or later logging configuration can skip it.
"""

from __future__ import annotations

import logging
import re
import traceback

HIDDEN = "[hidden]"
_SECRETS = [
    # A Cookie header as a mapping entry or an HTTP line: `'cookie': '…'`, `"HTTP_COOKIE": "…"`, `Cookie: …`.
    (re.compile(r"""(['"]?(?:http_)?cookie['"]?\s*:\s*)(['"])(?:\\.|(?!\2).)*\2""", re.IGNORECASE), rf"\1\2{HIDDEN}\2"),
    (re.compile(r"^(\s*(?:set-)?cookie:\s*).+$", re.IGNORECASE | re.MULTILINE), rf"\1{HIDDEN}"),
    # A token or ticket as a mapping entry, a query parameter or a cookie pair.
    (re.compile(r"""(['"](?:token|ticket)['"]\s*:\s*)(['"])(?:\\.|(?!\2).)*\2""", re.IGNORECASE), rf"\1\2{HIDDEN}\2"),
    (re.compile(r"""((?:token|ticket|partnerskap_session|partnerskap_login)=)[^\s&;'",)\]}]+""", re.IGNORECASE), rf"\1{HIDDEN}"),
]


def redact(text: str) -> str:
    """The text with every cookie, token and ticket value blanked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _redacting_factory(make_record):
    def make(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep its parts apart, each blanked
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    make.redacting = True
    return make


def install() -> None:
    """Blank secrets in every log record made from now on, by any logger (once per process)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "redacting", False):
        logging.setLogRecordFactory(_redacting_factory(factory))
