"""deploy/nats applied to the real server: idempotent, and the event log really append-only."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from nats.aio.client import Client
from nats.js.errors import APIError

from jobtrail.eventlog.store import EventStore
from jobtrail.eventlog.topology import apply_topology, load_topology
from jobtrail.events.envelope import Envelope
from jobtrail.events.ids import uuid7
from jobtrail.events.subjects import EVENTS_STREAM, aggregate_filter

pytestmark = pytest.mark.integration

MESSAGE_DELETE_NOT_PERMITTED = 10057


async def server_state(nc: Client) -> tuple[dict[str, object], dict[str, object]]:
    """Stream configs and consumer (config, created) pairs, as the server reports them."""
    js, topology = nc.jetstream(), load_topology()
    streams: dict[str, object] = {
        name: (await js.stream_info(name)).config for name in topology.streams
    }
    consumers: dict[str, object] = {}
    for stream, by_name in topology.consumers.items():
        for durable in by_name:
            info = await js.consumer_info(stream, durable)
            consumers[durable] = (info.config, info.created)
    return streams, consumers


async def test_applying_the_topology_again_changes_nothing(nc: Client) -> None:
    await apply_topology(nc, load_topology())
    before = await server_state(nc)
    await apply_topology(nc, load_topology())
    assert await server_state(nc) == before


async def test_every_deployed_consumer_exists_on_the_server(nc: Client) -> None:
    streams, consumers = await server_state(nc)
    topology = load_topology()
    assert set(streams) == set(topology.streams)
    assert set(consumers) == {d for by_name in topology.consumers.values() for d in by_name}


async def test_the_event_stream_on_the_server_is_append_only_and_kept_forever(
    nc: Client,
) -> None:
    config = (await nc.jetstream().stream_info(EVENTS_STREAM)).config
    assert config.deny_delete is True
    assert config.deny_purge is True
    assert config.allow_direct is True
    assert not config.max_age


def a_test_envelope(aggregate_id: UUID) -> Envelope:
    """An envelope of a throwaway type on the `testagg` aggregate: no service reads it."""
    return Envelope(
        event_id=uuid7(), type="TestThingKept", schema_version=1, aggregate_type="testagg",
        aggregate_id=str(aggregate_id), aggregate_version=1, occurred_at=datetime.now(UTC),
        actor="test", correlation_id="libs-events-topology-tests", data={},
    )  # fmt: skip


async def test_deleting_an_event_is_refused_and_the_event_stays(
    nc: Client, store: EventStore
) -> None:
    aggregate_id = uuid4()
    [seq] = await store.publish_many([a_test_envelope(aggregate_id)])
    with pytest.raises(APIError) as refused:
        await nc.jetstream().delete_msg(EVENTS_STREAM, seq)
    assert refused.value.err_code == MESSAGE_DELETE_NOT_PERMITTED
    assert [r.seq for r in (await store.load("testagg", aggregate_id)).events] == [seq]


async def test_purging_the_event_stream_is_refused(nc: Client, store: EventStore) -> None:
    aggregate_id = uuid4()
    await store.publish_many([a_test_envelope(aggregate_id)])
    # Filtered on this test's aggregate, so a broken deny_purge could not hurt other tests.
    with pytest.raises(APIError):
        await nc.jetstream().purge_stream(
            EVENTS_STREAM, subject=aggregate_filter("testagg", aggregate_id)
        )
    assert len((await store.load("testagg", aggregate_id)).events) == 1


async def test_applying_the_topology_updates_a_consumer_deployed_with_an_older_budget(
    nc: Client,
) -> None:
    topology = load_topology()
    stream, config = topology.consumer("resume-parse")
    older = {**config, "max_deliver": 5, "metadata": {"jobtrail_backoff_seconds": "1,5,15,30"}}
    js = nc.jetstream()
    await js.delete_consumer(stream, "resume-parse")
    deployed_before = type(topology)(streams={}, consumers={stream: {"resume-parse": older}})
    await apply_topology(nc, deployed_before)
    assert (await js.consumer_info(stream, "resume-parse")).config.max_deliver == 5
    await apply_topology(nc, topology)
    updated = (await js.consumer_info(stream, "resume-parse")).config
    assert updated.max_deliver == config["max_deliver"] == 50
    assert updated.metadata is not None
    assert updated.metadata["jobtrail_max_failures"] == "5"
