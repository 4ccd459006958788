"""Figure 2: events per second through the libs/eventlog publisher beside raw nats-py.

Both sides publish to the same stream (JOBTRAIL_EVENTS as deploy/nats defines it, with its
consumers), on the same connection, the same subjects, bytes and `Nats-Msg-Id` headers.
Every repetition seals new envelopes, so no message is dropped as a duplicate.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

from nats.js import JetStreamContext

from benchmarks.appending import CONTEXT
from benchmarks.context import Bench
from benchmarks.figures import Figure, Target
from benchmarks.measurement import Run, Stopwatch, interleaved
from benchmarks.servers import fresh_log
from benchmarks.workload import realistic_log, version_created, version_envelopes
from jobtrail.eventlog import EventStore
from jobtrail.events import Envelope, uuid7
from jobtrail.events.subjects import EVENTS_STREAM, aggregate_filter

Message = tuple[str, bytes, dict[str, str]]
WINDOW = 1000  # acks gathered every 1,000, as EventStore.publish_many does by default


async def run(bench: Bench) -> list[Figure]:
    await fresh_log(bench.nc)
    return [await batched(bench), await awaited(bench)]


async def batched(bench: Bench) -> Figure:
    store, js, size = EventStore(bench.nc), bench.nc.jetstream(), bench.plan.batch
    runs: dict[str, Run] = {
        "ours": lambda: ours_batch(store, size),
        "raw": lambda: raw_batch(js, size),
        "to_json": lambda: serialize_only(size),
    }
    stats = await interleaved(runs, bench.plan)
    sizes = [len(e.to_json()) for e in realistic_log(1000)]
    return Figure(
        name="publish-batch",
        title="batched append: EventStore.publish_many of sealed envelopes",
        unit="events/s",
        ours=stats["ours"],
        baseline=stats["raw"],
        baseline_label="raw nats-py publish_async, acks gathered every 1,000",
        target=Target("≥ 0.8× raw", min_ratio=0.8),
        notes=(
            f"{size} events per repetition, realistic mix, mean {sum(sizes) / len(sizes):.0f} B "
            "per message; same stream, subjects, bytes and Msg-Id headers on both sides",
            "raw gets pre-serialized bytes; ours serializes inside publish_many "
            f"(Envelope.to_json alone: {stats['to_json'].median:,.0f} envelopes/s)",
        ),
        extra={
            "to_json_per_s": stats["to_json"].median,
            "mean_message_bytes": sum(sizes) / len(sizes),
        },
    )


async def ours_batch(store: EventStore, size: int) -> float:
    envelopes = realistic_log(size)
    with Stopwatch() as watch:
        await store.publish_many(envelopes, window=WINDOW)
    return size / watch.seconds


async def raw_batch(js: JetStreamContext, size: int) -> float:
    messages = [_message(e) for e in realistic_log(size)]
    with Stopwatch() as watch:
        for start in range(0, size, WINDOW):
            futures = [
                await js.publish_async(subject, data, headers=headers)
                for subject, data, headers in messages[start : start + WINDOW]
            ]
            await asyncio.gather(*futures)
    return size / watch.seconds


async def serialize_only(size: int) -> float:
    """What publish_many does per envelope before it reaches nats-py, without publishing."""
    envelopes = realistic_log(size)
    with Stopwatch() as watch:
        for envelope in envelopes:
            _message(envelope)
    return size / watch.seconds


async def awaited(bench: Bench) -> Figure:
    store, js, count = EventStore(bench.nc), bench.nc.jetstream(), bench.plan.awaited
    runs: dict[str, Run] = {
        "ours": lambda: ours_awaited(store, count),
        "raw": lambda: raw_awaited(js, version_envelopes(count), checked=False),
        "raw-checked": lambda: raw_awaited(js, version_envelopes(count), checked=True),
    }
    stats = await interleaved(runs, bench.plan)
    return Figure(
        name="publish-awaited",
        title="single publish, awaited: EventStore.append of one event",
        unit="events/s",
        ours=stats["ours"],
        baseline=stats["raw"],
        baseline_label="raw nats-py js.publish, awaited, Msg-Id header only",
        target=Target("none in BENCHMARKS.md (raw ~3k msg/s seen on this machine class)"),
        notes=(
            f"{count} publishes per repetition to one aggregate; ours seals, serializes and "
            "sends the expected-last-subject-sequence check",
            "raw with the same check headers (server-side cost of the check): "
            f"{stats['raw-checked'].median:,.0f} events/s",
        ),
        extra={"raw_checked_per_s": stats["raw-checked"].median},
    )


async def ours_awaited(store: EventStore, count: int) -> float:
    rng, resume_id = random.Random(1), uuid7()
    history = await store.load("resume", resume_id)
    with Stopwatch() as watch:
        for version in range(1, count + 1):
            await store.append(history, [version_created(resume_id, version, rng)], CONTEXT)
    return count / watch.seconds


async def raw_awaited(
    js: JetStreamContext, envelopes: Sequence[Envelope], *, checked: bool
) -> float:
    messages = [_message(e) for e in envelopes]
    check = aggregate_filter("resume", envelopes[0].aggregate_id)
    last, stream = 0, EVENTS_STREAM if checked else None
    with Stopwatch() as watch:
        for subject, data, headers in messages:
            if checked:  # exactly the headers EventStore.append sends
                headers |= {
                    "Nats-Expected-Last-Subject-Sequence": str(last),
                    "Nats-Expected-Last-Subject-Sequence-Subject": check,
                }
            last = (await js.publish(subject, data, stream=stream, headers=headers)).seq
    return len(messages) / watch.seconds


def _message(envelope: Envelope) -> Message:
    return envelope.subject, envelope.to_json(), {"Nats-Msg-Id": str(envelope.event_id)}
