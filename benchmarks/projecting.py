"""Figure 4: replay into the gateway's PostgreSQL read models.

`reset` then `Projector(engine, store, ReadModels()).catch_up()` over a realistic log, on
a database of its own (migrated with the gateway's migrations), as `jobtrail replay` does.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from benchmarks.context import Bench
from benchmarks.figures import Figure, Target
from benchmarks.measurement import Run, Stopwatch, interleaved
from benchmarks.replaying import published_log, typed
from benchmarks.servers import create_database
from jobtrail.eventlog import EventStore
from jobtrail.gateway.bootstrap import migrate
from jobtrail.gateway.readmodels.projection import NAME, READ_MODELS, ReadModels
from jobtrail.gateway.readmodels.projector import Projector, reset
from jobtrail.gateway.readmodels.tables import events, users


async def run(bench: Bench) -> list[Figure]:
    count = bench.plan.log_events
    url = create_database(bench.stack, "bench_projection")
    await asyncio.to_thread(migrate, url)
    await published_log(bench, count)
    store, engine = EventStore(bench.nc), create_async_engine(url)
    try:
        runs: dict[str, Run] = {
            "ours": lambda: rebuild(engine, store, count),
            "decode": lambda: typed(store, count),
        }
        stats = await interleaved(runs, bench.plan)
        statements = await count_statements(engine, store)
        rows = await _row_counts(engine)
    finally:
        await engine.dispose()
    per_batch = sum(statements.values()) / (count / 1000)
    share = 1 - stats["ours"].median / stats["decode"].median
    return [
        Figure(
            name="project",
            title="replay into PostgreSQL read models (Projector.catch_up after reset)",
            unit="events/s",
            ours=stats["ours"],
            baseline=None,
            baseline_label="—",
            target=Target("≥ 20k events/s", at_least=20_000),
            notes=(
                f"{count} events (realistic mix) into {rows['users']} users; "
                f"{rows['events']} event rows",
                f"{per_batch:.1f} statements per 1,000-event batch, an executemany counting "
                f"once ({_describe(statements)})",
                f"read + decode of the same log alone: {stats['decode'].median:,.0f}/s, so "
                f"~{share:.0%} of catch_up's time is the projection (rows, SQL, commits)",
            ),
            extra={"statements": dict(statements), "decode_per_s": stats["decode"].median},
        )
    ]


async def rebuild(engine: AsyncEngine, store: EventStore, count: int) -> float:
    await reset(engine, NAME, READ_MODELS)
    projector = Projector(engine, store, ReadModels())
    with Stopwatch() as watch:
        position = await projector.catch_up()
    if position != await store.last_sequence():
        raise AssertionError(f"catch_up stopped at {position} of {count}")
    return count / watch.seconds


async def count_statements(engine: AsyncEngine, store: EventStore) -> Counter[str]:
    """One more rebuild (untimed) that counts what it sends to PostgreSQL, by verb."""
    seen: Counter[str] = Counter()

    def record(*args: Any) -> None:
        statement, many = str(args[2]), bool(args[5])
        seen[f"{statement.split(maxsplit=1)[0]}{' (executemany)' if many else ''}"] += 1

    await reset(engine, NAME, READ_MODELS)
    sa.event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await Projector(engine, store, ReadModels()).catch_up()
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", record)
    return seen


async def _row_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            "users": int(
                await connection.scalar(sa.select(sa.func.count()).select_from(users)) or 0
            ),
            "events": int(
                await connection.scalar(sa.select(sa.func.count()).select_from(events)) or 0
            ),
        }


def _describe(statements: Counter[str]) -> str:
    return ", ".join(f"{verb} {n}" for verb, n in statements.most_common())
