"""Durable consumers on the real server: ack, retry with backoff, and dead letters.

Each test gets a throwaway durable consumer on JOBTRAIL_EVENTS that only sees its own
aggregate (`tests.support.consumers`); it is deleted afterwards. Every
test runs three times: on our own fetch loop (`EventConsumer.run`) and on faststream's pull
subscriber (`FaststreamConsumers`), concurrent and `ordered`, which must behave the same.
"""

import asyncio
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from nats.aio.client import Client

from jobtrail.eventlog.consumer import EventConsumer, PermanentFailure
from jobtrail.eventlog.topology import apply_topology
from jobtrail.events.envelope import RecordedEvent
from jobtrail.events.subjects import EVENTS_STREAM
from jobtrail.privacy import OwnerErased
from tests.support.consumers import (
    SETTLE,
    WAIT,
    ThrowawayConsumer,
    until,
)

pytestmark = pytest.mark.integration


@pytest.fixture(params=["nats-py", "faststream", "faststream-ordered"])
async def consumer(
    nc: Client, nats_url: str, request: pytest.FixtureRequest
) -> AsyncIterator[ThrowawayConsumer]:
    throwaway = ThrowawayConsumer(nc, nats_url, request.param)
    await apply_topology(nc, throwaway.topology)
    try:
        yield throwaway
    finally:
        try:
            await throwaway.stop()
        finally:
            await nc.jetstream().delete_consumer(EVENTS_STREAM, throwaway.durable)


async def succeeds(recorded: RecordedEvent, attempt: int) -> None:
    return None


async def fails_twice(recorded: RecordedEvent, attempt: int) -> None:
    if attempt <= 2:
        raise RuntimeError(f"flaky on attempt {attempt}")


async def always_fails(recorded: RecordedEvent, attempt: int) -> None:
    raise RuntimeError(f"broken on attempt {attempt}")


async def gives_up(recorded: RecordedEvent, attempt: int) -> None:
    raise PermanentFailure("the file is not a resume")


async def meets_an_erased_owner(recorded: RecordedEvent, attempt: int) -> None:
    raise OwnerErased(uuid4())


async def decodes(recorded: RecordedEvent, attempt: int) -> None:
    recorded.event  # noqa: B018 - decoding is the point


async def test_a_handler_that_succeeds_is_called_once_and_the_event_acked(
    consumer: ThrowawayConsumer,
) -> None:
    seq, _ = await consumer.publish()
    consumer.start(succeeds)
    await until(lambda: consumer.acked(seq))
    await asyncio.sleep(SETTLE)
    assert [recorded.seq for recorded in consumer.calls] == [seq]
    info = await consumer.info()
    assert info.delivered is not None
    assert (info.delivered.consumer_seq, info.num_redelivered) == (1, 0)
    assert consumer.dead == []


async def test_a_handler_that_fails_twice_is_retried_and_the_event_acked(
    consumer: ThrowawayConsumer,
) -> None:
    seq, _ = await consumer.publish()
    consumer.start(fails_twice)
    await until(lambda: consumer.acked(seq))
    await asyncio.sleep(SETTLE)
    assert [recorded.seq for recorded in consumer.calls] == [seq, seq, seq]
    assert consumer.dead == []
    assert await consumer.dead_letter_count() == 0


async def test_a_handler_that_always_fails_sends_the_event_to_the_dead_letters(
    consumer: ThrowawayConsumer,
) -> None:
    seq, data = await consumer.publish()
    consumer.start(always_fails)
    letter = await consumer.dead_letter()
    await until(lambda: consumer.dead)
    await asyncio.sleep(SETTLE)
    assert len(consumer.calls) == 3
    assert letter.data == data
    assert letter.headers is not None
    assert letter.headers["Jobtrail-Error"] == "RuntimeError: broken on attempt 3"
    assert letter.headers["Jobtrail-Consumer"] == consumer.durable
    assert letter.headers["Jobtrail-Original-Sequence"] == str(seq)
    assert letter.headers["Jobtrail-Original-Subject"] == consumer.subject
    assert letter.headers["Jobtrail-Deliveries"] == "3"
    [(recorded, reason)] = consumer.dead
    assert (recorded.seq, reason) == (seq, "RuntimeError: broken on attempt 3")
    assert await consumer.acked(seq)
    assert await consumer.dead_letter_count() == 1


