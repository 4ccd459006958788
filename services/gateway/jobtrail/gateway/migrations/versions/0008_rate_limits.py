"""API rate limits: one token bucket per account and per client address.

Revision ID: 0008_rate_limits
Revises: 0007_credentials

Write-side state of the gateway shared by every copy; replay never touches it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_rate_limits"
down_revision = "0007_credentials"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("tokens", sa.Float, nullable=False),
        sa.Column("capacity", sa.Float, nullable=False),
        sa.Column("rate", sa.Float, nullable=False),
        sa.Column("allowed", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("rate_limits", schema=SCHEMA)
