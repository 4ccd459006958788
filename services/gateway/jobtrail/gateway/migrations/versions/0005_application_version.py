"""Applications remember the last event applied, so a redelivered note is not counted twice.

Revision ID: 0005_application_version
Revises: 0004_match_scores
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_application_version"
down_revision = "0004_match_scores"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.add_column(
        "applications",
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        schema=SCHEMA,
    )
    # Rows built so far have applied every event of their application the log holds.
    op.execute(
        """
        UPDATE gateway.applications AS a SET version = latest.version
        FROM (
            SELECT aggregate_id, max((envelope ->> 'aggregate_version')::int) AS version
            FROM gateway.events WHERE aggregate_type = 'application' GROUP BY aggregate_id
        ) AS latest
        WHERE latest.aggregate_id = a.application_id::text
        """
    )


def downgrade() -> None:
    op.drop_column("applications", "version", schema=SCHEMA)
