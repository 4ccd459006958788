"""Projection dead letters: events a projection could not apply, passed over and kept here.

Revision ID: 0003_projection_failures
Revises: 0001

One event an applier cannot apply (a NUL PostgreSQL refuses, a bug in one applier) is
recorded with its error and the projection moves past it, instead of retrying it forever
while every read model behind it freezes. `jobtrail dlq list` shows these rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_projection_failures"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projection_failures",
        sa.Column("projection", sa.Text, primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.Uuid),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        schema="gateway",
    )
