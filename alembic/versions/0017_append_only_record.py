"""an append-only record, a disclosure log that survives purges, two-factor sign-in and instance settings

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

Audit entries name any target (`target_kind`, `target_id`) and a reason code; triggers refuse every UPDATE and
DELETE of them on SQLite and PostgreSQL. Download rows keep the document's name and outlive its purge.
A migration that rebuilds `auditentry` in SQLite's batch mode drops its triggers: create them again after it
(`create_append_only_triggers`).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

REFUSAL = "the audit record is append-only"


def create_append_only_triggers() -> None:
    """Refuse every UPDATE and DELETE of an audit entry, whoever asks."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER auditentry_append_only_{verb.lower()} BEFORE {verb} ON auditentry "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege'; END $$"
    )
    op.execute("CREATE TRIGGER auditentry_append_only BEFORE UPDATE OR DELETE ON auditentry FOR EACH ROW EXECUTE FUNCTION auditentry_append_only()")


def drop_append_only_triggers() -> None:
    """Let the downgrade change the table again."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS auditentry_append_only_{verb}")
        return
    op.execute("DROP TRIGGER IF EXISTS auditentry_append_only ON auditentry")
    op.execute("DROP FUNCTION IF EXISTS auditentry_append_only()")


def upgrade() -> None:
    op.create_table('instancesettings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('membership_policy', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('premoderation_days', sa.Integer(), nullable=True),
    sa.Column('closed_grace_days', sa.Integer(), nullable=True),
    sa.Column('upload_limit_mb', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('recoverycode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recoverycode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recoverycode_code_hash'), ['code_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_recoverycode_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('target_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_auditentry_target_id'), ['target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditentry_target_kind'), ['target_kind'], unique=False)
    # Entries written so far named a person or a workspace: the last time they are ever changed. (The new columns keep
    # their server defaults: dropping one would rebuild `user` in SQLite, which its references forbid.)
    op.execute("UPDATE auditentry SET target_kind = 'user', target_id = target_user_id WHERE target_user_id IS NOT NULL")
    op.execute("UPDATE auditentry SET target_kind = 'workspace', target_id = workspace_id WHERE target_user_id IS NULL AND workspace_id IS NOT NULL")
    create_append_only_triggers()

    with op.batch_alter_table('downloadlog', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
        batch_op.alter_column('document_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column('version_id', existing_type=sa.INTEGER(), nullable=True)
    op.execute("UPDATE downloadlog SET document_name = (SELECT name FROM document WHERE document.id = downloadlog.document_id)")

    with op.batch_alter_table('loginticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaits_code', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('two_factor_since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # Administrators sign in with a second factor from now on: their sessions end, and each enrols at the next login.
    op.execute("""DELETE FROM authsession WHERE user_id IN (SELECT id FROM "user" WHERE role = 'admin')""")


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('two_factor_since')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('loginticket', schema=None) as batch_op:
        batch_op.drop_column('awaits_code')

    # The older schema cannot hold downloads of purged documents.
    op.execute("DELETE FROM downloadlog WHERE document_id IS NULL OR version_id IS NULL")
    with op.batch_alter_table('downloadlog', schema=None) as batch_op:
        batch_op.alter_column('version_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column('document_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('document_name')

    drop_append_only_triggers()
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditentry_target_kind'))
        batch_op.drop_index(batch_op.f('ix_auditentry_target_id'))
        batch_op.drop_column('reason_code')
        batch_op.drop_column('target_id')
        batch_op.drop_column('target_kind')

    with op.batch_alter_table('recoverycode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recoverycode_user_id'))
        batch_op.drop_index(batch_op.f('ix_recoverycode_code_hash'))

    op.drop_table('recoverycode')
    op.drop_table('instancesettings')
