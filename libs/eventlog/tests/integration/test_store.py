"""The event log on JetStream: appends checked per aggregate, atomic batches, reads, dedupe.

The stream is shared by every test of the session: each test uses its own random aggregate
ids on the `testagg` aggregate and never assumes the stream is empty.
"""

import asyncio
from typing import ClassVar
from uuid import UUID, uuid4

import pytest
from nats.aio.client import Client

from jobtrail.eventlog.declarations import Service, UndeclaredEvent
from jobtrail.eventlog.store import AggregateHistory, EventStore
from jobtrail.events.envelope import Envelope, Event, EventContext, seal
from jobtrail.events.errors import ConcurrencyConflict
from jobtrail.events.subjects import EVENTS_STREAM, aggregate_filter

pytestmark = pytest.mark.integration


class TestThingLogged(Event):
    """A throwaway event of the `testagg` aggregate, appended by these tests."""

    __test__ = False
    type: ClassVar[str] = "TestThingLogged"
    aggregate_type: ClassVar[str] = "testagg"
    n: int


CONTEXT = EventContext(actor="test", correlation_id="libs-events-store-tests")


def things(*numbers: int) -> list[Event]:
    return [TestThingLogged(n=n) for n in numbers]


def numbers(history: AggregateHistory) -> list[int]:
    return [recorded.envelope.data["n"] for recorded in history.events]


def copy_of(history: AggregateHistory) -> AggregateHistory:
    return AggregateHistory(
        history.aggregate_type, history.aggregate_id, list(history.events), history.last_seq
    )


async def stored_count(nc: Client, aggregate_id: UUID) -> int:
    """Messages the stream holds for one aggregate, counted by the server."""
    subject = aggregate_filter("testagg", aggregate_id)
    info = await nc.jetstream().stream_info(EVENTS_STREAM, subjects_filter=subject)
    return sum((info.state.subjects or {}).values())


async def a_cause(store: EventStore) -> Envelope:
    history = await store.load("testagg", uuid4())
    return (await store.append(history, things(0), CONTEXT))[0].envelope


async def test_an_appended_event_is_loaded_back_with_its_sequence(store: EventStore) -> None:
    aggregate_id = uuid4()
    history = await store.load("testagg", aggregate_id)
    recorded = await store.append(history, things(7), CONTEXT)
    loaded = await store.load("testagg", aggregate_id)
    assert [r.envelope for r in loaded.events] == [r.envelope for r in recorded]
    assert loaded.last_seq == recorded[0].seq == history.last_seq
    assert (loaded.version, history.version) == (1, 1)
    assert loaded.events[0].event == TestThingLogged(n=7)
    assert await store.last_sequence() >= loaded.last_seq


async def test_loading_an_aggregate_without_events_gives_an_empty_history(
    store: EventStore,
) -> None:
    history = await store.load("testagg", uuid4())
    assert (history.events, history.last_seq, history.version) == ([], 0, 0)


@pytest.mark.parametrize("size", [1, 3], ids=["single", "atomic-batch"])
async def test_a_stale_append_is_refused_and_stores_nothing(
    store: EventStore, nc: Client, size: int
) -> None:
    aggregate_id = uuid4()
    await store.append(await store.load("testagg", aggregate_id), things(1), CONTEXT)
    stale = await store.load("testagg", aggregate_id)
    await store.append(await store.load("testagg", aggregate_id), things(2), CONTEXT)
    with pytest.raises(ConcurrencyConflict) as refused:
        await store.append(stale, things(*range(10, 10 + size)), CONTEXT)
    assert refused.value.expected_seq == stale.last_seq
    assert stale.version == 1
    assert await stored_count(nc, aggregate_id) == 2
    assert numbers(await store.load("testagg", aggregate_id)) == [1, 2]


async def test_a_multi_event_append_is_stored_whole_at_contiguous_sequences(
    store: EventStore,
) -> None:
    aggregate_id, noise_id = uuid4(), uuid4()
    noise = seal(things(*range(300)), aggregate_id=noise_id, base_version=0, context=CONTEXT)
    history = await store.load("testagg", aggregate_id)

    async def append_batches() -> list[list[int]]:
        return [
            [r.seq for r in await store.append(history, things(n, n + 1, n + 2), CONTEXT)]
            for n in range(0, 15, 3)
        ]

    batches, _ = await asyncio.gather(append_batches(), store.publish_many(noise, window=5))
    loaded = await store.load("testagg", aggregate_id)
    assert numbers(loaded) == list(range(15))
    assert [r.envelope.aggregate_version for r in loaded.events] == list(range(1, 16))
    assert [r.seq for r in loaded.events] == [seq for batch in batches for seq in batch]
    for batch in batches:
        assert batch == list(range(batch[0], batch[0] + 3))


