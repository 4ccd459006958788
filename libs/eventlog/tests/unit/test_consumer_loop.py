"""The consumer's fetch loop survives empty pulls, however nats-py reports them."""

import asyncio
from typing import Any, cast

import nats.errors
from nats.aio.client import Client

from jobtrail.eventlog.consumer import EventConsumer
from jobtrail.eventlog.topology import Topology
from jobtrail.events.envelope import RecordedEvent

# nats-py's `fetch` raises its own TimeoutError on most empty pulls but the builtin one when
# its deadline runs out between two requests; a real server cannot be made to hit that path
# on purpose, so these fakes stand in for the subscription.


class EmptySubscription:
    """Times out on every fetch, alternating nats-py's error and the builtin one."""

    def __init__(self, stop: asyncio.Event, fetches_before_stop: int) -> None:
        self.fetches = 0
        self.unsubscribed = False
        self._stop = stop
        self._limit = fetches_before_stop

    async def fetch(self, batch: int, timeout: float) -> list[Any]:
        self.fetches += 1
        if self.fetches >= self._limit:
            self._stop.set()
        if self.fetches % 2:
            raise TimeoutError
        raise nats.errors.TimeoutError

    async def unsubscribe(self) -> None:
        self.unsubscribed = True


class FakeJetStream:
    def __init__(self, subscription: EmptySubscription) -> None:
        self.subscription = subscription
        self.bound: list[tuple[str, str]] = []

    async def pull_subscribe_bind(self, durable: str, stream: str) -> EmptySubscription:
        self.bound.append((stream, durable))
        return self.subscription


class FakeClient:
    def __init__(self, js: FakeJetStream) -> None:
        self.js = js

    def jetstream(self) -> FakeJetStream:
        return self.js


async def never_called(recorded: RecordedEvent) -> None:
    raise AssertionError("no message was fetched")


async def test_empty_pulls_keep_the_consumer_running_until_stopped() -> None:
    stop = asyncio.Event()
    subscription = EmptySubscription(stop, fetches_before_stop=4)
    js = FakeJetStream(subscription)
    topology = Topology(streams={}, consumers={"THINGS": {"things-count": {"max_deliver": 3}}})
    consumer = EventConsumer(cast(Client, FakeClient(js)), "things-count", never_called,
                             topology=topology, fetch_wait=0.01)  # fmt: skip
    async with asyncio.timeout(5):
        await consumer.run(stop)
    assert js.bound == [("THINGS", "things-count")]
    assert subscription.fetches == 4
    assert subscription.unsubscribed
