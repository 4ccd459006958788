"""Passwords leave the event log: `credentials` holds each account's password hash, and
`password_resets` the sha256 of each reset link's token, its expiry and its use.

Revision ID: 0007_credentials
Revises: 0006_sessions

Accounts registered before this keep their hash in their `UserRegistered` event; the
first login copies it here (see handlers/passwords.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_credentials"
down_revision = "0006_sessions"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.create_table(
        "credentials",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "password_resets",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        schema=SCHEMA,
    )
    op.create_index(
        "password_resets_user", "password_resets", ["user_id", "created_at"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_table("password_resets", schema=SCHEMA)
    op.drop_table("credentials", schema=SCHEMA)
