"""posts keep their rendered HTML

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Reading a thread rendered every post shown from markdown; a post is now rendered once, when it is written.
This renders the posts already written. A later change to the renderer re-renders them the same way.
"""

from alembic import op
import sqlalchemy as sa

from partnerskap.services.markdown import render


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
    connection = op.get_bind()
    post = sa.table('post', sa.column('id', sa.Integer), sa.column('body', sa.String), sa.column('html', sa.Text), sa.column('deleted_at', sa.DateTime))
    after = 0
    while rows := connection.execute(sa.select(post.c.id, post.c.body, post.c.deleted_at).where(post.c.id > after).order_by(post.c.id).limit(BATCH)).all():
        connection.execute(
            post.update().where(post.c.id == sa.bindparam('post_id')).values(html=sa.bindparam('rendered')),
            [{'post_id': post_id, 'rendered': '' if deleted_at else render(body)} for post_id, body, deleted_at in rows],
        )
        after = rows[-1][0]
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.alter_column('html', existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('html')
