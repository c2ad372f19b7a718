"""A real clamd (Debian's clamav-daemon) on loopback for tests, knowing one local signature: the EICAR test string. Never freshclam."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.live_server import free_port

# The industry's harmless test "virus" (68 bytes); the signature below is written for it here, not downloaded.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def clamd_binary() -> str:
    """Where clamd is; a clear error when scripts/test-setup.sh has not installed it."""
    found = shutil.which("clamd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin")
    if found is None:
        raise RuntimeError("clamd is not installed: run `bash scripts/test-setup.sh` (it installs Debian's clamav-daemon)")
    return found


def _die_with_parent() -> None:
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # even a killed test run leaves no daemon behind


class Clamd:
    """A clamd in the foreground with its own folder, config, signature database and a free loopback port."""

    def __init__(self, folder: Path, *, stream_max_mb: int = 64):
        self.folder = folder
        self.stream_max_mb = stream_max_mb
        self._seen = 0
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.started_in = 0.0

    @property
    def address(self) -> str:
        """The value for settings.clamd_address."""
        return f"127.0.0.1:{self.port}"

    def start(self, *, attempts: int = 3, timeout: float = 60) -> None:
        """Start on a free port and wait until it answers PING; a start that fails retries on another port."""
        for attempt in range(1, attempts + 1):
            self.port = free_port()
            self._launch()
            began = time.monotonic()
            try:
                self._wait_until_ready(timeout)
                self.started_in = time.monotonic() - began
                return
            except RuntimeError:
                self.stop()
                if attempt == attempts:
                    raise

    def stop(self) -> None:
        """Kill the daemon at once; its port then refuses connections."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def ping(self) -> bool:
        """Whether clamd answers PONG."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as connection:
                connection.sendall(b"zPING\0")
                return connection.recv(16) == b"PONG\0"
        except OSError:
            return False

    def verdicts(self) -> list[str]:
        """What clamd answered so far for each stream, oldest first ("OK" or "<signature> FOUND").

        clamd writes its log line after it answers, so this waits (briefly) for a line newer than the last call saw.
        """
        log = self.folder / "clamd.log"
        deadline = time.monotonic() + 5
        while True:
            lines = log.read_text(errors="replace").splitlines() if log.exists() else []
            found = [line.partition("): ")[2] for line in lines if "instream(" in line]
            if len(found) > self._seen or time.monotonic() > deadline:
                self._seen = len(found)
                return found
            time.sleep(0.05)

    def _launch(self) -> None:
        database = self.folder / "database"
        database.mkdir(exist_ok=True)
        # A body signature (.ndb: name, any file type, any offset, hex) finds the string wherever it sits in a stream.
        (database / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
        (self.folder / "tmp").mkdir(exist_ok=True)
        limit = f"{self.stream_max_mb}M"
        config = self.folder / "clamd.conf"
        config.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"TCPSocket {self.port}",
                    "TCPAddr 127.0.0.1",
                    f"DatabaseDirectory {database}",
                    f"TemporaryDirectory {self.folder / 'tmp'}",
                    f"LogFile {self.folder / 'clamd.log'}",
                    f"PidFile {self.folder / 'clamd.pid'}",
                    "LogSyslog no",
                    "LogClean yes",
                    "SelfCheck 0",
                    # clamd answers OK, unscanned, for streams over MaxFileSize/MaxScanSize: keep them at the stream limit.
                    f"StreamMaxLength {limit}",
                    f"MaxFileSize {limit}",
                    f"MaxScanSize {limit}",
                    "",
                ]
            )
        )
        with (self.folder / "clamd.out").open("ab") as output:
            self.process = subprocess.Popen(
                [clamd_binary(), f"--config-file={config}"],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd exited with {self.process.returncode}:\n{self._log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"clamd did not answer PING in {timeout} s:\n{self._log_tail()}")
            time.sleep(0.05)

    def _log_tail(self) -> str:
        return "".join(path.read_text(errors="replace")[-3000:] for path in (self.folder / "clamd.out", self.folder / "clamd.log") if path.exists())


@contextlib.contextmanager
def clamd(*, stream_max_mb: int = 64) -> Iterator[Clamd]:
    """A started clamd in a temp folder, killed and removed at the end."""
    with tempfile.TemporaryDirectory(prefix="clamd-") as folder:
        server = Clamd(Path(folder), stream_max_mb=stream_max_mb)
        try:
            server.start()
            yield server
        finally:
            server.stop()
