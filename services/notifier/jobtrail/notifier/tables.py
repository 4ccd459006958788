"""The notifier's own table: open applications and their follow-up dates (schema `notifier`)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

SCHEMA = "notifier"
MIGRATIONS = Path(__file__).parent / "migrations"
metadata = sa.MetaData(schema=SCHEMA)

# One row per application that ever had a follow-up date, kept from its events by
# `follow_ups.FollowUpTracker`; `seq` is the stream sequence of the last event folded in.
follow_ups = sa.Table(
    "follow_ups",
    metadata,
    sa.Column("application_id", sa.Uuid, primary_key=True),
    sa.Column("owner_id", sa.Uuid, nullable=True),
    sa.Column("follow_up_on", sa.Date, nullable=True),
    sa.Column("reminded", sa.Boolean, nullable=False),
    sa.Column("open", sa.Boolean, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Index("follow_ups_due", "follow_up_on", postgresql_where=sa.text("open AND NOT reminded")),
)
