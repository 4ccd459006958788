"""Read models of job postings, the caller's marks on them, and ingestion runs.

Revision ID: 0002_jobs
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002_jobs"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("job_id", sa.Uuid, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
        sa.Column("owner_id", sa.Uuid, index=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_id", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("company", sa.Text),
        sa.Column("location", sa.Text),
        sa.Column("remote", sa.Boolean),
        sa.Column("salary_min", sa.BigInteger),
        sa.Column("salary_max", sa.BigInteger),
        sa.Column("currency", sa.Text),
        sa.Column("employment_type", sa.Text),
        sa.Column("skills", ARRAY(sa.Text), nullable=False),
        sa.Column("skill_keys", ARRAY(sa.Text), nullable=False),
        sa.Column("posted_on", sa.Date),
        sa.Column("url", sa.Text),
        sa.Column("document_version", sa.Integer, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("duplicate_of", sa.Uuid),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "job_marks",
        sa.Column("job_id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("saved", sa.Boolean, nullable=False),
        sa.Column("dismissed", sa.Boolean, nullable=False),
        sa.Column("notes", sa.Text),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "ingestions",
        sa.Column("ingestion_id", sa.Uuid, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Uuid),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("result", JSONB),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in ("ingestions", "job_marks", "jobs"):
        op.drop_table(table, schema=SCHEMA)
