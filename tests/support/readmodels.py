"""The gateway's read models as data, taken while the log stands still."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from jobtrail.gateway.readmodels import projection
from jobtrail.gateway.readmodels.projection import READ_MODELS
from jobtrail.gateway.readmodels.projector import checkpoint
from tests.support.system import System

Dump = dict[str, list[tuple[Any, ...]]]


async def quiet_dump(system: System) -> tuple[Dump, int]:
    """Every read-model row once the projector has applied the whole log, and that position.

    Background work (match scoring, notifications) may append at any time; the dump is
    taken only when the log's last sequence is the same before and after it.
    """
    engine = system.deps.engine
    for _ in range(400):
        last = await system.deps.events.last_sequence()
        if await checkpoint(engine, projection.NAME) >= last:
            dump = {}
            async with engine.connect() as connection:
                for table in READ_MODELS:
                    ordered = sa.select(table).order_by(*table.primary_key.columns)
                    dump[table.name] = [tuple(row) for row in await connection.execute(ordered)]
            if await system.deps.events.last_sequence() == last:
                return dump, last
        await asyncio.sleep(0.05)
    raise AssertionError("the read models did not catch up with a still log")


def changed_rows(before: Dump, after: Dump) -> dict[str, tuple[list[Any], list[Any]]]:
    """Per table whose rows differ: (rows only before, rows only after)."""
    return {
        table: (sorted(set(before[table]) - set(rows), key=str),
                sorted(set(rows) - set(before[table]), key=str))
        for table, rows in after.items() if rows != before[table]
    }  # fmt: skip
