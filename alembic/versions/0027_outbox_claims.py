"""outbox claims: a message is claimed by one worker for a while and sent outside any transaction

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage') as table:
        table.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        table.add_column(sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage') as table:
        table.drop_column('claimed_until')
        table.drop_column('claimed_by')
