"""search: each entry's scope (its kind and workspace as tokens), so the full-text index itself leaves out what a viewer cannot read

The index is rebuilt by `prepare`: this migration forgets which normaliser made it, so `search.index_is_current()`
is false until `reindex` has written every entry with its scope.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = ("search_entry_au", "search_entry_ad", "search_entry_ai")


def _fts(columns: str, values: str, old_values: str) -> None:
    """The FTS5 table over `search_entry` with these columns, and the triggers that keep it in step."""
    op.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='search_entry', content_rowid='id', tokenize='unicode61 remove_diacritics 0')")
    op.execute(f"CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {values}); END")
    op.execute(f"CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); END")
    op.execute(
        "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {values}); END"
    )


def _drop_fts() -> None:
    for trigger in _SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS search_fts")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # The index is rebuilt from the tables, so its old entries (without a scope) are dropped, not converted.
    op.execute("DELETE FROM search_meta")
    if not postgres:
        _drop_fts()
    op.execute("DELETE FROM search_entry")
    op.add_column('search_entry', sa.Column('scope', sa.Text(), nullable=False, server_default=''))
    if postgres:
        # One tsvector of the words and the scope: the scope's tokens ("zz…") are never a word's term ("fi…", "sv…", "en…").
        op.execute("DROP INDEX ix_search_entry_tsv")
        op.execute("ALTER TABLE search_entry DROP COLUMN tsv")
        op.execute("ALTER TABLE search_entry ADD COLUMN tsv tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(terms || ' ' || scope, ' '))) STORED")
        op.execute("CREATE INDEX ix_search_entry_tsv ON search_entry USING gin (tsv)")
        # Texts and terms move out of the row once it passes 128 bytes: a common word's search reads thousands of rows
        # for their ids and ages, and narrow rows fit many to a page (the table's pages went from 169 to 109 MB).
        op.execute("ALTER TABLE search_entry SET (toast_tuple_target = 128)")
    else:
        # A column of its own, so relevance (bm25) can give the scope no weight.
        _fts("terms, scope", "new.terms, new.scope", "old.terms, old.scope")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("DELETE FROM search_meta")
    if not postgres:
        _drop_fts()
    op.execute("DELETE FROM search_entry")
    if postgres:
        op.execute("ALTER TABLE search_entry RESET (toast_tuple_target)")
        op.execute("DROP INDEX ix_search_entry_tsv")
        op.execute("ALTER TABLE search_entry DROP COLUMN tsv")
    op.drop_column('search_entry', 'scope')
    if postgres:
        op.execute("ALTER TABLE search_entry ADD COLUMN tsv tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(terms, ' '))) STORED")
        op.execute("CREATE INDEX ix_search_entry_tsv ON search_entry USING gin (tsv)")
    else:
        _fts("terms", "new.terms", "old.terms")
