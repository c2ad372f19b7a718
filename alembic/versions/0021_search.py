"""search: the text found in uploaded documents, and the search index (FTS5 on SQLite, a tsvector on PostgreSQL)

The index's tables start with `search_`: they are built from the other tables (`python -m partnerskap.cli reindex`),
so the schema comparison and the backups leave them out. This migration creates them empty; `prepare` fills them.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documenttext',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('extracted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['documentversion.id'], ),
    sa.PrimaryKeyConstraint('version_id')
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table('search_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=16), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'item_id', 'part')
    )
    op.create_index('ix_search_entry_at', 'search_entry', ['at'])
    if postgres:
        # The terms are stemmed already: each is taken as it is, without PostgreSQL's own parser or dictionaries.
        op.execute("ALTER TABLE search_entry ADD COLUMN tsv tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(terms, ' '))) STORED")
        op.execute("CREATE INDEX ix_search_entry_tsv ON search_entry USING gin (tsv)")
    else:
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(terms, content='search_entry', content_rowid='id', tokenize='unicode61 remove_diacritics 0')")
        op.execute("CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END")
        op.execute("CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END")
        op.execute(
            "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
            "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for trigger in ("search_entry_au", "search_entry_ad", "search_entry_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_entry')
    op.drop_table('documenttext')
