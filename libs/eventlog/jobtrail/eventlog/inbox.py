"""The inbox: which events a consumer has already applied, committed with their effect."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


def inbox_table(metadata: sa.MetaData, schema: str | None = None) -> sa.Table:
    """The table a component adds to its own schema (and its migrations)."""
    return sa.Table(
        "inbox",
        metadata,
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("stream_seq", sa.BigInteger, nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        schema=schema,
    )


async def claim(
    connection: AsyncConnection, table: sa.Table, consumer: str, event_id: UUID, stream_seq: int
) -> bool:
    """Record the event as applied in the caller's transaction; False if it already was."""
    statement = (
        insert(table)
        .values(consumer=consumer, event_id=event_id, stream_seq=stream_seq)
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    result = await connection.execute(statement)
    return result.first() is not None