@pytest.mark.parametrize(("one", "other"), [(1, 1), (2, 3), (1, 2)])
async def test_of_two_concurrent_appends_from_the_same_base_exactly_one_wins(
    store: EventStore, nc: Client, one: int, other: int
) -> None:
    aggregate_id = uuid4()
    await store.append(await store.load("testagg", aggregate_id), things(0), CONTEXT)
    first = await store.load("testagg", aggregate_id)
    second = copy_of(first)
    results = await asyncio.gather(
        store.append(first, things(*range(100, 100 + one)), CONTEXT),
        store.append(second, things(*range(200, 200 + other)), CONTEXT),
        return_exceptions=True,
    )
    winners = [result for result in results if isinstance(result, list)]
    losers = [result for result in results if isinstance(result, ConcurrencyConflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert await stored_count(nc, aggregate_id) == 1 + len(winners[0])


async def test_publishing_the_same_envelope_again_stores_it_once(
    store: EventStore, nc: Client
) -> None:
    aggregate_id = uuid4()
    envelope = seal(things(1), aggregate_id=aggregate_id, base_version=0, context=CONTEXT)[0]
    first = await store.publish_many([envelope])
    again = await store.publish_many([envelope, envelope])
    assert again == first * 2
    assert await stored_count(nc, aggregate_id) == 1


@pytest.mark.parametrize("size", [1, 2], ids=["single", "atomic-batch"])
async def test_retrying_an_append_for_the_same_cause_never_stores_it_twice(
    store: EventStore, nc: Client, size: int
) -> None:
    context = EventContext.caused_by(await a_cause(store), actor="test")
    aggregate_id = uuid4()
    history = await store.load("testagg", aggregate_id)
    retry = copy_of(history)
    await store.append(history, things(*range(size)), context)
    # The retry seals the same ids from the same base: refused, so the caller reloads.
    with pytest.raises(ConcurrencyConflict):
        await store.append(retry, things(*range(size)), context)
    assert await stored_count(nc, aggregate_id) == size


async def test_one_cause_appending_to_two_aggregates_stores_both(
    store: EventStore, nc: Client
) -> None:
    context = EventContext.caused_by(await a_cause(store), actor="test")
    first, second = uuid4(), uuid4()
    await store.append(await store.load("testagg", first), things(1), context)
    await store.append(await store.load("testagg", second), things(1), context)
    assert await stored_count(nc, first) == 1
    assert await stored_count(nc, second) == 1


@pytest.mark.parametrize("batch", [1000, 2])
async def test_reading_from_a_start_sequence_yields_that_event_and_the_later_ones(
    store: EventStore, batch: int
) -> None:
    aggregate_id = uuid4()
    recorded = await store.append(await store.load("testagg", aggregate_id), things(*range(5)),
                                  CONTEXT)  # fmt: skip
    subject = aggregate_filter("testagg", aggregate_id)
    read = [r async for r in store.read(subject=subject, start_seq=recorded[2].seq, batch=batch)]
    assert [r.seq for r in read] == [r.seq for r in recorded[2:]]
    assert [r.envelope.data["n"] for r in read] == [2, 3, 4]


async def test_reading_in_batches_gives_lists_of_at_most_the_batch_size(
    store: EventStore,
) -> None:
    aggregate_id = uuid4()
    recorded = await store.append(await store.load("testagg", aggregate_id), things(*range(5)),
                                  CONTEXT)  # fmt: skip
    subject = aggregate_filter("testagg", aggregate_id)
    chunks = [
        [r.envelope.data["n"] for r in chunk]
        async for chunk in store.read_batches(subject=subject, start_seq=recorded[1].seq, batch=2)
    ]
    assert chunks == [[1, 2], [3, 4]]


async def test_reading_past_the_end_yields_nothing(store: EventStore) -> None:
    aggregate_id = uuid4()
    recorded = await store.append(await store.load("testagg", aggregate_id), things(1), CONTEXT)
    subject = aggregate_filter("testagg", aggregate_id)
    assert [r async for r in store.read(subject=subject, start_seq=recorded[0].seq + 1)] == []


class TestThingForgotten(Event):
    """An event of `testagg` that the declaration below does not list."""

    __test__ = False
    type: ClassVar[str] = "TestThingForgotten"
    aggregate_type: ClassVar[str] = "testagg"


async def test_a_service_cannot_append_an_event_it_does_not_declare(nc: Client) -> None:
    declared = EventStore(nc, declared=Service("shop", emits=(TestThingLogged,)))
    aggregate_id = uuid4()
    history = await declared.load("testagg", aggregate_id)
    with pytest.raises(UndeclaredEvent, match="shop appends TestThingForgotten"):
        await declared.append(history, [TestThingLogged(n=1), TestThingForgotten()], CONTEXT)
    assert await stored_count(nc, aggregate_id) == 0
    await declared.append(history, things(2), CONTEXT)
    assert await stored_count(nc, aggregate_id) == 1
    forgotten = seal([TestThingForgotten()], aggregate_id=aggregate_id, base_version=1,
                     context=CONTEXT)  # fmt: skip
    with pytest.raises(UndeclaredEvent):  # announcements published in bulk are checked too
        await declared.publish_many(forgotten)
    assert await stored_count(nc, aggregate_id) == 1
