"""information content: pages, news and events in three languages, their history, images, attendance and followers

Revision ID: 0014
Revises: 0007
Create Date: 2026-12-07

Also the front page's links to national services. The editor role is a new value of user.role (a string column).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0014'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('servicelink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title_fi', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title_sv', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('servicelink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_servicelink_position'), ['position'], unique=False)

    op.create_table('contentitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('default_language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('publish_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('announced_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('ends_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('online_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('registration_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contentitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contentitem_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_contentitem_publish_at'), ['publish_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contentitem_slug'), ['slug'], unique=True)
        batch_op.create_index(batch_op.f('ix_contentitem_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contentitem_status'), ['status'], unique=False)

    op.create_table('newsfollower',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('contentimage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['contentitem.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contentimage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contentimage_item_id'), ['item_id'], unique=False)

    op.create_table('contentrevision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('plain', sa.Boolean(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('saved_by', sa.Integer(), nullable=True),
    sa.Column('saved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['contentitem.id'], ),
    sa.ForeignKeyConstraint(['saved_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contentrevision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contentrevision_item_id'), ['item_id'], unique=False)

    op.create_table('contentversion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('plain', sa.Boolean(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('outdated', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['contentitem.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_id', 'language', 'plain', name='uq_contentversion_item_language_plain')
    )
    with op.batch_alter_table('contentversion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contentversion_item_id'), ['item_id'], unique=False)

    op.create_table('eventattendance',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['contentitem.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('item_id', 'user_id')
    )


def downgrade() -> None:
    op.drop_table('eventattendance')
    with op.batch_alter_table('contentversion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contentversion_item_id'))

    op.drop_table('contentversion')
    with op.batch_alter_table('contentrevision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contentrevision_item_id'))

    op.drop_table('contentrevision')
    with op.batch_alter_table('contentimage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contentimage_item_id'))

    op.drop_table('contentimage')
    op.drop_table('newsfollower')
    with op.batch_alter_table('contentitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contentitem_status'))
        batch_op.drop_index(batch_op.f('ix_contentitem_starts_at'))
        batch_op.drop_index(batch_op.f('ix_contentitem_slug'))
        batch_op.drop_index(batch_op.f('ix_contentitem_publish_at'))
        batch_op.drop_index(batch_op.f('ix_contentitem_kind'))

    op.drop_table('contentitem')
    with op.batch_alter_table('servicelink', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_servicelink_position'))

    op.drop_table('servicelink')
