"""The audit store: every event, hash-chained, append-only; and the check of the chain.

hash(n) = sha256(hash(n-1) || canonical_json(envelope n)), with 64 zeros before the first.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobtrail.events import RecordedEvent
from jobtrail.events.canonical import canonical_json
from jobtrail.gateway.readmodels.rows import event_columns
from jobtrail.gateway.readmodels.tables import audit_log

NAME = "audit"
GENESIS = "0" * 64


def chain_hash(prev_hash: str, event: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical_json(event)).hexdigest()


class AuditTrail:
    """Appends each event to the audit log, chained to the row before it."""

    name = NAME

    async def apply(self, connection: AsyncConnection, batch: list[RecordedEvent]) -> None:
        prev = await connection.scalar(
            sa.select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        )
        prev_hash = prev or GENESIS
        rows = []
        for recorded in batch:
            envelope = recorded.envelope
            event = envelope.model_dump(mode="json")
            digest = chain_hash(prev_hash, event)
            rows.append(
                {**event_columns(recorded), "event": event, "prev_hash": prev_hash, "hash": digest}
            )
            prev_hash = digest
        await connection.execute(audit_log.insert(), rows)


@dataclass(frozen=True)
class ChainReport:
    rows_checked: int
    first_broken_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


async def verify_chain(engine: AsyncEngine, batch: int = 5000) -> ChainReport:
    """Recompute every hash in order; name the first row that does not match."""
    prev_hash = GENESIS
    checked = 0
    async for row in _rows(engine, batch):
        if row.prev_hash != prev_hash:
            return ChainReport(checked, row.seq, "its prev_hash is not the hash of the row before")
        if chain_hash(prev_hash, row.event) != row.hash:
            return ChainReport(checked, row.seq, "its content does not match its hash")
        prev_hash = row.hash
        checked += 1
    return ChainReport(checked)


async def _rows(engine: AsyncEngine, batch: int) -> AsyncIterator[Any]:
    query = sa.select(audit_log.c.seq, audit_log.c.event, audit_log.c.prev_hash, audit_log.c.hash)
    async with engine.connect() as connection:
        result = await connection.stream(
            query.order_by(audit_log.c.seq).execution_options(yield_per=batch)
        )
        async for row in result:
            yield row
