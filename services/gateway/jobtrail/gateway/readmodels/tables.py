"""The gateway's tables (schema `gateway`): read models, checkpoints and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA = "gateway"
metadata = sa.MetaData(schema=SCHEMA)


def _at(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


users = sa.Table(
    "users",
    metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("email", sa.Text, nullable=False, unique=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("email_verified", sa.Boolean, nullable=False, server_default=sa.false()),
    _at("created_at"),
    _at("updated_at"),
)

profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("profile", JSONB, nullable=False),
    _at("updated_at"),
)

resumes = sa.Table(
    "resumes",
    metadata,
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
)

resume_versions = sa.Table(
    "resume_versions",
    metadata,
    sa.Column("resume_id", sa.Uuid, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("parent_version", sa.Integer),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("proposal", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    _at("created_at"),
    sa.Column("accepted_at", sa.DateTime(timezone=True)),
)

events = sa.Table(
    "events",
    metadata,
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
    sa.Index("ix_events_owner_seq", "owner_id", "seq"),
)

checkpoints = sa.Table(
    "checkpoints",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.Uuid, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("aggregate_type", sa.Text, nullable=False),
    sa.Column("aggregate_id", sa.Text, nullable=False, index=True),
    sa.Column("owner_id", sa.Uuid),
    sa.Column("actor", sa.Text, nullable=False),
    _at("occurred_at"),
    sa.Column("event", JSONB, nullable=False),
    sa.Column("prev_hash", sa.Text, nullable=False),
    sa.Column("hash", sa.Text, nullable=False),
    # 1: sha256(prev_hash || event JSON); 2: every column (readmodels/audit.py).
    sa.Column("hash_version", sa.SmallInteger, nullable=False),
    sa.Column("mac", sa.Text),  # HMAC of the hash, when a key is configured
    sa.Index("ix_audit_log_event_id", "event_id"),
)

# Match scores as the jobs service announces them (MatchesScored): its `jobs.matches`,
# projected here because services share only events.
match_scores = sa.Table(
    "match_scores",
    metadata,
    sa.Column("resume_id", sa.Uuid, primary_key=True),
    sa.Column("resume_version", sa.Integer, primary_key=True),
    sa.Column("job_id", sa.Uuid, primary_key=True),
    sa.Column("owner_id", sa.Uuid, nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("explanation", JSONB, nullable=False),
    sa.Column("model", sa.Text, nullable=False),
    sa.Column("formula", sa.Text, nullable=False),
    _at("computed_at"),
)

# Resume versions whose own scoring run is complete, and how many visible postings it
# left outside its candidate set (`GET /resumes/{id}/matches` says how complete it is).
match_runs = sa.Table(
    "match_runs",
    metadata,
    sa.Column("resume_id", sa.Uuid, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("owner_id", sa.Uuid, nullable=False),
    sa.Column("visible", sa.Integer, nullable=False),
    sa.Column("candidates", sa.Integer, nullable=False),
    sa.Column("outside", sa.Integer, nullable=False),
    sa.Column("formula", sa.Text, nullable=False),
    _at("finished_at"),
)

# What the jobs service read from each posting (PostingRequirementsRead).
job_requirements = sa.Table(
    "job_requirements",
    metadata,
    sa.Column("job_id", sa.Uuid, primary_key=True),
    sa.Column("formula", sa.Text, nullable=False),
    sa.Column("requirements", JSONB, nullable=False),
    _at("read_at"),
)
