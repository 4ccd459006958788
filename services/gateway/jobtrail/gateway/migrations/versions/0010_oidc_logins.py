"""Logins under way at an identity provider: the `state`, `nonce` and PKCE verifier of
each, taken (deleted) when the provider sends the user back.

Revision ID: 0010_oidc_logins
Revises: 0009_users_disabled
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_oidc_logins"
down_revision = "0009_users_disabled"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.create_table(
        "oidc_logins",
        sa.Column("state", sa.Text, primary_key=True),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("nonce", sa.Text, nullable=False),
        sa.Column("code_verifier", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("oidc_logins", schema=SCHEMA)
