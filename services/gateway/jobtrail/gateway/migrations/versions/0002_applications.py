"""Applications, attachments and notifications.

Revision ID: 0002_applications
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_applications"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "gateway"


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("application_id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("job_id", sa.Uuid, nullable=False),
        sa.Column("resume_id", sa.Uuid, nullable=False),
        sa.Column("resume_version", sa.Integer, nullable=False),
        sa.Column("cover_letter_id", sa.Uuid),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("next_step", sa.Text),
        sa.Column("follow_up_on", sa.Date),
        sa.Column("reminded_on", sa.Date),
        sa.Column("notes", sa.Integer, nullable=False),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_applications_user_created", "applications", ["user_id", "created_at"], schema=SCHEMA
    )
    op.create_index("ix_applications_follow_up_on", "applications", ["follow_up_on"], schema=SCHEMA)
    op.create_table(
        "attachments",
        sa.Column("attachment_id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("target_type", sa.Text, nullable=False),
        sa.Column("target_id", sa.Uuid, nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("latest_version", sa.Integer, nullable=False),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_attachments_target", "attachments", ["target_type", "target_id"], schema=SCHEMA
    )
    op.create_table(
        "attachment_versions",
        sa.Column("attachment_id", sa.Uuid, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("file_key", sa.Text, nullable=False),
        sa.Column("file_version", sa.Text),
        _at("created_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "notifications",
        sa.Column("notification_id", sa.Uuid, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("subject_type", sa.Text, nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False),
        sa.Column("cause_type", sa.Text, nullable=False),
        _at("created_at"),
        _at("read_at", nullable=True),
        schema=SCHEMA,
    )
    op.create_index("ix_notifications_user_seq", "notifications", ["user_id", "seq"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("notifications", "attachment_versions", "attachments", "applications"):
        op.drop_table(table, schema=SCHEMA)
