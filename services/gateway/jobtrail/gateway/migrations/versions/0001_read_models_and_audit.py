"""Read models, projection checkpoints, and the append-only, hash-chained audit log.

Revision ID: 0001
Revises:
"""

from alembic import op

from jobtrail.gateway.readmodels.tables import SCHEMA, metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)
    # The audit log is append-only for everyone, superusers included, unless they go out of
    # their way (disable the trigger): `jobtrail audit verify` then finds what they changed.
    op.execute(
        f"""
        CREATE FUNCTION {SCHEMA}.audit_log_refuse_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$;
        """
    )
    op.execute(
        f"""
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON {SCHEMA}.audit_log
        FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.audit_log_refuse_change();
        """
    )
    op.execute(
        f"""
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON {SCHEMA}.audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.audit_log_refuse_change();
        """
    )