async def test_a_permanent_failure_is_dead_lettered_at_the_first_attempt(
    consumer: ThrowawayConsumer,
) -> None:
    seq, _ = await consumer.publish()
    consumer.start(gives_up)
    letter = await consumer.dead_letter()
    await until(lambda: consumer.dead)
    await asyncio.sleep(SETTLE)
    assert len(consumer.calls) == 1
    assert letter.headers is not None
    assert letter.headers["Jobtrail-Error"] == "PermanentFailure: the file is not a resume"
    assert letter.headers["Jobtrail-Deliveries"] == "1"
    assert [(recorded.seq, reason) for recorded, reason in consumer.dead] == [
        (seq, "PermanentFailure: the file is not a resume")
    ]


async def test_work_for_an_account_erased_meanwhile_is_acked_and_dropped(
    consumer: ThrowawayConsumer,
) -> None:
    seq, _ = await consumer.publish()
    consumer.start(meets_an_erased_owner)
    await until(lambda: consumer.acked(seq))
    await asyncio.sleep(SETTLE)
    assert [recorded.seq for recorded in consumer.calls] == [seq]  # tried once, not retried
    assert consumer.dead == []


async def test_an_event_of_a_type_nobody_defines_is_dead_lettered_at_once(
    consumer: ThrowawayConsumer,
) -> None:
    await consumer.publish()
    consumer.start(decodes)
    letter = await consumer.dead_letter()
    assert letter.headers is not None
    assert letter.headers["Jobtrail-Error"].startswith("UnknownEventType: ")
    assert letter.headers["Jobtrail-Deliveries"] == "1"
    assert len(consumer.calls) == 1


async def test_an_undecodable_message_is_dead_lettered_without_calling_the_handler(
    consumer: ThrowawayConsumer,
) -> None:
    junk = b"\x00 this is not an envelope {"
    ack = await consumer.nc.jetstream().publish(consumer.subject, junk, stream=EVENTS_STREAM)
    consumer.start(succeeds)
    letter = await consumer.dead_letter("Undecodable")
    await until(lambda: consumer.acked(ack.seq))
    assert letter.data == junk
    assert letter.headers is not None
    assert letter.headers["Jobtrail-Error"].startswith("undecodable message: ")
    assert letter.headers["Jobtrail-Original-Sequence"] == str(ack.seq)
    assert consumer.calls == []
    assert consumer.dead == []  # the hook needs a decoded event to emit a terminal one


def _database_down() -> Exception:
    import psycopg
    import sqlalchemy.exc

    return sqlalchemy.exc.OperationalError(
        "SELECT 1", {}, psycopg.OperationalError("connection refused")
    )


async def test_an_outage_longer_than_the_delivery_budget_is_waited_out_on_one_delivery(
    consumer: ThrowawayConsumer,
) -> None:
    # Down for longer than max_deliver (3) × backoff, and longer than ack_wait (5 s).
    outage_ends = asyncio.get_running_loop().time() + 6.0

    async def database_down_for_a_while(recorded: RecordedEvent, attempt: int) -> None:
        if asyncio.get_running_loop().time() < outage_ends:
            raise _database_down()

    seq, _ = await consumer.publish()
    consumer.start(database_down_for_a_while)
    await until(lambda: consumer.acked(seq), timeout=WAIT + 6.0)
    await asyncio.sleep(SETTLE)
    assert len(consumer.calls) > 3  # more attempts than the budget allows deliveries
    info = await consumer.info()
    assert info.delivered is not None
    assert (info.delivered.consumer_seq, info.num_redelivered) == (1, 0)
    assert consumer.dead == []
    assert await consumer.dead_letter_count() == 0


