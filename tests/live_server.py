"""A real instance for browser and websocket tests: migrated, with an admin, served in production mode."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "admin passphrase for tests"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclasses.dataclass
class LiveServer:
    """A running instance and a way to look into its database."""

    url: str
    database_url: str
    data_dir: Path
    process: subprocess.Popen

    def query(self, sql: str, **params) -> list:
        """Rows of a read-only query against the instance's database."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return list(connection.execute(text(sql), params))
        finally:
            engine.dispose()

    def last_mail_to(self, recipient: str) -> str:
        """The body of the newest e-mail to someone."""
        rows = self.query("SELECT body FROM outboxmessage WHERE recipient = :r ORDER BY id DESC LIMIT 1", r=recipient)
        assert rows, f"no e-mail to {recipient}"
        return rows[0][0]


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


@contextlib.contextmanager
def running_instance(**extra_env: str) -> Iterator[LiveServer]:
    """Prepare and serve an instance until the block ends."""
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="partnerskap-live-"))
    env = server_environment(port, data_dir, **extra_env)
    subprocess.run([sys.executable, "-m", "partnerskap.cli", "prepare"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(data_dir / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port", "--backend-port", str(port), "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://localhost:{port}"
    try:
        _wait_until_up(url, process, data_dir / "server.log")
        yield LiveServer(url=url, database_url=env["DATABASE_URL"], data_dir=data_dir, process=process)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        if process.poll() is None:
            os.killpg(process.pid, 9)
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log_path.read_text()[-4000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/healthz", timeout=2).status_code == 200 and httpx.get(url + "/", timeout=5).status_code == 200:
                return
        time.sleep(1)
    raise RuntimeError(f"the server did not start in {timeout} s:\n{log_path.read_text()[-4000:]}")
