"""push notifications: members' devices, the pushes waiting to leave, and which kinds each member wants pushed

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pushsubscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('p256dh', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('auth', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('device', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_success_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('endpoint')
    )
    with op.batch_alter_table('pushsubscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pushsubscription_user_id'), ['user_id'], unique=False)

    op.create_table('pushdelivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('payload', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['pushsubscription.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pushdelivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pushdelivery_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pushdelivery_subscription_id'), ['subscription_id'], unique=False)

    with op.batch_alter_table('notificationsettings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('push_kinds', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default='mention,invitation,decision,application'))


def downgrade() -> None:
    with op.batch_alter_table('notificationsettings', schema=None) as batch_op:
        batch_op.drop_column('push_kinds')
    op.drop_table('pushdelivery')
    op.drop_table('pushsubscription')
