"""Create the append-only documents table.

Revision ID: 0001
Revises:
Create Date: 2026-11-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Immutability lives in the database so that no code path (or psql session) can rewrite
# history; TRUNCATE skips row triggers, hence the statement-level trigger too.
_REFUSE_CHANGE = """
CREATE FUNCTION "{schema}".documents_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Document versions are immutable: write a new version instead.';
END;
$$
"""
_TRIGGERS = (
    'CREATE TRIGGER documents_immutable BEFORE UPDATE OR DELETE ON "{schema}".documents '
    'FOR EACH ROW EXECUTE FUNCTION "{schema}".documents_refuse_change()',
    'CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON "{schema}".documents '
    'FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".documents_refuse_change()',
)


def _schema() -> str:
    """The schema this run migrates, chosen by `upgrade_to_head`."""
    return str(context.config.attributes["schema"])


def upgrade() -> None:
    schema = _schema()
    op.create_table(
        "documents",
        sa.Column("doc_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("parent_version", sa.Integer(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("content", postgresql.JSONB(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "metadata", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")
        ),
        sa.PrimaryKeyConstraint("doc_id", "version", name="documents_pkey"),
        sa.CheckConstraint("version >= 1", name="documents_version_positive"),
        sa.CheckConstraint(
            "parent_version IS NULL OR (parent_version >= 1 AND parent_version < version)",
            name="documents_parent_before_version",
        ),
        sa.CheckConstraint("kind <> ''", name="documents_kind_not_empty"),
        sa.CheckConstraint("source IN ('user', 'ai', 'import')", name="documents_source_known"),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="documents_sha256_hex"),
        schema=schema,
    )
    op.create_index("ix_documents_owner_id", "documents", ["owner_id"], schema=schema)
    op.create_index("ix_documents_kind", "documents", ["kind"], schema=schema)
    op.execute(_REFUSE_CHANGE.format(schema=schema))
    for trigger in _TRIGGERS:
        op.execute(trigger.format(schema=schema))


def downgrade() -> None:
    schema = _schema()
    op.drop_table("documents", schema=schema)
    op.execute(f'DROP FUNCTION "{schema}".documents_refuse_change()')
