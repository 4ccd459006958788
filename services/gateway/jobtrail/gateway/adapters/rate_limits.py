"""Token buckets in PostgreSQL (`gateway.rate_limits`), shared by every gateway copy.

One statement per request takes a token from each of its buckets (the caller's account
and address): each bucket refills at its rate up to its capacity since it was last
touched, and gives a token if it holds one. Rows are locked in key order, so two requests
touching the same buckets never deadlock.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.gateway.handlers.rate_limits import Bucket, Taken
from jobtrail.gateway.readmodels.tables import SCHEMA, metadata

rate_limits = sa.Table(
    "rate_limits",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("tokens", sa.Float, nullable=False),
    sa.Column("capacity", sa.Float, nullable=False),
    sa.Column("rate", sa.Float, nullable=False),  # tokens per second
    sa.Column("allowed", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

_REFILLED = (
    "least(excluded.capacity, b.tokens"
    " + extract(epoch from (clock_timestamp() - b.updated_at)) * excluded.rate)"
)
_TAKE = f"""
INSERT INTO {SCHEMA}.rate_limits AS b (key, tokens, capacity, rate, allowed, updated_at)
SELECT key, capacity - 1, capacity, rate, true, clock_timestamp()
FROM unnest(CAST(:keys AS text[]), CAST(:capacities AS float8[]), CAST(:rates AS float8[]))
     AS given(key, capacity, rate)
ORDER BY key
ON CONFLICT (key) DO UPDATE SET
    allowed = {_REFILLED} >= 1,
    tokens = CASE WHEN {_REFILLED} >= 1 THEN {_REFILLED} - 1 ELSE {_REFILLED} END,
    capacity = excluded.capacity,
    rate = excluded.rate,
    updated_at = clock_timestamp()
RETURNING key, tokens, allowed
"""  # noqa: S608 - composed of this module's constants only


class PostgresRateLimits:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def take(self, buckets: Sequence[Bucket]) -> list[Taken]:
        by_key = {bucket.key: bucket for bucket in buckets}
        async with self._engine.begin() as connection:
            rows = await connection.execute(
                sa.text(_TAKE),
                {
                    "keys": list(by_key),
                    "capacities": [float(b.capacity) for b in by_key.values()],
                    "rates": [b.rate for b in by_key.values()],
                },
            )
            found = {row.key: Taken(by_key[row.key], row.tokens, row.allowed) for row in rows}
        return [found[bucket.key] for bucket in buckets]