async def test_stopping_during_an_outage_returns_promptly_and_leaves_the_event_to_redeliver(
    consumer: ThrowawayConsumer,
) -> None:
    async def database_down(recorded: RecordedEvent, attempt: int) -> None:
        raise _database_down()

    seq, _ = await consumer.publish()
    consumer.start(database_down)
    await until(lambda: len(consumer.calls) >= 2)
    await consumer.stop()  # fails the test after WAIT if the outage loop ignores the stop
    assert not await consumer.acked(seq)
    assert consumer.dead == []

    consumer._stop = asyncio.Event()  # the same durable, started again: the dependency is back
    consumer.calls.clear()
    consumer.start(succeeds)
    await until(lambda: consumer.acked(seq))
    assert [recorded.seq for recorded in consumer.calls] == [seq]
    assert await consumer.dead_letter_count() == 0


async def test_an_attempt_that_hangs_past_its_timeout_is_an_outage_not_a_failure(
    consumer: ThrowawayConsumer,
) -> None:
    config = consumer.topology.consumers[EVENTS_STREAM][consumer.durable]
    config["metadata"]["jobtrail_attempt_timeout_seconds"] = "0.3"

    async def hangs_at_first(recorded: RecordedEvent, attempt: int) -> None:
        if attempt <= 4:  # more hung attempts than max_deliver allows deliveries
            await asyncio.sleep(3600)

    seq, _ = await consumer.publish()
    consumer.start(hangs_at_first)
    await until(lambda: consumer.acked(seq))
    assert len(consumer.calls) == 5
    assert consumer.dead == []
    assert await consumer.dead_letter_count() == 0


async def test_events_fetched_with_one_waiting_out_an_outage_are_kept_for_it(
    consumer: ThrowawayConsumer,
) -> None:
    outage_ends = asyncio.get_running_loop().time() + 7.0  # longer than ack_wait (5 s)

    async def database_down_for_a_while(recorded: RecordedEvent, attempt: int) -> None:
        if asyncio.get_running_loop().time() < outage_ends:
            raise _database_down()

    first, _ = await consumer.publish()
    second, _ = await consumer.publish()
    consumer.start(database_down_for_a_while)  # fetches both; waits out the outage on the first
    await until(lambda: consumer.calls)
    # A second copy of the service on the same durable, idle: it would be handed the second
    # event as soon as its ack_wait ran out.
    other_calls: list[RecordedEvent] = []

    async def other_copy(recorded: RecordedEvent) -> None:
        other_calls.append(recorded)

    stop_other = asyncio.Event()
    other = EventConsumer(consumer.nc, consumer.durable, other_copy, topology=consumer.topology,
                          fetch_wait=0.2)  # fmt: skip
    running = asyncio.create_task(other.run(stop_other))
    try:
        await until(lambda: consumer.acked(second), timeout=WAIT + 7.0)
    finally:
        stop_other.set()
        await asyncio.wait_for(running, WAIT)
    assert other_calls == []
    assert {recorded.seq for recorded in consumer.calls} == {first, second}
    info = await consumer.info()
    assert info.num_redelivered == 0


async def test_an_ordered_subscription_handles_a_fetched_batch_one_at_a_time_in_order(
    nc: Client, nats_url: str
) -> None:
    consumer = ThrowawayConsumer(nc, nats_url, "faststream-ordered")
    await apply_topology(nc, consumer.topology)
    running = 0
    overlapped = False

    async def slow_first(recorded: RecordedEvent, attempt: int) -> None:
        nonlocal running, overlapped
        running += 1
        overlapped = overlapped or running > 1
        await asyncio.sleep(0.3 if attempt == 1 else 0.01)
        running -= 1

    try:
        published = [(await consumer.publish())[0] for _ in range(5)]
        consumer.start(slow_first)
        await until(lambda: consumer.acked(published[-1]))
    finally:
        try:
            await consumer.stop()
        finally:
            await nc.jetstream().delete_consumer(EVENTS_STREAM, consumer.durable)
    assert [recorded.seq for recorded in consumer.calls] == published
    assert not overlapped


