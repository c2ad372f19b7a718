"""The database schema's migrations: alembic's configuration and bringing a database to the newest revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent


def alembic_config() -> Config:
    """Alembic's configuration, wherever the command is run from."""
    configured = Config(str(ROOT / "alembic.ini"))
    configured.set_main_option("script_location", str(ROOT / "alembic"))
    return configured


def migrate() -> None:
    """Bring the database schema to the newest migration."""
    command.upgrade(alembic_config(), "head")
