"""a row for /healthz to write

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-07

The health check proves the database accepts writes by rewriting this one row in a transaction.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'health_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('health_check')
