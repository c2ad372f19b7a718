"""profiles, their lists, networks, open discussion areas, private conversations; threads belong to any of these places

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from partnerskap.services.people_lists import seeded_rows


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('listentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('label_fi', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('label_sv', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('label_en', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key')
    )
    with op.batch_alter_table('listentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listentry_kind'), ['kind'], unique=False)

    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_name_key'), ['name_key'], unique=True)

    op.create_table('conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('access', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('merged_into', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['merged_into'], ['network.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_name_key'), ['name_key'], unique=True)

    op.create_table('profile',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organisation_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('bio', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('show_email', sa.Boolean(), nullable=False),
    sa.Column('messages_from', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('public_picture', sa.Boolean(), nullable=False),
    sa.Column('public_organisation', sa.Boolean(), nullable=False),
    sa.Column('public_organisation_type', sa.Boolean(), nullable=False),
    sa.Column('public_title', sa.Boolean(), nullable=False),
    sa.Column('public_region', sa.Boolean(), nullable=False),
    sa.Column('public_languages', sa.Boolean(), nullable=False),
    sa.Column('public_themes', sa.Boolean(), nullable=False),
    sa.Column('public_bio', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_organisation_type'), ['organisation_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_public'), ['public'], unique=False)
        batch_op.create_index('ix_profile_region_public', ['region', 'public_region'], unique=False)

    op.create_table('profilelanguage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('language', 'user_id')
    )
    with op.batch_alter_table('profilelanguage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profilelanguage_user_id'), ['user_id'], unique=False)

    op.create_table('profiletheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('theme', 'user_id')
    )
    with op.batch_alter_table('profiletheme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profiletheme_user_id'), ['user_id'], unique=False)

    op.create_table('conversationmember',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_id', 'user_id')
    )
    with op.batch_alter_table('conversationmember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversationmember_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversationmember_user_id'), ['user_id'], unique=False)

    op.create_table('networkmember',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('pending', sa.Boolean(), nullable=False),
    sa.Column('joined_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_id', 'user_id')
    )
    with op.batch_alter_table('networkmember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_networkmember_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_networkmember_user_id'), ['user_id'], unique=False)

    op.create_table('networkworkspace',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_id', 'workspace_id')
    )
    with op.batch_alter_table('networkworkspace', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_networkworkspace_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_networkworkspace_workspace_id'), ['workspace_id'], unique=False)

    if op.get_bind().dialect.name == 'sqlite':
        # SQLite rebuilds the table to change it; dropping the old one would fail on the posts that refer to it.
        op.execute('PRAGMA foreign_keys=OFF')
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('conversation_id', sa.Integer(), nullable=True))
        batch_op.alter_column('workspace_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_thread_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_network_id'), ['network_id'], unique=False)
        batch_op.create_foreign_key('fk_thread_area_id_area', 'area', ['area_id'], ['id'])
        batch_op.create_foreign_key('fk_thread_network_id_network', 'network', ['network_id'], ['id'])
        batch_op.create_foreign_key('fk_thread_conversation_id_conversation', 'conversation', ['conversation_id'], ['id'])
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('PRAGMA foreign_keys=ON')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index('ix_user_status_name', ['status', 'name'], unique=False)
    _seed_lists()



def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index('ix_user_status_name')
    # Threads of places other than workspaces go with those places.
    bind = op.get_bind()
    outside = "SELECT id FROM thread WHERE workspace_id IS NULL"
    bind.execute(sa.text(f"DELETE FROM postrevision WHERE post_id IN (SELECT id FROM post WHERE thread_id IN ({outside}))"))
    bind.execute(sa.text(f"DELETE FROM postattachment WHERE post_id IN (SELECT id FROM post WHERE thread_id IN ({outside}))"))
    bind.execute(sa.text(f"DELETE FROM post WHERE thread_id IN ({outside})"))
    bind.execute(sa.text(f"DELETE FROM threadreader WHERE thread_id IN ({outside})"))
    bind.execute(sa.text("DELETE FROM thread WHERE workspace_id IS NULL"))
    if bind.dialect.name == 'sqlite':
        op.execute('PRAGMA foreign_keys=OFF')
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_constraint('fk_thread_conversation_id_conversation', type_='foreignkey')
        batch_op.drop_constraint('fk_thread_network_id_network', type_='foreignkey')
        batch_op.drop_constraint('fk_thread_area_id_area', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_thread_network_id'))
        batch_op.drop_index(batch_op.f('ix_thread_conversation_id'))
        batch_op.drop_index(batch_op.f('ix_thread_area_id'))
        batch_op.alter_column('workspace_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('conversation_id')
        batch_op.drop_column('area_id')
        batch_op.drop_column('network_id')
    if bind.dialect.name == 'sqlite':
        op.execute('PRAGMA foreign_keys=ON')

    with op.batch_alter_table('networkworkspace', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_networkworkspace_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_networkworkspace_network_id'))

    op.drop_table('networkworkspace')
    with op.batch_alter_table('networkmember', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_networkmember_user_id'))
        batch_op.drop_index(batch_op.f('ix_networkmember_network_id'))

    op.drop_table('networkmember')
    with op.batch_alter_table('conversationmember', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversationmember_user_id'))
        batch_op.drop_index(batch_op.f('ix_conversationmember_conversation_id'))

    op.drop_table('conversationmember')
    with op.batch_alter_table('profiletheme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profiletheme_user_id'))

    op.drop_table('profiletheme')
    with op.batch_alter_table('profilelanguage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profilelanguage_user_id'))

    op.drop_table('profilelanguage')
    with op.batch_alter_table('profile', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_region_public')
        batch_op.drop_index(batch_op.f('ix_profile_public'))
        batch_op.drop_index(batch_op.f('ix_profile_organisation_type'))

    op.drop_table('profile')
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_name_key'))

    op.drop_table('network')
    op.drop_table('conversation')
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_name_key'))

    op.drop_table('area')
    with op.batch_alter_table('listentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listentry_kind'))

    op.drop_table('listentry')


def _seed_lists() -> None:
    """The organisation types, regions and themes administrators start from."""
    table = sa.table("listentry", *(sa.column(name) for name in ("kind", "key", "label_fi", "label_sv", "label_en", "position")))
    op.bulk_insert(table, seeded_rows())
