"""The audit log records the stream as it is: an event id seen at two positions is two rows.

Revision ID: 0002_audit_repeats
Revises: 0001

A unique event_id made the audit projector stop for good when the same envelope was
appended twice outside the duplicate window; the chain must go on and show it.
"""

from alembic import op

revision = "0002_audit_repeats"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE gateway.audit_log DROP CONSTRAINT IF EXISTS audit_log_event_id_key")
    op.create_index("ix_audit_log_event_id", "audit_log", ["event_id"], schema="gateway")
