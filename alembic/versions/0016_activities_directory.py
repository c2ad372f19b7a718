"""a public directory of low-threshold activities, their searchable words, and what administrators add to its lists

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

The lists of kinds, themes, target groups and municipalities ship with the code; `activitychoice` holds what
administrators add. `ix_activity_listing` covers every column a public search filters on.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activitychoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('label_fi', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('label_sv', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('label_en', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('list', 'code')
    )
    with op.batch_alter_table('activitychoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activitychoice_list'), ['list'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('contact_person', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('contact_phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name_fi', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_sv', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description_fi', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('description_sv', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('description_en', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('plain_fi', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('plain_sv', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('plain_en', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('municipality', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('online_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('languages', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('target_groups', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('themes', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('recurrence', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('weekdays', sa.Integer(), nullable=False),
    sa.Column('week_of_month', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('start_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('end_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('exceptions', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('free', sa.Boolean(), nullable=False),
    sa.Column('price', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('registration_required', sa.Boolean(), nullable=False),
    sa.Column('step_free', sa.Boolean(), nullable=False),
    sa.Column('hearing_loop', sa.Boolean(), nullable=False),
    sa.Column('childcare', sa.Boolean(), nullable=False),
    sa.Column('interpretation', sa.Boolean(), nullable=False),
    sa.Column('accessibility_notes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('sort_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('proposed', sa.Text(), nullable=False),
    sa.Column('review_note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reminded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['submitted_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index('ix_activity_listing', ['status', 'confirmed_at', 'end_date', 'municipality', 'region', 'weekdays', 'start_minute', 'free', 'online', 'languages', 'target_groups', 'themes', 'updated_at', 'sort_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_submitted_by'), ['submitted_by'], unique=False)

    op.create_table('activitysearch',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], ),
    sa.PrimaryKeyConstraint('activity_id')
    )


def downgrade() -> None:
    op.drop_table('activitysearch')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_submitted_by'))
        batch_op.drop_index('ix_activity_listing')

    op.drop_table('activity')
    with op.batch_alter_table('activitychoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activitychoice_list'))

    op.drop_table('activitychoice')
