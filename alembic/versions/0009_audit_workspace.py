"""audit entries name the workspace an administrator entered

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-07

Administrators reach every workspace for moderation; each entry into one they do not belong to is audited.
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workspace_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_auditentry_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_foreign_key('fk_auditentry_workspace_id_workspace', 'workspace', ['workspace_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_constraint('fk_auditentry_workspace_id_workspace', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_auditentry_workspace_id'))
        batch_op.drop_column('workspace_id')
