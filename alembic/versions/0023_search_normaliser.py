"""search: the index remembers which normaliser made its terms, so that a host that gains or loses Voikko rebuilds it

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Built with the index (`reindex` writes it), so it starts with `search_` and the backups leave it out.
    op.create_table('search_meta',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('search_meta')
