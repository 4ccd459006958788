"""AI jobs: status, progress, outcome, tokens and cost.

Revision ID: 0002_ai_jobs
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002_ai_jobs"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def _at(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "ai_jobs",
        sa.Column("ai_job_id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("stage", sa.Text),
        sa.Column("resume_id", sa.Uuid, nullable=False),
        sa.Column("resume_version", sa.Integer, nullable=False),
        sa.Column("job_id", sa.Uuid),
        sa.Column("job_version", sa.Integer),
        sa.Column("result", JSONB),
        sa.Column("error_code", sa.Text),
        sa.Column("error_reason", sa.Text),
        sa.Column("invented", JSONB),
        sa.Column("prompt_tokens", sa.Integer, nullable=False),
        sa.Column("completion_tokens", sa.Integer, nullable=False),
        sa.Column("cost_usd", sa.Float, nullable=False),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_index("ix_ai_jobs_user", "ai_jobs", ["user_id", "ai_job_id"], schema=SCHEMA)
    op.create_index("ix_ai_jobs_updated", "ai_jobs", ["updated_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("ai_jobs", schema=SCHEMA)
