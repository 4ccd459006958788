"""Figure 1: single-event appends, awaited, with the per-aggregate concurrency check.

Ours: `EventStore.load` once, then `append` of one event per call, each expecting the
aggregate's last sequence. Peer: `eventsourcing` on the same PostgreSQL, one event per
`save`, its concurrency check being the unique (originator_id, version) key.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING
from uuid import UUID

from benchmarks import peer
from benchmarks.context import Bench
from benchmarks.figures import Figure, Target
from benchmarks.measurement import Run, Stat, Stopwatch, interleaved
from benchmarks.servers import fresh_log
from benchmarks.workload import version_created, version_envelopes
from jobtrail.eventlog import AggregateHistory, EventStore
from jobtrail.events import EventContext, uuid7

if TYPE_CHECKING:
    from benchmarks.eventsourcing_app import BenchPeer

TARGET = Target("≥ 4.5× the peer", min_ratio=4.5)
CONTEXT = EventContext(actor="user:bench", correlation_id="bench-append")


async def run(bench: Bench) -> list[Figure]:
    await fresh_log(bench.nc)
    store = EventStore(bench.nc)
    plan = bench.plan
    runs: dict[str, Run] = {
        "ours-one": lambda: ours(store, 1, plan.appends),
        "ours-many": lambda: ours(store, plan.aggregates, plan.appends),
    }
    app = _peer(bench)
    if app is not None:
        runs["peer-one"] = lambda: peers(app, 1, plan.appends)
        runs["peer-many"] = lambda: peers(app, plan.aggregates, plan.appends)
    stats = await interleaved(runs, plan)
    return [
        _figure(bench, "append", "one aggregate", stats["ours-one"], stats.get("peer-one")),
        _figure(
            bench, "append-many", f"{plan.aggregates} aggregates, round robin",
            stats["ours-many"], stats.get("peer-many"),
        ),
    ]  # fmt: skip


async def ours(store: EventStore, aggregates: int, appends: int) -> float:
    """Events per second appended one at a time to `aggregates` existing aggregates."""
    rng = random.Random(1)
    histories = [await _existing_aggregate(store) for _ in range(aggregates)]
    with Stopwatch() as watch:
        for number in range(appends):
            history = histories[number % aggregates]
            event = version_created(UUID(history.aggregate_id), history.version + 1, rng)
            await store.append(history, [event], CONTEXT)
    return appends / watch.seconds


async def _existing_aggregate(store: EventStore) -> AggregateHistory:
    """A resume with one event already in the log, loaded as the gateway loads it."""
    resume_id = uuid7()
    first = version_created(resume_id, 1, random.Random(2))
    await store.append(AggregateHistory("resume", str(resume_id)), [first], CONTEXT)
    return await store.load("resume", resume_id)


async def peers(app: BenchPeer, aggregates: int, appends: int) -> float:
    """The same for the peer: each `save` is one transaction holding one event."""
    from benchmarks.eventsourcing_app import Ledger

    envelopes = version_envelopes(appends)
    ledgers: list[Ledger] = []
    for _ in range(aggregates):
        created = Ledger()
        app.save(created)
        ledgers.append(app.repository.get(created.id))
    with Stopwatch() as watch:
        for number, envelope in enumerate(envelopes):
            ledger = ledgers[number % aggregates]
            ledger.record(envelope)
            app.save(ledger)
    return appends / watch.seconds


def _peer(bench: Bench) -> BenchPeer | None:
    if not bench.peer_installed:
        return None
    from benchmarks.eventsourcing_app import open_peer

    return open_peer(bench.stack, "bench_peer_append")


def _figure(bench: Bench, name: str, shape: str, ours_stat: Stat, peer_stat: Stat | None) -> Figure:
    notes = [f"{bench.plan.appends} awaited appends per repetition, {shape}"]
    if peer_stat is None:
        notes.append(peer.MISSING)
    return Figure(
        name=name,
        title=f"single-event append, awaited, concurrency-checked ({shape})",
        unit="events/s",
        ours=ours_stat,
        baseline=peer_stat,
        baseline_label="eventsourcing on PostgreSQL, one event per save",
        target=TARGET,
        notes=tuple(notes),
    )
