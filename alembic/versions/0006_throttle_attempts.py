"""throttles count attempts within sliding windows

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

A throttle kept one counter per key that never decayed; each counted attempt is now a row of its own, counted
while its window lasts and deleted after a day. The old counters are only recent failures: they are dropped.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('throttle')
    op.create_table('throttleattempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('throttleattempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttleattempt_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_throttleattempt_key'), ['key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('throttleattempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttleattempt_key'))
        batch_op.drop_index(batch_op.f('ix_throttleattempt_at'))
    op.drop_table('throttleattempt')
    op.create_table('throttle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('blocked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
