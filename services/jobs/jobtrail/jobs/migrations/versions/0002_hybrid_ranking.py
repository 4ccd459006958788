"""Hybrid ranking: posting text and requirements, resume facts, the formula of each score,
how complete each resume version's scoring is, and background re-scoring runs.

Revision ID: 0002_hybrid_ranking
Revises: 0001
"""

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002_hybrid_ranking"
down_revision = "0001"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    schema = context.config.attributes["schema"]
    op.add_column("postings", sa.Column("text", sa.Text), schema=schema)
    op.add_column("postings", sa.Column("formula", sa.Text), schema=schema)
    op.add_column("resume_vectors", sa.Column("facts", JSONB), schema=schema)
    op.add_column("resume_vectors", sa.Column("text", sa.Text), schema=schema)
    op.add_column(
        "matches",
        sa.Column("formula", sa.Text, nullable=False, server_default="coverage-v1"),
        schema=schema,
    )
    op.create_table(
        "match_runs",
        sa.Column("resume_id", sa.Uuid, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Uuid, nullable=False, index=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("visible", sa.Integer, nullable=False),
        sa.Column("candidates", sa.Integer, nullable=False),
        sa.Column("outside", sa.Integer, nullable=False),
        sa.Column("formula", sa.Text, nullable=False),
        _at("started_at"),
        _at("finished_at", nullable=True),
        schema=schema,
    )
    op.create_table(
        "rescores",
        sa.Column("rescore_id", sa.Uuid, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("formula", sa.Text, nullable=False),
        sa.Column("postings_total", sa.Integer, nullable=False),
        sa.Column("postings_done", sa.Integer, nullable=False),
        sa.Column("resumes_total", sa.Integer, nullable=False),
        sa.Column("resumes_done", sa.Integer, nullable=False),
        sa.Column("cursor", sa.Uuid),
        _at("requested_at"),
        _at("updated_at"),
        _at("finished_at", nullable=True),
        schema=schema,
    )


def downgrade() -> None:
    schema = context.config.attributes["schema"]
    op.drop_table("rescores", schema=schema)
    op.drop_table("match_runs", schema=schema)
    op.drop_column("matches", "formula", schema=schema)
    op.drop_column("resume_vectors", "text", schema=schema)
    op.drop_column("resume_vectors", "facts", schema=schema)
    op.drop_column("postings", "formula", schema=schema)
    op.drop_column("postings", "text", schema=schema)
