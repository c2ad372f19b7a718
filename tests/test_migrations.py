"""The alembic migrations and the models agree, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import partnerskap.models  # noqa: F401
from partnerskap import settings as config
from tests.conftest import POSTGRES_ADMIN_URL


def differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def test_models_match_the_migration_head():
    assert differences(config.settings.database_url) == []


@pytest.fixture
def scratch_postgres():
    """An empty PostgreSQL database for migrating up and down."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS partnerskap_migrations WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE partnerskap_migrations"))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/partnerskap_migrations"
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS partnerskap_migrations WITH (FORCE)"))
    admin.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migrations_go_up_and_down_cleanly(backend, tmp_path, request, monkeypatch):
    import dataclasses

    from alembic import command

    from partnerskap.cli import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}" if backend == "sqlite" else request.getfixturevalue("scratch_postgres")
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, database_url=url))
    command.upgrade(alembic_config(), "head")
    assert differences(url) == []
    command.downgrade(alembic_config(), "base")
    command.upgrade(alembic_config(), "head")
    assert differences(url) == []
