"""Exports: requested PDF and DOCX files of resume versions and cover letters.

Revision ID: 0002_exports
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_exports"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def _at(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("export_id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("application_id", sa.Uuid),
        sa.Column("resume_id", sa.Uuid, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("cover_letter_id", sa.Uuid),
        sa.Column("cover_letter_version", sa.Integer),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("template", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("filename", sa.Text),
        sa.Column("size", sa.BigInteger),
        sa.Column("sha256", sa.Text),
        sa.Column("file_key", sa.Text),
        sa.Column("file_version", sa.Text),
        sa.Column("reason", sa.Text),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_index("ix_exports_user", "exports", ["user_id", "export_id"], schema=SCHEMA)
    op.create_index(
        "ix_exports_application", "exports", ["application_id", "export_id"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_table("exports", schema=SCHEMA)
