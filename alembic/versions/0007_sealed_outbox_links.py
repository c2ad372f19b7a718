"""the outbox keeps one-time link tokens sealed

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-07

Confirmation and password-reset links were stored whole in the outbox, and so in every backup. The tokens
are now cut from the stored body and kept encrypted with the instance's secret key until the message is
sent. Messages already written are sealed the same way; those already sent keep no token at all.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from partnerskap.services.mail import seal


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_links', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
    connection = op.get_bind()
    outbox = sa.table('outboxmessage', sa.column('id', sa.Integer), sa.column('body', sa.String), sa.column('sealed_links', sa.String), sa.column('sent_at', sa.DateTime))
    after = 0
    while rows := connection.execute(sa.select(outbox.c.id, outbox.c.body, outbox.c.sent_at).where(outbox.c.id > after).order_by(outbox.c.id).limit(BATCH)).all():
        changed = []
        for message_id, body, sent_at in rows:
            cut, links = seal(body)
            if cut != body:
                changed.append({'message_id': message_id, 'cut': cut, 'links': '' if sent_at else links})
        if changed:
            connection.execute(outbox.update().where(outbox.c.id == sa.bindparam('message_id')).values(body=sa.bindparam('cut'), sealed_links=sa.bindparam('links')), changed)
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_column('sealed_links')
