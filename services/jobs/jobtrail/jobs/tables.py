"""The jobs service's tables (schema `jobs`): indexed postings, resume vectors, scores."""

from __future__ import annotations

import sqlalchemy as sa
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from jobtrail.eventlog.inbox import inbox_table

SCHEMA = "jobs"
DIMENSIONS = 384  # every embedder is asked for this many (OpenAI's `dimensions` parameter)
metadata = sa.MetaData(schema=SCHEMA)


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


postings = sa.Table(
    "postings",
    metadata,
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
    sa.Column("text", sa.Text),  # what BM25 reads (null: indexed before the hybrid ranking)
    sa.Column("formula", sa.Text),  # the ranking formula its requirements were extracted by
    sa.UniqueConstraint("source", "source_id", name="uq_postings_source"),
    sa.Index(
        "ix_postings_embedding_hnsw",
        "embedding",
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    ),
)

resume_vectors = sa.Table(
    "resume_vectors",
    metadata,
    sa.Column("resume_id", sa.Uuid, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("owner_id", sa.Uuid, nullable=False, index=True),
    sa.Column("skills", ARRAY(sa.Text), nullable=False),
    sa.Column("bullets", JSONB, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("embedding", Vector(DIMENSIONS), nullable=False),
    _at("created_at"),
    sa.Column("facts", JSONB),  # ranking.resume_facts (null: stored before the hybrid ranking)
    sa.Column("text", sa.Text),
)

matches = sa.Table(
    "matches",
    metadata,
    sa.Column("resume_id", sa.Uuid, primary_key=True),
    sa.Column("resume_version", sa.Integer, primary_key=True),
    sa.Column("job_id", sa.Uuid, primary_key=True),
    sa.Column("owner_id", sa.Uuid, nullable=False, index=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("explanation", JSONB, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    _at("computed_at"),
    sa.Column("formula", sa.Text, nullable=False, server_default="coverage-v1"),
)

# One row per scored resume version: whether its scoring is done, and how many of the
# postings visible then were left outside its candidate set (the nearest CANDIDATES).
match_runs = sa.Table(
    "match_runs",
    metadata,
    sa.Column("resume_id", sa.Uuid, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("owner_id", sa.Uuid, nullable=False, index=True),
    sa.Column("status", sa.Text, nullable=False),  # scoring | complete
    sa.Column("visible", sa.Integer, nullable=False),
    sa.Column("candidates", sa.Integer, nullable=False),
    sa.Column("outside", sa.Integer, nullable=False),
    sa.Column("formula", sa.Text, nullable=False),
    _at("started_at"),
    _at("finished_at", nullable=True),
)

# Background re-scoring runs (`jobtrail rescore`): progress of each.
rescores = sa.Table(
    "rescores",
    metadata,
    sa.Column("rescore_id", sa.Uuid, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),  # running | done
    sa.Column("formula", sa.Text, nullable=False),
    sa.Column("postings_total", sa.Integer, nullable=False),
    sa.Column("postings_done", sa.Integer, nullable=False),
    sa.Column("resumes_total", sa.Integer, nullable=False),
    sa.Column("resumes_done", sa.Integer, nullable=False),
    sa.Column("cursor", sa.Uuid),  # the last resume id re-scored
    _at("requested_at"),
    _at("updated_at"),
    _at("finished_at", nullable=True),
)

thresholds = sa.Table(
    "thresholds",
    metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("match_threshold", sa.Integer, nullable=False),
)

source_status = sa.Table(
    "source_status",
    metadata,
    sa.Column("source", sa.Text, primary_key=True),
    _at("last_run_at", nullable=True),
    _at("last_success_at", nullable=True),
    sa.Column("last_error", sa.Text),
    sa.Column("consecutive_failures", sa.Integer, nullable=False),
)

inbox = inbox_table(metadata, SCHEMA)
