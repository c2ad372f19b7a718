"""login tickets name the browser they were issued for

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-07

A ticket completes a login only in the browser that started it (its login value's digest is kept with the
ticket), so another site cannot log a member into someone else's account. Tickets live a minute: the ones
outstanding during the upgrade simply expire.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('loginticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('loginticket', schema=None) as batch_op:
        batch_op.drop_column('browser_hash')
