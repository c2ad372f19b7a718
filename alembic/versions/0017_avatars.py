"""people have faces: the storage key of each person's profile picture

Revision ID: 0017
Revises: 0009
Create Date: 2026-12-07

An empty key means no picture: initials are shown instead.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0017'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('avatar_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('avatar_key')
