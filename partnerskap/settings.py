"""Settings read once from the environment (no Reflex import)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import tempfile
from pathlib import Path

MEMBERSHIP_POLICIES = ("approval", "open")
STORAGE_BACKENDS = ("local", "s3")
# SQLite in its write-ahead log mode: `normal` waits for the disk at each checkpoint (the app makes one every second),
# `full` at every commit. A crash of the app loses nothing either way; with `normal`, a power cut or a crash of the
# operating system may lose the last second of commits, never the database's consistency.
SQLITE_SYNCHRONOUS = ("normal", "full")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = _env(name).lower()
    return default if not value else value in {"1", "true", "yes", "on"}


def _secret_key(data_dir: Path) -> str:
    """The secret key from the environment, or one generated on first run and kept."""
    if key := _env("PARTNERSKAP_SECRET_KEY"):
        return key
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, written = tempfile.mkstemp(dir=data_dir, prefix=".secret_key.")  # 0600: never readable by others, not for a moment
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):  # another process of the instance made it first: use theirs
                os.link(written, key_file)
        finally:
            os.unlink(written)
    return key_file.read_text().strip()


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything an operator can configure."""

    data_dir: Path
    database_url: str
    redis_url: str
    public_url: str
    extra_origins: tuple[str, ...]
    local_trial: bool  # no public address configured: served to this computer only, at any of its loopback names
    secret_key: str
    membership_policy: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    mail_from: str
    session_idle_minutes: int
    session_absolute_hours: int
    session_recheck_seconds: int
    sqlite_synchronous: str
    stop_grace_seconds: int
    workspace_inactive_days: int
    premoderation_days: int
    closed_grace_days: int
    storage_backend: str
    storage_dir: Path
    s3_endpoint_url: str
    s3_bucket: str
    s3_region: str
    s3_access_key: str
    s3_secret_key: str
    s3_path_style: bool
    max_upload_bytes: int
    workspace_quota_bytes: int
    trash_days: int
    clamd_address: str
    trusted_proxies: int
    free_space_warn_bytes: int
    free_space_fail_bytes: int
    instance_name: str
    instance_organisation: str
    activity_confirm_months: int
    activity_grace_days: int
    map_tile_url: str
    map_attribution: str
    open_data_licence: str
    open_data_licence_url: str
    push_loopback: bool  # tests only: push endpoints on this machine over plain HTTP (see services/push.py)

    @property
    def allowed_origins(self) -> list[str]:
        """Origins the websocket accepts: the public address and any extra ones (other host names of one instance)."""
        return [self.public_url, *self.extra_origins]

    @property
    def cookie_prefix(self) -> str:
        """`__Host-` over HTTPS: such a cookie is only ever set by this very origin, never by a sibling host."""
        return "__Host-" if self.public_url.startswith("https://") else ""

    @property
    def map_tile_origin(self) -> str:
        """The origin map tiles come from, for the content security policy ('' without a tile server; {s} subdomains as *)."""
        if not self.map_tile_url.startswith(("https://", "http://")):
            return ""
        scheme, rest = self.map_tile_url.split("://", 1)
        return f"{scheme}://{rest.split('/', 1)[0].replace('{s}', '*')}"

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry `Secure` except on plain-HTTP localhost, which browsers treat as secure anyway."""
        return self.public_url.startswith("https://") or not _is_localhost(self.public_url)


def _is_localhost(url: str) -> bool:
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host in {"localhost", "127.0.0.1", "[::1]"}


def load() -> Settings:
    """Read the environment into a frozen settings object."""
    data_dir = Path(_env("PARTNERSKAP_DATA_DIR", "data")).resolve()
    policy = _env("PARTNERSKAP_MEMBERSHIP_POLICY", "approval")
    if policy not in MEMBERSHIP_POLICIES:
        raise ValueError(f"PARTNERSKAP_MEMBERSHIP_POLICY must be one of {MEMBERSHIP_POLICIES}")
    if _env("PARTNERSKAP_STORAGE", "local") not in STORAGE_BACKENDS:
        raise ValueError(f"PARTNERSKAP_STORAGE must be one of {STORAGE_BACKENDS}")
    synchronous = _env("PARTNERSKAP_SQLITE_SYNCHRONOUS", "normal").lower()
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"PARTNERSKAP_SQLITE_SYNCHRONOUS must be one of {SQLITE_SYNCHRONOUS}")
    if _int("PARTNERSKAP_TRUSTED_PROXIES", 0) < 0:
        raise ValueError("PARTNERSKAP_TRUSTED_PROXIES must be 0 or more")
    port = _env("PORT", "3000")
    redis_url = _env("REDIS_URL")
    configured_origins = tuple(origin.strip().rstrip("/") for origin in _env("PARTNERSKAP_EXTRA_ORIGINS").split(",") if origin.strip())
    public_url = _env("PARTNERSKAP_PUBLIC_URL").rstrip("/")
    if not public_url:  # a local trial: every loopback name of the serving port works
        public_url = f"http://localhost:{port}"
        configured_origins += (f"http://127.0.0.1:{port}", f"http://[::1]:{port}")
    return Settings(
        data_dir=data_dir,
        database_url=_env("DATABASE_URL", f"sqlite:///{data_dir / 'partnerskap.db'}"),
        redis_url=redis_url,
        public_url=public_url,
        extra_origins=configured_origins,
        local_trial=not _env("PARTNERSKAP_PUBLIC_URL"),
        secret_key=_secret_key(data_dir),
        membership_policy=policy,
        smtp_host=_env("SMTP_HOST"),
        smtp_port=_int("SMTP_PORT", 587),
        smtp_user=_env("SMTP_USER"),
        smtp_password=_env("SMTP_PASSWORD"),
        smtp_starttls=_bool("SMTP_STARTTLS", True),
        mail_from=_env("MAIL_FROM", "Partnerskap <noreply@localhost>"),
        session_idle_minutes=_int("PARTNERSKAP_SESSION_IDLE_MINUTES", 120),
        session_absolute_hours=_int("PARTNERSKAP_SESSION_ABSOLUTE_HOURS", 24 * 14),
        # One worker hears of every change to accounts and sessions; several learn of each other's within this.
        session_recheck_seconds=_int("PARTNERSKAP_SESSION_RECHECK_SECONDS", 5 if redis_url else 60),
        sqlite_synchronous=synchronous,
        # On SIGTERM, events already running get this long to finish and answer before the server stops anyway.
        stop_grace_seconds=_int("PARTNERSKAP_STOP_GRACE_SECONDS", 10),
        workspace_inactive_days=_int("PARTNERSKAP_WORKSPACE_INACTIVE_DAYS", 180),
        # Posts and documents of members who joined less than this many days ago wait for approval (0: never).
        premoderation_days=_int("PARTNERSKAP_PREMODERATION_DAYS", 0),
        # How long members of a closed workspace can still download what they uploaded, before it may be deleted.
        closed_grace_days=_int("PARTNERSKAP_CLOSED_GRACE_DAYS", 30),
        storage_backend=_env("PARTNERSKAP_STORAGE", "local"),
        storage_dir=Path(_env("PARTNERSKAP_STORAGE_DIR", str(data_dir / "documents"))).resolve(),
        s3_endpoint_url=_env("S3_ENDPOINT_URL"),
        s3_bucket=_env("S3_BUCKET", "partnerskap"),
        s3_region=_env("S3_REGION", "us-east-1"),
        s3_access_key=_env("S3_ACCESS_KEY_ID"),
        s3_secret_key=_env("S3_SECRET_ACCESS_KEY"),
        s3_path_style=_bool("S3_PATH_STYLE", True),
        max_upload_bytes=_int("PARTNERSKAP_MAX_UPLOAD_MB", 100) * 1024 * 1024,
        workspace_quota_bytes=_int("PARTNERSKAP_WORKSPACE_QUOTA_MB", 2048) * 1024 * 1024,
        trash_days=_int("PARTNERSKAP_TRASH_DAYS", 30),
        clamd_address=_env("CLAMD_ADDRESS"),
        # How many reverse proxies in front of the app append to X-Forwarded-For; with none, the header is the client's own say.
        trusted_proxies=_int("PARTNERSKAP_TRUSTED_PROXIES", 0),
        free_space_warn_bytes=_int("PARTNERSKAP_FREE_SPACE_WARN_MB", 2048) * 1024 * 1024,
        free_space_fail_bytes=_int("PARTNERSKAP_FREE_SPACE_FAIL_MB", 200) * 1024 * 1024,
        # Who runs this instance, told on the public front page and in link previews.
        instance_name=_env("PARTNERSKAP_INSTANCE_NAME", "Partnerskap"),
        instance_organisation=_env("PARTNERSKAP_ORGANISATION"),
        activity_confirm_months=_int("PARTNERSKAP_ACTIVITY_CONFIRM_MONTHS", 6),
        activity_grace_days=_int("PARTNERSKAP_ACTIVITY_GRACE_DAYS", 30),
        map_tile_url=_env("PARTNERSKAP_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        map_attribution=_env("PARTNERSKAP_MAP_ATTRIBUTION", "© OpenStreetMap contributors"),
        open_data_licence=_env("PARTNERSKAP_OPEN_DATA_LICENCE", "CC BY 4.0"),
        open_data_licence_url=_env("PARTNERSKAP_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"),
        push_loopback=_bool("PARTNERSKAP_PUSH_LOOPBACK", False),
    )


settings = load()
