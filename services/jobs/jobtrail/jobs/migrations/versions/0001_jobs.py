"""pgvector, indexed postings with an HNSW index, resume vectors, scores, the inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import context, op
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DIMENSIONS = 384


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    schema = context.config.attributes["schema"]
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "postings",
        sa.Column("job_id", sa.Uuid, primary_key=True),
        sa.Column("owner_id", sa.Uuid, index=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_id", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("company", sa.Text),
        sa.Column("location", sa.Text),
        sa.Column("dedup_key", sa.Text, nullable=False, index=True),
        sa.Column("skills", ARRAY(sa.Text), nullable=False),
        sa.Column("requirements", JSONB, nullable=False),
        sa.Column("document_version", sa.Integer, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("embedding", Vector(DIMENSIONS), nullable=False),
        sa.Column("duplicate_of", sa.Uuid),
        _at("updated_at"),
        sa.UniqueConstraint("source", "source_id", name="uq_postings_source"),
        schema=schema,
    )
    op.create_index(
        "ix_postings_embedding_hnsw", "postings", ["embedding"], schema=schema,
        postgresql_using="hnsw", postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )  # fmt: skip
    op.create_table(
        "resume_vectors",
        sa.Column("resume_id", sa.Uuid, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Uuid, nullable=False, index=True),
        sa.Column("skills", ARRAY(sa.Text), nullable=False),
        sa.Column("bullets", JSONB, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("embedding", Vector(DIMENSIONS), nullable=False),
        _at("created_at"),
        schema=schema,
    )
    op.create_table(
        "matches",
        sa.Column("resume_id", sa.Uuid, primary_key=True),
        sa.Column("resume_version", sa.Integer, primary_key=True),
        sa.Column("job_id", sa.Uuid, primary_key=True),
        sa.Column("owner_id", sa.Uuid, nullable=False, index=True),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("explanation", JSONB, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        _at("computed_at"),
        schema=schema,
    )
    op.create_table(
        "thresholds",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("match_threshold", sa.Integer, nullable=False),
        schema=schema,
    )
    op.create_table(
        "source_status",
        sa.Column("source", sa.Text, primary_key=True),
        _at("last_run_at", nullable=True),
        _at("last_success_at", nullable=True),
        sa.Column("last_error", sa.Text),
        sa.Column("consecutive_failures", sa.Integer, nullable=False),
        schema=schema,
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("stream_seq", sa.BigInteger, nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        schema=schema,
    )


def downgrade() -> None:
    schema = context.config.attributes["schema"]
    for table in ("inbox", "source_status", "thresholds", "matches", "resume_vectors", "postings"):
        op.drop_table(table, schema=schema)
