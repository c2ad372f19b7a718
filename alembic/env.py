"""Alembic runs migrations against the configured database."""

from alembic import context
from sqlmodel import SQLModel

import partnerskap.models  # noqa: F401  (registers the tables)
from partnerskap.db import engine
from partnerskap.services import search_index

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Migrate over a live connection (SQLite needs batch mode to alter tables)."""
    connectable = context.config.attributes.get("connection") or engine()
    if hasattr(connectable, "connect") and not hasattr(connectable, "dialect_options"):
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=search_index.in_schema,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
