"""Match scores, complete scoring runs and posting requirements, projected from the jobs
service's events instead of read from its schema.

Revision ID: 0004_match_scores
Revises: 0002_ai_jobs, 0002_applications, 0002_exports, 0002_jobs, 0003_audit_hash_v2,
    0003_idempotency_and_logins, 0003_projection_failures

The upgrade copies what the jobs service holds into the new tables, once, while the
gateway's role may still read them (provisioning revokes that read after migrating), so
the match lists stay whole across the upgrade; the jobs service's events keep them after.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_match_scores"
down_revision = (
    "0002_ai_jobs",
    "0002_applications",
    "0002_exports",
    "0002_jobs",
    "0003_audit_hash_v2",
    "0003_idempotency_and_logins",
    "0003_projection_failures",
)
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def _at(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


# Each copy runs only when the table is there and this role may read it (plpgsql `AND`
# does not short-circuit, hence the nesting).
_COPY = """
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'jobs')
     AND has_schema_privilege('jobs', 'USAGE') THEN
    IF to_regclass('jobs.matches') IS NOT NULL THEN
      IF has_table_privilege('jobs.matches', 'SELECT') THEN
        INSERT INTO gateway.match_scores (resume_id, resume_version, job_id, owner_id, score,
                                          explanation, model, formula, computed_at)
        SELECT resume_id, resume_version, job_id, owner_id, score, explanation, model,
               formula, computed_at
        FROM jobs.matches ON CONFLICT DO NOTHING;
      END IF;
    END IF;
    IF to_regclass('jobs.match_runs') IS NOT NULL THEN
      IF has_table_privilege('jobs.match_runs', 'SELECT') THEN
        INSERT INTO gateway.match_runs (resume_id, version, owner_id, visible, candidates,
                                        outside, formula, finished_at)
        SELECT resume_id, version, owner_id, visible, candidates, outside, formula,
               coalesce(finished_at, started_at)
        FROM jobs.match_runs WHERE status = 'complete' ON CONFLICT DO NOTHING;
      END IF;
    END IF;
    IF to_regclass('jobs.postings') IS NOT NULL THEN
      IF has_column_privilege('jobs.postings', 'requirements', 'SELECT') THEN
        INSERT INTO gateway.job_requirements (job_id, formula, requirements, read_at)
        SELECT job_id, 'unknown', requirements, now()
        FROM jobs.postings
        WHERE jsonb_typeof(requirements) = 'object' AND requirements ? 'required'
        ON CONFLICT DO NOTHING;
      END IF;
    END IF;
  END IF;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "match_scores",
        sa.Column("resume_id", sa.Uuid, primary_key=True),
        sa.Column("resume_version", sa.Integer, primary_key=True),
        sa.Column("job_id", sa.Uuid, primary_key=True),
        sa.Column("owner_id", sa.Uuid, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("explanation", JSONB, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("formula", sa.Text, nullable=False),
        _at("computed_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "match_runs",
        sa.Column("resume_id", sa.Uuid, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Uuid, nullable=False),
        sa.Column("visible", sa.Integer, nullable=False),
        sa.Column("candidates", sa.Integer, nullable=False),
        sa.Column("outside", sa.Integer, nullable=False),
        sa.Column("formula", sa.Text, nullable=False),
        _at("finished_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "job_requirements",
        sa.Column("job_id", sa.Uuid, primary_key=True),
        sa.Column("formula", sa.Text, nullable=False),
        sa.Column("requirements", JSONB, nullable=False),
        _at("read_at"),
        schema=SCHEMA,
    )
    op.execute(_COPY)


def downgrade() -> None:
    for table in ("job_requirements", "match_runs", "match_scores"):
        op.drop_table(table, schema=SCHEMA)
