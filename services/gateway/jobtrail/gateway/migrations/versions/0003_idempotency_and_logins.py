"""Idempotency keys of uploads, postings and AI jobs; failed logins for throttling.

Revision ID: 0003_idempotency_and_logins
Revises: 0001

Both tables are write-side state of the gateway, not projections: replay never touches
them. `idempotency_keys` binds (user, route, Idempotency-Key) to the request's sha256 and
the id reserved for what it creates, so a repeat from any gateway copy, before or after a
restart, names the same resource. `login_failures` holds recent wrong-password attempts
(the email only as a sha256) so every gateway copy throttles logins from the same counts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_idempotency_and_logins"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Uuid, primary_key=True),
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("request_sha256", sa.Text, nullable=False),
        sa.Column("resource_id", sa.Uuid, nullable=False),
        sa.Column("result", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "login_failures_account", "login_failures", ["account", "failed_at"], schema=SCHEMA
    )
    op.create_index(
        "login_failures_address", "login_failures", ["address", "failed_at"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_table("login_failures", schema=SCHEMA)
    op.drop_table("idempotency_keys", schema=SCHEMA)
