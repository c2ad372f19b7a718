"""moderation: reports grouped into cases, held posts and documents, closed workspaces, time-limited suspensions

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('moderationcase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('item_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('excerpt', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('appealed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('appeal_note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('first_decided_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['decided_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['first_decided_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('moderationcase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderationcase_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderationcase_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_moderationcase_item', ['item_kind', 'item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderationcase_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderationcase_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['moderationcase.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_reporter_id'), ['reporter_id'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default=''))

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default=''))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.add_column(sa.Column('premoderation_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('closed_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('closed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('closed_by')
        batch_op.drop_column('closed_reason')
        batch_op.drop_column('premoderation_days')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('suspended_until')

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('held')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('held')

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_report_case_id'))

    op.drop_table('report')
    with op.batch_alter_table('moderationcase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderationcase_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_moderationcase_status'))
        batch_op.drop_index('ix_moderationcase_item')
        batch_op.drop_index(batch_op.f('ix_moderationcase_created_at'))
        batch_op.drop_index(batch_op.f('ix_moderationcase_author_id'))

    op.drop_table('moderationcase')
