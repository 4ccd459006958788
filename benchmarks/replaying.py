"""Figure 3: replay, reading and decoding (with upcasting) the whole log.

Ours: `EventStore.read_batches` (direct get, 1,000 per round trip) and `RecordedEvent.event`.
Peer: the `eventsourcing` notification log in sections of 1,000, each decoded by its mapper.
Both hold the same realistic events, with the same data. Ours are sealed as the services
store them (each event's data with its owner's data key), so the figure includes opening
them; the same events stored in the clear (no owner) are read too, for the cost of sealing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks import peer
from benchmarks.context import Bench
from benchmarks.figures import Figure, Target
from benchmarks.measurement import Run, Stopwatch, interleaved
from benchmarks.servers import fresh_log
from benchmarks.workload import realistic_log
from jobtrail.eventlog import EventStore
from jobtrail.events import uuid7

if TYPE_CHECKING:
    from benchmarks.eventsourcing_app import BenchPeer


async def run(bench: Bench) -> list[Figure]:
    count = bench.plan.log_events
    await published_log(bench, count)
    store = EventStore(bench.nc)
    runs: dict[str, Run] = {
        "ours": lambda: typed(store, count),
        "clear": lambda: typed(store, count, start_seq=count + 1),
        "envelopes": lambda: envelopes_only(store, count),
        "messages": lambda: messages_only(store, count),
    }
    app = _peer(bench, count)
    if app is not None:
        runs["peer"] = lambda: peer_replay(app, count)
    stats = await interleaved(runs, bench.plan)
    notes = [
        f"{count} events, realistic mix, each at its current schema version (no upcasting)",
        f"ours without the typed decode (envelopes only): {stats['envelopes'].median:,.0f}/s; "
        f"raw direct-get messages, no decoding: {stats['messages'].median:,.0f}/s",
        f"the same events stored in the clear (nothing to open): {stats['clear'].median:,.0f}/s; "
        f"sealing costs {1 - stats['ours'].median / stats['clear'].median:.0%} of replay",
    ]
    if app is None:
        notes.append(peer.MISSING)
    return [
        Figure(
            name="replay",
            title="replay: read + decode (+ upcast) of the whole log",
            unit="events/s",
            ours=stats["ours"],
            baseline=stats.get("peer"),
            baseline_label="eventsourcing notification log, decoded",
            target=Target("≥ 150k events/s", at_least=150_000),
            notes=tuple(notes),
            extra={
                "envelopes_only_per_s": stats["envelopes"].median,
                "messages_only_per_s": stats["messages"].median,
                "clear_per_s": stats["clear"].median,
            },
        )
    ]


async def published_log(bench: Bench, count: int) -> None:
    """An empty events stream, then `count` realistic events in it (setup, not timed)."""
    await fresh_log(bench.nc)
    store, log = EventStore(bench.nc), realistic_log(count)
    await store.publish_many(log)  # sealed, as the services store them: seqs 1 … count
    clear = [e.model_copy(update={"owner_id": None, "event_id": uuid7()}) for e in log]
    await store.publish_many(clear)  # the same events with no owner, so nothing sealed


async def typed(store: EventStore, count: int, start_seq: int = 1) -> float:
    seen = 0
    with Stopwatch() as watch:
        batches = store.read_batches(start_seq=start_seq)
        async for batch in batches:
            for recorded in batch[: count - seen]:
                recorded.event  # noqa: B018 - the typed decode is what is measured
            seen += min(len(batch), count - seen)
            if seen >= count:
                break
        await batches.aclose()
    return _rate(seen, count, watch.seconds)


async def envelopes_only(store: EventStore, count: int) -> float:
    seen = 0
    with Stopwatch() as watch:
        batches = store.read_batches()
        async for batch in batches:
            seen += min(len(batch), count - seen)
            if seen >= count:
                break
        await batches.aclose()
    return _rate(seen, count, watch.seconds)


async def messages_only(store: EventStore, count: int) -> float:
    seen = 0
    with Stopwatch() as watch:
        messages = store.read_raw()
        async for _ in messages:
            seen += 1
            if seen >= count:
                break
        await messages.aclose()
    return _rate(seen, count, watch.seconds)


async def peer_replay(app: BenchPeer, count: int) -> float:
    from benchmarks.eventsourcing_app import read_log

    with Stopwatch() as watch:
        seen = sum(1 for _ in read_log(app))
    return _rate(seen, count, watch.seconds)


def _peer(bench: Bench, count: int) -> BenchPeer | None:
    if not bench.peer_installed:
        return None
    from benchmarks.eventsourcing_app import open_peer, store_log

    app = open_peer(bench.stack, "bench_peer_replay")
    store_log(app, realistic_log(count))
    return app


def _rate(seen: int, expected: int, seconds: float) -> float:
    if seen != expected:
        raise AssertionError(f"replay read {seen} events, the log holds {expected}")
    return seen / seconds
