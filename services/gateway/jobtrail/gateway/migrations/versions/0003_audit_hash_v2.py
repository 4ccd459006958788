"""The audit log's hash covers every column (hash rule 2), with an optional row MAC.

Revision ID: 0003_audit_hash_v2
Revises: 0002_audit_repeats

The table is append-only, so rows written before this revision are never re-chained:
they keep hash_version = 1 and verify under the old rule (their columns are checked
against the event JSON that rule covers). Adding the columns rewrites no row and fires
no UPDATE trigger; new rows must state their hash_version.
"""

from alembic import op

revision = "0003_audit_hash_v2"
down_revision = "0002_audit_repeats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE gateway.audit_log ADD COLUMN hash_version smallint NOT NULL DEFAULT 1")
    op.execute("ALTER TABLE gateway.audit_log ALTER COLUMN hash_version DROP DEFAULT")
    op.execute("ALTER TABLE gateway.audit_log ADD COLUMN mac text")
