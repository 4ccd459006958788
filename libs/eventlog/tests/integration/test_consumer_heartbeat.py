"""A handler that works longer than ack_wait keeps its message while it sends heartbeats."""

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from nats.aio.client import Client

from jobtrail.eventlog.consumer import EventConsumer
from jobtrail.eventlog.store import EventStore
from jobtrail.eventlog.topology import Topology, apply_topology
from jobtrail.events.envelope import Envelope, RecordedEvent
from jobtrail.events.ids import uuid7
from jobtrail.events.subjects import EVENTS_STREAM

pytestmark = pytest.mark.integration

WORK = 2.5  # seconds the handler works: more than twice the ack_wait below


async def deliveries(nc: Client, heartbeat: float | None) -> int:
    """How often a handler working WORK seconds is called for one event (ack_wait 1 s)."""
    durable, aggregate_id = f"test-{uuid4().hex[:12]}", str(uuid4())
    topology = Topology(streams={}, consumers={EVENTS_STREAM: {durable: {
        "durable_name": durable, "description": "heartbeat test", "deliver_policy": "all",
        "ack_policy": "explicit", "ack_wait": 1_000_000_000, "max_deliver": 3,
        "filter_subjects": [f"jobtrail.events.testagg.{aggregate_id}.*"],
    }}})  # fmt: skip
    await apply_topology(nc, topology)
    calls: list[RecordedEvent] = []

    async def slow(recorded: RecordedEvent) -> None:
        calls.append(recorded)
        await asyncio.sleep(WORK)

    stop = asyncio.Event()
    copies = [  # two worker copies share the consumer: a lapsed message goes to the other
        EventConsumer(nc, durable, slow, topology=topology, fetch_wait=0.2, heartbeat=heartbeat)
        for _ in range(2)
    ]
    tasks = [asyncio.create_task(copy.run(stop)) for copy in copies]
    try:
        envelope = Envelope(
            event_id=uuid7(), type="TestThingNoticed", schema_version=1, aggregate_type="testagg",
            aggregate_id=aggregate_id, aggregate_version=1, occurred_at=datetime.now(UTC),
            actor="test", correlation_id="heartbeat-test", data={},
        )  # fmt: skip
        await EventStore(nc).publish_many([envelope])
        await asyncio.sleep(WORK + 1.0)
        return len(calls)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        await nc.jetstream().delete_consumer(EVENTS_STREAM, durable)


async def test_heartbeats_keep_a_long_handler_from_being_redelivered(nc: Client) -> None:
    assert await deliveries(nc, heartbeat=0.3) == 1


async def test_without_heartbeats_a_long_handler_is_redelivered(nc: Client) -> None:
    assert await deliveries(nc, heartbeat=None) >= 2
