"""Open applications and their follow-up dates.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "notifier"


def upgrade() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("application_id", sa.Uuid, primary_key=True),
        sa.Column("owner_id", sa.Uuid, nullable=True),
        sa.Column("follow_up_on", sa.Date, nullable=True),
        sa.Column("reminded", sa.Boolean, nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "follow_ups_due", "follow_ups", ["follow_up_on"], schema=SCHEMA,
        postgresql_where=sa.text("open AND NOT reminded"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("follow_ups", schema=SCHEMA)
