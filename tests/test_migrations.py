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

    from partnerskap.migrations import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}" if backend == "sqlite" else request.getfixturevalue("scratch_postgres")
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, database_url=url))
    command.upgrade(alembic_config(), "head")
    assert differences(url) == []
    command.downgrade(alembic_config(), "base")
    command.upgrade(alembic_config(), "head")
    assert differences(url) == []


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_posts_written_before_0005_are_rendered_by_it(backend, tmp_path, request, monkeypatch):
    import dataclasses
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import column, select, table

    from partnerskap.migrations import alembic_config
    from partnerskap.models import Status, Thread, User, Workspace

    url = f"sqlite:///{tmp_path / 'm.db'}" if backend == "sqlite" else request.getfixturevalue("scratch_postgres")
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, database_url=url))
    command.upgrade(alembic_config(), "0004")
    now = datetime.now(UTC)
    post = table("post", column("id"), column("thread_id"), column("author_id"), column("body"), column("idempotency_key"), column("created_at"), column("deleted_at"))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                User.__table__.insert(),
                dict(id=1, email="olivia@example.org", name="Olivia", organisation="", password_hash="!", status=Status.APPROVED, role="member", language="en", status_reason="", terms_accepted_at=now, created_at=now),
            )
            connection.execute(
                Workspace.__table__.insert(),
                dict(id=1, name="Baltic Bridges", name_key="baltic bridges", purpose="", description="", kind="project", language="en", colour="teal", lifecycle="active", access="open", created_by=1, created_at=now, last_activity_at=now),
            )
            connection.execute(Thread.__table__.insert(), dict(id=1, workspace_id=1, title="Kick-off", author_id=1, pinned=False, created_at=now, last_post_at=now, post_count=2))
            connection.execute(
                post.insert(),
                [
                    dict(id=1, thread_id=1, author_id=1, body="**Welcome**, everyone!", idempotency_key="k1", created_at=now, deleted_at=None),
                    dict(id=2, thread_id=1, author_id=1, body="My phone number", idempotency_key="k2", created_at=now, deleted_at=now),
                ],
            )
        command.upgrade(alembic_config(), "head")
        with engine.connect() as connection:
            rendered = connection.execute(select(column("id"), column("html")).select_from(table("post")).order_by(column("id"))).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rendered] == [(1, "<p><strong>Welcome</strong>, everyone!</p>\n"), (2, "")]
