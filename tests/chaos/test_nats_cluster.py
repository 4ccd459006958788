"""A 3-node NATS cluster on loopback with R3 streams: one node is killed mid-load.

The event store appends through it and a durable consumer applies every event to
PostgreSQL (inbox in the same transaction). The node the clients are connected to is
`kill -9`ed partway: nothing acknowledged is lost, no effect is applied twice, and both
clients reconnect to a surviving node by themselves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from nats.aio.client import Client as NATS
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail.eventlog import EventConsumer, EventStore, Topology, apply_topology, load_topology
from jobtrail.eventlog.connection import connect_nats
from jobtrail.eventlog.inbox import claim, inbox_table
from jobtrail.events import ConcurrencyConflict, EventContext, RecordedEvent
from jobtrail.events.users import UserRegistered
from jobtrail.stack import StackEndpoints
from jobtrail.stack.nats_cluster import NatsCluster
from jobtrail.stack.pytest_plugin import server_data_dir

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

EVENTS = 240
PROBE = "cluster-probe"
SUBJECT = "jobtrail.events.user.*.UserRegistered"
PROBE_CONSUMER = {
    "durable_name": PROBE,
    "description": "test: applies UserRegistered to PostgreSQL through the inbox",
    "deliver_policy": "all",
    "ack_policy": "explicit",
    "ack_wait": 10_000_000_000,
    "max_deliver": 50,
    "filter_subjects": [SUBJECT],
    "max_ack_pending": 256,
    "replay_policy": "instant",
    "metadata": {"jobtrail_backoff_seconds": "0.2,0.5,1"},
}


def replicated(topology: Topology, replicas: int) -> Topology:
    """The same streams with another replica count (the deploy/nats/cluster files use 3)."""
    streams = {
        name: {**config, "num_replicas": replicas} for name, config in topology.streams.items()
    }
    return Topology(streams, topology.consumers)


@pytest.fixture
def cluster() -> Iterator[NatsCluster]:
    with server_data_dir() as data_dir, NatsCluster(data_dir, size=3) as running:
        yield running


@pytest.fixture
async def effects(stack: StackEndpoints) -> AsyncIterator[tuple[AsyncEngine, sa.Table, sa.Table]]:
    schema = f"cluster_probe_{uuid4().hex[:8]}"
    metadata = sa.MetaData(schema=schema)
    applied = sa.Table(
        "applied",
        metadata,
        sa.Column("user_id", sa.Uuid, nullable=False),  # not unique: a second effect would show
        sa.Column("event_id", sa.Uuid, nullable=False),
    )
    inbox = inbox_table(metadata, schema=schema)
    engine = create_async_engine(stack.database_url)
    async with engine.begin() as connection:
        await connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    try:
        yield engine, applied, inbox
    finally:
        async with engine.begin() as connection:
            await connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await engine.dispose()


async def test_killing_a_node_mid_load_loses_nothing_and_duplicates_nothing(
    cluster: NatsCluster, effects: tuple[AsyncEngine, sa.Table, sa.Table]
) -> None:
    engine, applied, inbox = effects
    base = load_topology()
    topology = replicated(
        Topology(base.streams, {**base.consumers, "JOBTRAIL_EVENTS": {PROBE: PROBE_CONSUMER}}), 3
    )
    # The writer knows only node 1 (the one killed below) and learns the others from it;
    # the reader is given every node, comma-separated, as JOBTRAIL_NATS_URL may list them.
    writer = await connect_nats(cluster.urls[0], name="cluster-writer")
    reader = await connect_nats(",".join(cluster.urls), name="cluster-reader")
    try:
        await apply_topology(writer, topology)
        info = await writer.jetstream().stream_info("JOBTRAIL_EVENTS")
        assert info.config.num_replicas == 3

        async def apply(event: RecordedEvent) -> None:
            data = event.envelope.data
            async with engine.begin() as connection:
                if await claim(connection, inbox, PROBE, event.envelope.event_id, event.seq):
                    await connection.execute(
                        applied.insert().values(
                            user_id=data["user_id"], event_id=event.envelope.event_id
                        )
                    )

        stop = asyncio.Event()
        consuming = asyncio.create_task(keep_consuming(reader, apply, topology, stop))
        store = EventStore(writer)
        users = [uuid4() for _ in range(EVENTS)]
        for n, user_id in enumerate(users):
            if n == EVENTS // 3:
                cluster.kill(0)
            await append_once(store, user_id)

        assert await eventually(lambda: count_applied(engine, applied), EVENTS, timeout=120)
        stop.set()
        await consuming

        rows = await rows_applied(engine, applied)
        assert sorted(rows) == sorted(users), "an effect was lost or applied twice"
        subjects = (await writer.jetstream().stream_info("JOBTRAIL_EVENTS", SUBJECT)).state
        assert subjects.subjects is not None
        assert sorted(subjects.subjects.values()) == [1] * EVENTS
        assert set(subjects.subjects) == {f"jobtrail.events.user.{u}.UserRegistered" for u in users}
        for client in (writer, reader):
            assert client.is_connected
            assert client.connected_url is not None
            assert client.connected_url.port != cluster.nodes[0].client_port
    finally:
        await writer.close()
        await reader.close()


async def append_once(store: EventStore, user_id: UUID, window: float = 60.0) -> None:
    """Append one UserRegistered, retrying through the fail-over without ever adding two.

    A retry re-reads the aggregate first: if the earlier try was stored after all (its
    acknowledgement lost with the node), there is nothing left to do.
    """
    event = UserRegistered(
        user_id=user_id, email=f"{user_id.hex}@example.com", display_name="Probe",
        password_hash="not-a-hash",
    )  # fmt: skip
    context = EventContext(actor="cluster-test", correlation_id=str(user_id), owner_id=user_id)
    deadline = time.monotonic() + window
    while True:
        try:
            history = await store.load("user", user_id)
            if history.version == 0:
                await store.append(history, [event], context)
            return
        except ConcurrencyConflict:
            continue  # the earlier try landed: the next load sees it
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def keep_consuming(nc: NATS, apply: Any, topology: Topology, stop: asyncio.Event) -> None:
    """Run the consumer; if it fails while the stream's leader moves, start it again
    (as the supervisor restarts a crashed service)."""
    while not stop.is_set():
        consumer = EventConsumer(nc, PROBE, apply, topology=topology, fetch_wait=0.5)
        try:
            await consumer.run(stop)
        except Exception as error:
            print(f"consumer restarted after {type(error).__name__}: {error}")
            await asyncio.sleep(0.5)


async def count_applied(engine: AsyncEngine, applied: sa.Table) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(sa.select(sa.func.count()).select_from(applied)) or 0)


async def rows_applied(engine: AsyncEngine, applied: sa.Table) -> list[UUID]:
    async with engine.connect() as connection:
        return list((await connection.execute(sa.select(applied.c.user_id))).scalars())


async def eventually(measure: Any, expected: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while (await measure()) < expected:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True
