"""The alembic migrations and the models agree, on SQLite and on PostgreSQL."""

import dataclasses

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import partnerskap.models  # noqa: F401
from partnerskap import settings as config
from partnerskap.services import search_index
from tests.conftest import scratch_postgres


def differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": search_index.in_schema})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def test_models_match_the_migration_head():
    assert differences(config.settings.database_url) == []


@pytest.fixture(name="scratch_postgres")
def scratch_postgres_database():
    """An empty PostgreSQL database for migrating up and down."""
    yield from scratch_postgres()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request, tmp_path, monkeypatch) -> str:
    """An empty database of each kind, the one the migrations and the services use during the test; its URL."""
    url = f"sqlite:///{tmp_path / 'm.db'}" if request.param == "sqlite" else request.getfixturevalue("scratch_postgres")
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, database_url=url))
    return url


def test_migrations_go_up_and_down_cleanly(empty_database):

    from alembic import command

    from partnerskap.migrations import alembic_config

    url = empty_database
    command.upgrade(alembic_config(), "head")
    assert differences(url) == []
    command.downgrade(alembic_config(), "base")
    command.upgrade(alembic_config(), "head")
    assert differences(url) == []


def test_posts_written_before_0005_are_rendered_by_it(empty_database):
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import column, select, table

    from partnerskap.migrations import alembic_config
    from partnerskap.models import Status, Thread

    url = empty_database
    command.upgrade(alembic_config(), "0004")
    now = datetime.now(UTC)
    post = table("post", column("id"), column("thread_id"), column("author_id"), column("body"), column("idempotency_key"), column("created_at"), column("deleted_at"))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            person = dict(id=1, email="olivia@example.org", name="Olivia", organisation="", password_hash="!", status=Status.APPROVED, role="member", language="en", status_reason="", terms_accepted_at=now, created_at=now)
            connection.execute(table("user", *[column(name) for name in person]).insert(), person)  # the columns of 0004's user
            columns_at_0004 = ("id", "name", "name_key", "purpose", "description", "kind", "language", "colour", "lifecycle", "access", "created_by", "created_at", "last_activity_at")
            connection.execute(
                table("workspace", *(column(name) for name in columns_at_0004)).insert(),  # the model's later columns do not exist yet
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


def test_posts_are_rendered_again_by_0018_with_mentions_linking_to_people(empty_database):

    from alembic import command
    from sqlalchemy import column, select, table, update

    from partnerskap.migrations import alembic_config

    url = empty_database
    command.upgrade(alembic_config(), "0017")
    engine = create_engine(url)
    post = table("post", column("id"), column("html"))
    try:
        with engine.begin() as connection:
            _one_thread_with_posts(connection, ["Thanks @[Bob](member:2), see [the plan](https://example.org/plan)"])
            connection.execute(update(post).values(html="<p>Thanks @Bob, see the plan</p>\n"))  # as the renderer before 0018 wrote it
        command.upgrade(alembic_config(), "head")
        with engine.connect() as connection:
            rendered = connection.execute(select(post.c.html)).scalar_one()
    finally:
        engine.dispose()
    assert '<a href="/people/2" rel="noopener noreferrer nofollow ugc">@Bob</a>' in rendered
    assert '<a target="_blank" href="https://example.org/plan"' in rendered


def _one_thread_with_posts(connection, bodies: list[str]) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import column, table

    from partnerskap.models import Status

    now = datetime.now(UTC)
    person = dict(id=1, email="olivia@example.org", name="Olivia", organisation="", password_hash="!", status=Status.APPROVED, role="member", language="en", status_reason="", terms_accepted_at=now, created_at=now)
    connection.execute(table("user", *[column(name) for name in person]).insert(), person)
    connection.execute(
        table("workspace", *[column(name) for name in ("id", "name", "name_key", "purpose", "description", "kind", "language", "colour", "lifecycle", "access", "created_by", "created_at", "last_activity_at")]).insert(),
        dict(id=1, name="Baltic Bridges", name_key="baltic bridges", purpose="", description="", kind="project", language="en", colour="teal", lifecycle="active", access="open", created_by=1, created_at=now, last_activity_at=now),
    )
    connection.execute(
        table("thread", *[column(name) for name in ("id", "workspace_id", "title", "author_id", "pinned", "created_at", "last_post_at", "post_count")]).insert(),
        dict(id=1, workspace_id=1, title="Kick-off", author_id=1, pinned=False, created_at=now, last_post_at=now, post_count=len(bodies)),
    )
    connection.execute(
        table("post", *[column(name) for name in ("id", "thread_id", "author_id", "body", "html", "idempotency_key", "created_at")]).insert(),
        [dict(id=number, thread_id=1, author_id=1, body=body, html="", idempotency_key=f"k{number}", created_at=now) for number, body in enumerate(bodies, 1)],
    )


def test_links_written_before_0007_are_sealed_by_it_and_sent_ones_forgotten(empty_database):
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import column, select, table

    from partnerskap.migrations import alembic_config
    from partnerskap.models import OutboxMessage
    from partnerskap.services import mail

    url = empty_database
    command.upgrade(alembic_config(), "0005")
    now = datetime.now(UTC)
    outbox = table("outboxmessage", column("id"), column("recipient"), column("subject"), column("body"), column("created_at"), column("sent_at"), column("error"))
    waiting, sent = "Confirm: https://example.org/confirm?token=waiting-token-1234\n", "Reset: https://example.org/reset?token=sent-token-5678\n"
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                outbox.insert(),
                [
                    dict(id=1, recipient="frida@example.org", subject="Confirm", body=waiting, created_at=now, sent_at=None, error=""),
                    dict(id=2, recipient="bob@example.org", subject="Reset", body=sent, created_at=now, sent_at=now, error=""),
                    dict(id=3, recipient="bob@example.org", subject="Hello", body="No links here.", created_at=now, sent_at=None, error=""),
                ],
            )
        command.upgrade(alembic_config(), "head")
        with engine.connect() as connection:
            rows = connection.execute(select(column("id"), column("body"), column("sealed_links")).select_from(table("outboxmessage")).order_by(column("id"))).all()
    finally:
        engine.dispose()
    assert [(row.id, row.body) for row in rows] == [
        (1, "Confirm: https://example.org/confirm?token=…\n"),
        (2, "Reset: https://example.org/reset?token=…\n"),
        (3, "No links here."),
    ]
    assert "waiting-token" not in rows[0].sealed_links and rows[1].sealed_links == rows[2].sealed_links == ""
    assert mail.readable_body(OutboxMessage(recipient="frida@example.org", subject="Confirm", body=rows[0].body, sealed_links=rows[0].sealed_links)) == waiting


