"""people have faces, mentions link to people, links elsewhere open in a new tab

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

`user.avatar_key` is the storage key of a person's picture ("" shows initials). The renderer now makes a mention a
link to the person and opens links to other sites in a new tab, so the stored HTML of every post is rendered again,
as 0005 did.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from partnerskap.services.markdown import render


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('avatar_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
    connection = op.get_bind()
    post = sa.table('post', sa.column('id', sa.Integer), sa.column('body', sa.String), sa.column('html', sa.Text), sa.column('deleted_at', sa.DateTime))
    after = 0
    while rows := connection.execute(sa.select(post.c.id, post.c.body, post.c.deleted_at).where(post.c.id > after).order_by(post.c.id).limit(BATCH)).all():
        connection.execute(
            post.update().where(post.c.id == sa.bindparam('post_id')).values(html=sa.bindparam('rendered')),
            [{'post_id': post_id, 'rendered': '' if deleted_at else render(body)} for post_id, body, deleted_at in rows],
        )
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('avatar_key')
