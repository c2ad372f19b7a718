"""A real instance for browser and websocket tests: migrated, with an admin, served in production mode."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import create_engine, text

from partnerskap import settings as config
from partnerskap.models import OutboxMessage
from partnerskap.services import mail

ROOT = Path(__file__).resolve().parent.parent
ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "admin passphrase for tests"
# The test admin's authenticator, enrolled when the instance is prepared; `admin_code` computes its current code.
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_codes_given: dict[str, int] = {}  # the newest time step whose code each secret gave, since the server takes a step once
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclasses.dataclass
class LiveServer:
    """A running instance and a way to look into its database; it can be stopped and started again."""

    url: str
    database_url: str
    data_dir: Path
    process: subprocess.Popen | None = None
    env: dict[str, str] = dataclasses.field(default_factory=dict, repr=False)
    backend_only: bool = False  # no pages: for tests that only talk to the server (its routes and websocket)
    _start_lock: IO | None = dataclasses.field(default=None, repr=False)

    def query(self, sql: str, **params) -> list:
        """Rows of a read-only query against the instance's database."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return list(connection.execute(text(sql), params))
        finally:
            engine.dispose()

    def last_mail_to(self, recipient: str) -> str:
        """The body of the newest e-mail to someone, as SMTP would deliver it (its one-time links unsealed with the instance's key)."""
        rows = self.query("SELECT body, sealed_links FROM outboxmessage WHERE recipient = :r ORDER BY id DESC LIMIT 1", r=recipient)
        assert rows, f"no e-mail to {recipient}"
        previous = config.settings
        config.settings = dataclasses.replace(previous, secret_key=self.env["PARTNERSKAP_SECRET_KEY"])
        try:
            return mail.readable_body(OutboxMessage(body=rows[0][0], sealed_links=rows[0][1]))
        finally:
            config.settings = previous

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self) -> None:
        """Launch `reflex run` (which compiles the frontend first) on the instance's port, without waiting for it.

        The server holds the checkout's start lock until it is up or stopped, so no other server of any test process
        (`make test` runs two side by side) starts meanwhile: every `reflex run` copies its frontend lockfile back
        into the project's `reflex.lock`, and a server starting then read a half-written copy (its frozen
        `bun install` failed).
        """
        self._start_lock = (ROOT / ".test-server-start.lock").open("w")
        fcntl.flock(self._start_lock, fcntl.LOCK_EX)
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only" if self.backend_only else "--single-port", "--backend-port", self.env["PORT"], "--loglevel", "warning"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_up(self, timeout: float = 600) -> None:
        """Wait until the instance answers its health check and serves the front page."""
        try:
            _wait_until_up(self.url, self.process, self.log_path, timeout, pages=not self.backend_only)
        finally:
            self._release_start_lock()

    def _release_start_lock(self) -> None:
        if self._start_lock is not None:
            self._start_lock.close()  # closing the file releases its lock
            self._start_lock = None

    def stop(self, signal_number: int = signal.SIGTERM) -> None:
        """Stop the server and its workers; SIGKILL stops them as a crash would."""
        self._release_start_lock()
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal_number)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the group's stragglers, and the server itself if it did not stop
        self.process.wait()
        self.process = None

    def restart(self, signal_number: int = signal.SIGKILL) -> None:
        """Stop the server and serve the same instance again on the same port."""
        self.stop(signal_number)
        self.start()
        self.wait_until_up()


def server_environment(port: int, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of an instance on a port with its own data folder."""
    env = {
        **os.environ,
        "PORT": str(port),
        "PARTNERSKAP_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'partnerskap.db'}",
        "PARTNERSKAP_PUBLIC_URL": f"http://localhost:{port}",
        "PARTNERSKAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "PARTNERSKAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "PARTNERSKAP_DEMO": "0",
        "PARTNERSKAP_SECRET_KEY": "live-server-secret",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "0",
        "REFLEX_WEB_WORKDIR": str(data_dir / "web"),
        "REFLEX_STATES_WORKDIR": str(data_dir / "states"),
        "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        **extra,
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def prepared_instance(*, port: int | None = None, prepare: bool = True, backend_only: bool = False, **extra_env: str) -> LiveServer:
    """An instance with its own data folder, not yet started; `prepare=False` for another backend of a database already prepared."""
    port = port or free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="partnerskap-live-"))
    env = server_environment(port, data_dir, **extra_env)
    if prepare:
        subprocess.run([sys.executable, "-m", "partnerskap.cli", "prepare"], cwd=ROOT, env=env, check=True, capture_output=True)
        enrol_second_factor(env, ADMIN_EMAIL, ADMIN_TOTP_SECRET)
    return LiveServer(url=f"http://localhost:{port}", database_url=env["DATABASE_URL"], data_dir=data_dir, env=env, backend_only=backend_only)


@contextlib.contextmanager
def serving(*servers: LiveServer) -> Iterator[tuple[LiveServer, ...]]:
    """Start the servers one after another, each once the one before is up (see `LiveServer.start`), and stop them all when the block ends."""
    try:
        for server in servers:
            server.start()
            server.wait_until_up()
        yield servers
    finally:
        for server in servers:
            server.stop()


@contextlib.contextmanager
def running_instance(**extra_env: str) -> Iterator[LiveServer]:
    """Prepare and serve an instance until the block ends."""
    server = prepared_instance(**extra_env)
    with serving(server):
        yield server


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 600, *, pages: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log_path.read_text()[-4000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/healthz", timeout=2).status_code == 200 and (not pages or httpx.get(url + "/", timeout=5).status_code == 200):
                return
        time.sleep(1)
    raise RuntimeError(f"the server did not start in {timeout} s:\n{log_path.read_text()[-4000:]}")


def enrol_second_factor(env: dict[str, str], email: str, secret: str) -> None:
    """Switch two-factor sign-in on for a person of an instance with a known secret (in the instance's own environment, for its secret key)."""
    script = (
        "import sys\n"
        "from sqlmodel import select\n"
        "from partnerskap.db import transaction\n"
        "from partnerskap.models import User\n"
        "from partnerskap.services import two_factor\n"
        "with transaction() as session:\n"
        "    user = session.exec(select(User).where(User.email == sys.argv[1])).one()\n"
        "    two_factor.switch_on_with_secret(user, sys.argv[2], session=session)\n"
    )
    subprocess.run([sys.executable, "-c", script, email, secret], cwd=ROOT, env=env, check=True, capture_output=True)


def admin_code(secret: str = ADMIN_TOTP_SECRET) -> str:
    """A code the server has not accepted yet from an authenticator holding the secret (it takes each step once)."""
    import pyotp

    totp = pyotp.TOTP(secret)
    step = max(_codes_given.get(secret, 0) + 1, totp.timecode(datetime.now(UTC)))
    while step > totp.timecode(datetime.now(UTC)) + 1:  # both codes the server accepts now are spent: wait for the next step
        time.sleep(totp.interval - time.time() % totp.interval + 0.1)
    _codes_given[secret] = step
    return totp.generate_otp(step)
