"""members' names and organisations casefolded for the directory's search, and each network's member count on its row

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def _folded(text: str) -> str:
    # partnerskap.models.accounts.folded as this revision knows it: a migration must not change when the app does.
    return unicodedata.normalize("NFKC", " ".join(text.split())).casefold()


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('organisation_key', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_count', sa.Integer(), nullable=False, server_default='0'))

    connection = op.get_bind()
    user = sa.table('user', sa.column('id'), sa.column('name'), sa.column('organisation'), sa.column('name_key'), sa.column('organisation_key'))
    keys = [
        {'user_id': user_id, 'name_key': _folded(name), 'organisation_key': _folded(organisation or '')}
        for user_id, name, organisation in connection.execute(sa.select(user.c.id, user.c.name, user.c.organisation))
    ]
    if keys:
        connection.execute(
            user.update().where(user.c.id == sa.bindparam('user_id')).values(name_key=sa.bindparam('name_key'), organisation_key=sa.bindparam('organisation_key')),
            keys,
        )
    network = sa.table('network', sa.column('id'), sa.column('member_count'))
    member = sa.table('networkmember', sa.column('network_id'), sa.column('pending'))
    members = sa.select(sa.func.count()).where(member.c.network_id == network.c.id, member.c.pending == sa.false()).scalar_subquery()
    connection.execute(network.update().values(member_count=members))


def downgrade() -> None:
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_column('member_count')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('organisation_key')
        batch_op.drop_column('name_key')
