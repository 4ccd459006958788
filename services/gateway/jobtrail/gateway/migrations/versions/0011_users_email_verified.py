"""Verified addresses: `users.email_verified`, kept by the projection from `EmailVerified`
(and from `UserRegistered` of an account made through an identity provider).

Revision ID: 0011_users_email_verified
Revises: 0010_oidc_logins
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_users_email_verified"
down_revision = "0010_oidc_logins"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("email_verified", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("users", "email_verified", schema=SCHEMA)
