"""Accounts an admin disabled: `users.disabled`, kept by the projection from
`UserDisabled` and `UserEnabled`.

Revision ID: 0009_users_disabled
Revises: 0008_rate_limits
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_users_disabled"
down_revision = "0008_rate_limits"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("users", "disabled", schema=SCHEMA)