async def redeliver_as_if_killed(consumer: ThrowawayConsumer, times: int) -> None:
    """Take the message `times` times without answering, as a process killed mid-message
    would: every delivery counts on the server, none is a failure of the handler."""
    sub = await consumer.nc.jetstream().pull_subscribe_bind(consumer.durable, EVENTS_STREAM)
    try:
        for _ in range(times):
            [msg] = await sub.fetch(1, timeout=WAIT)
            await msg.nak()  # given back at once, like an ack_wait expiry but without the wait
    finally:
        await sub.unsubscribe()


def with_failure_budget(consumer: ThrowawayConsumer, failures: int, deliveries: int) -> None:
    config = consumer.topology.consumers[EVENTS_STREAM][consumer.durable]
    config["max_deliver"] = deliveries
    config["metadata"] = {**config["metadata"], "jobtrail_max_failures": str(failures)}


async def test_deliveries_lost_to_crashes_do_not_spend_the_failure_budget(nc: Client) -> None:
    throwaway = ThrowawayConsumer(nc)
    with_failure_budget(throwaway, failures=3, deliveries=50)
    await apply_topology(nc, throwaway.topology)
    try:
        seq, _ = await throwaway.publish()
        await redeliver_as_if_killed(throwaway, times=6)  # twice the failure budget
        throwaway.start(fails_twice)
        await until(lambda: throwaway.acked(seq))
        assert len(throwaway.calls) == 3
        assert throwaway.dead == []
    finally:
        await throwaway.stop()
        await nc.jetstream().delete_consumer(EVENTS_STREAM, throwaway.durable)


async def test_a_failing_handler_still_dead_letters_after_its_failure_budget(nc: Client) -> None:
    throwaway = ThrowawayConsumer(nc)
    with_failure_budget(throwaway, failures=2, deliveries=50)
    await apply_topology(nc, throwaway.topology)
    try:
        seq, _ = await throwaway.publish()
        await redeliver_as_if_killed(throwaway, times=4)

        async def always_fails(recorded: RecordedEvent, attempt: int) -> None:
            raise RuntimeError("a bug in the handler")

        throwaway.start(always_fails)
        letter = await throwaway.dead_letter()
        assert len(throwaway.calls) == 2  # two failures, not the four crash deliveries
        assert letter.headers is not None
        assert letter.headers["Jobtrail-Deliveries"] == "6"
        await until(lambda: throwaway.acked(seq))
    finally:
        await throwaway.stop()
        await nc.jetstream().delete_consumer(EVENTS_STREAM, throwaway.durable)


async def test_the_server_cap_still_ends_a_message_that_crashes_its_process(nc: Client) -> None:
    throwaway = ThrowawayConsumer(nc)
    with_failure_budget(throwaway, failures=5, deliveries=4)
    await apply_topology(nc, throwaway.topology)
    try:
        seq, _ = await throwaway.publish()
        await redeliver_as_if_killed(throwaway, times=3)

        async def fails(recorded: RecordedEvent, attempt: int) -> None:
            raise RuntimeError("crashes the process in real life")

        throwaway.start(fails)
        await throwaway.dead_letter()
        assert len(throwaway.calls) == 1  # the 4th delivery reached the cap at its 1st failure
        await until(lambda: throwaway.acked(seq))
    finally:
        await throwaway.stop()
        await nc.jetstream().delete_consumer(EVENTS_STREAM, throwaway.durable)