def test_0022_folds_names_for_the_directory_and_counts_network_members(empty_database):
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import column, select, table

    from partnerskap.migrations import alembic_config
    from partnerskap.models import Status

    url = empty_database
    command.upgrade(alembic_config(), "0021")
    now = datetime.now(UTC)
    people = [
        dict(id=number, email=f"p{number}@example.org", name=name, organisation=organisation, password_hash="!", status=Status.APPROVED, role="member", language="sv", status_reason="", terms_accepted_at=now, created_at=now)
        for number, name, organisation in ((1, "Åsa  Öhman", "Föreningen Ärlig"), (2, "Bob", ""), (3, "Charlie", ""))
    ]
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(table("user", *[column(name) for name in people[0]]).insert(), people)
            connection.execute(
                table("network", *[column(name) for name in ("id", "name", "name_key", "purpose", "kind", "access", "created_by", "created_at")]).insert(),
                [dict(id=number, name=name, name_key=name.lower(), purpose="", kind="theme", access="request", created_by=1, created_at=now) for number, name in ((1, "Housing"), (2, "Empty"))],
            )
            connection.execute(
                table("networkmember", *[column(name) for name in ("network_id", "user_id", "role", "pending", "joined_at")]).insert(),
                [dict(network_id=1, user_id=user_id, role="member", pending=pending, joined_at=now) for user_id, pending in ((1, False), (2, False), (3, True))],
            )
        command.upgrade(alembic_config(), "head")
        with engine.connect() as connection:
            keys = connection.execute(select(column("name_key"), column("organisation_key")).select_from(table("user")).where(column("id") == 1)).one()
            counts = connection.execute(select(column("id"), column("member_count")).select_from(table("network")).order_by(column("id"))).all()
    finally:
        engine.dispose()
    assert tuple(keys) == ("åsa öhman", "föreningen ärlig")
    assert [tuple(row) for row in counts] == [(1, 2), (2, 0)]
