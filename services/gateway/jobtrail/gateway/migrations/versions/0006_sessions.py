"""Login sessions: one row per login, the refresh token it expects (as a sha256), and
when and why it ended.

Revision ID: 0006_sessions
Revises: 0005_application_version

Write-side state of the gateway, like `login_failures`: replay never touches it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_sessions"
down_revision = "0005_application_version"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("session_id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("refresh_hash", sa.Text, nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("ended_reason", sa.Text),
        schema=SCHEMA,
    )
    op.create_index("sessions_user", "sessions", ["user_id", "ended_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("sessions", schema=SCHEMA)
