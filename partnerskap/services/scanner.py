"""Virus scanning through ClamAV's daemon (INSTREAM), while bytes arrive; fails closed when configured but down."""

from __future__ import annotations

import socket
import struct

from partnerskap import settings as config
from partnerskap.i18n import N_
from partnerskap.services.errors import Refused

SCANNER_DOWN = N_("The virus scanner is not available, so uploads are paused. Try again later.")


class Scan:
    """One file streamed to clamd; `verdict()` says whether it is clean."""

    def __init__(self, address: str):
        try:
            self._socket = _connect(address, 30)
            self._socket.sendall(b"zINSTREAM\0")
        except (OSError, ValueError) as error:
            raise Refused(SCANNER_DOWN) from error

    def feed(self, chunk: bytes) -> None:
        """Send bytes to the scanner."""
        try:
            for start in range(0, len(chunk), 1 << 20):
                piece = chunk[start : start + (1 << 20)]
                self._socket.sendall(struct.pack("!L", len(piece)) + piece)
        except OSError as error:
            self.close()
            raise Refused(SCANNER_DOWN) from error

    def infected(self) -> bool:
        """Finish the stream; True when clamd found something."""
        try:
            self._socket.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                piece = self._socket.recv(4096)
                if not piece:
                    break
                answer += piece
        except OSError as error:
            raise Refused(SCANNER_DOWN) from error
        finally:
            self.close()
        text = answer.rstrip(b"\0").decode(errors="replace")
        if text.endswith("OK"):
            return False
        if "FOUND" in text:
            return True
        raise Refused(SCANNER_DOWN)

    def close(self) -> None:
        """Drop the connection."""
        try:
            self._socket.close()
        except OSError:
            pass


def answers(address: str, timeout: float = 2.0) -> bool:
    """Whether clamd at the address answers a PING."""
    try:
        with _connect(address, timeout) as connection:
            connection.sendall(b"zPING\0")
            return connection.recv(16).rstrip(b"\0") == b"PONG"
    except (OSError, ValueError):
        return False


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/"):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(address)
        except OSError:
            connection.close()
            raise
        return connection
    host, _, port = address.rpartition(":")
    return socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout)


def start() -> Scan | None:
    """A scan of a new upload, or None when no scanner is configured."""
    address = config.settings.clamd_address
    return Scan(address) if address else None
