"""Read models, projection checkpoints, and the append-only, hash-chained audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("email", sa.Text, nullable=False, unique=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "profiles",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("profile", JSONB, nullable=False),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "resumes",
        sa.Column("resume_id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, nullable=False, index=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("file_key", sa.Text, nullable=False),
        sa.Column("file_version", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("file_kind", sa.Text),
        sa.Column("reject_code", sa.Text),
        sa.Column("reject_reason", sa.Text),
        sa.Column("current_version", sa.Integer),
        sa.Column("latest_version", sa.Integer),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "resume_versions",
        sa.Column("resume_id", sa.Uuid, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("parent_version", sa.Integer),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("proposal", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        _at("created_at"),
        _at("accepted_at", nullable=True),
        schema=SCHEMA,
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("aggregate_type", sa.Text, nullable=False),
        sa.Column("aggregate_id", sa.Text, nullable=False),
        sa.Column("owner_id", sa.Uuid),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("correlation_id", sa.Text, nullable=False),
        _at("occurred_at"),
        sa.Column("envelope", JSONB, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_events_owner_seq", "events", ["owner_id", "seq"], schema=SCHEMA)
    op.create_table(
        "checkpoints",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("aggregate_type", sa.Text, nullable=False),
        sa.Column("aggregate_id", sa.Text, nullable=False, index=True),
        sa.Column("owner_id", sa.Uuid),
        sa.Column("actor", sa.Text, nullable=False),
        _at("occurred_at"),
        sa.Column("event", JSONB, nullable=False),
        sa.Column("prev_hash", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        schema=SCHEMA,
    )
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
