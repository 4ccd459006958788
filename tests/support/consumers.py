"""A throwaway durable consumer on the real server, for the event log's consumer tests.

It sees only its own test aggregate (max_deliver 3, 50 ms between attempts), records its
handler's calls and dead letters, and runs on the runtime asked for: our own fetch loop
(`EventConsumer.run`) or faststream's pull subscriber (`FaststreamConsumers`), concurrent
or `ordered`.
"""

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from nats.aio.client import Client
from nats.js.api import ConsumerInfo, RawStreamMsg
from nats.js.errors import NotFoundError

from jobtrail.eventlog.consumer import EventConsumer
from jobtrail.eventlog.declarations import Consumer
from jobtrail.eventlog.store import EventStore
from jobtrail.eventlog.subscriptions import FaststreamConsumers, Subscription
from jobtrail.eventlog.topology import Topology
from jobtrail.events.envelope import Envelope, RecordedEvent
from jobtrail.events.ids import uuid7
from jobtrail.events.resumes import ResumeUploaded
from jobtrail.events.subjects import DLQ_STREAM, EVENTS_STREAM, dlq_subject, event_subject

EVENT_TYPE = "TestThingNoticed"  # never registered: handlers here do not decode it
WAIT = 10.0  # seconds any one condition may take before the test fails instead of hanging
SETTLE = 0.3  # seconds to wait for a redelivery that must not happen (backoff is 0.05)

Behaviour = Callable[[RecordedEvent, int], Awaitable[None]]


async def until(condition: Callable[[], Any], timeout: float = WAIT) -> None:
    """Wait for `condition()` (sync or async) to be true, or fail after `timeout`."""
    async with asyncio.timeout(timeout):
        while True:
            result = condition()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return
            await asyncio.sleep(0.02)


class ThrowawayConsumer:
    """A durable consumer of one test aggregate, its handler's calls and its dead letters."""

    def __init__(self, nc: Client, servers: str = "", runtime: str = "nats-py") -> None:
        self.nc = nc
        self.servers = servers
        self.runtime = runtime
        self.durable = f"test-{uuid4().hex[:12]}"
        self.aggregate_id = str(uuid4())
        self.subject = event_subject("testagg", self.aggregate_id, EVENT_TYPE)
        self.calls: list[RecordedEvent] = []
        self.dead: list[tuple[RecordedEvent, str]] = []
        self.topology = Topology(streams={}, consumers={EVENTS_STREAM: {self.durable: {
            "durable_name": self.durable,
            "description": "libs/eventlog consumer test",
            "deliver_policy": "all",
            "ack_policy": "explicit",
            "ack_wait": 5_000_000_000,
            "max_deliver": 3,
            "filter_subjects": [f"jobtrail.events.testagg.{self.aggregate_id}.*"],
            "metadata": {"jobtrail_backoff_seconds": "0.05,0.05"},
        }}})  # fmt: skip
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self, behaviour: Behaviour) -> None:
        async def handler(recorded: RecordedEvent) -> None:
            self.calls.append(recorded)
            await behaviour(recorded, len(self.calls))

        async def on_dead_letter(recorded: RecordedEvent, reason: str) -> None:
            self.dead.append((recorded, reason))

        if self.runtime.startswith("faststream"):
            declared = Consumer(self.durable, "libs/eventlog consumer test", (ResumeUploaded,))
            subscription = Subscription(declared, handler, on_dead_letter=on_dead_letter,
                                        ordered=self.runtime == "faststream-ordered")  # fmt: skip
            runner = FaststreamConsumers(self.nc, self.servers, self.topology, [subscription],
                                         fetch_wait=0.2)  # fmt: skip
            self._task = asyncio.create_task(runner.run(self._stop))
            return
        consumer = EventConsumer(self.nc, self.durable, handler, topology=self.topology,
                                 on_dead_letter=on_dead_letter, fetch_wait=0.2)  # fmt: skip
        self._task = asyncio.create_task(consumer.run(self._stop))

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, WAIT)

    async def publish(self) -> tuple[int, bytes]:
        """Append one event for this consumer; its stream sequence and bytes."""
        envelope = Envelope(
            event_id=uuid7(), type=EVENT_TYPE, schema_version=1, aggregate_type="testagg",
            aggregate_id=self.aggregate_id, aggregate_version=1, occurred_at=datetime.now(UTC),
            actor="test", correlation_id="libs-events-consumer-tests", data={"n": 1},
        )  # fmt: skip
        [seq] = await EventStore(self.nc).publish_many([envelope])
        return seq, envelope.to_json()

    async def info(self) -> ConsumerInfo:
        info: ConsumerInfo = await self.nc.jetstream().consumer_info(EVENTS_STREAM, self.durable)
        return info

    async def acked(self, seq: int) -> bool:
        info = await self.info()
        assert info.ack_floor is not None
        return info.ack_floor.stream_seq >= seq and not info.num_ack_pending

    async def dead_letter(self, event_type: str = EVENT_TYPE) -> RawStreamMsg:
        """The dead letter this consumer wrote for `event_type`, once it is there."""
        subject = dlq_subject(self.durable, event_type)
        async with asyncio.timeout(WAIT):
            while True:
                try:
                    return await self.nc.jetstream().get_last_msg(DLQ_STREAM, subject)
                except NotFoundError:
                    await asyncio.sleep(0.02)

    async def dead_letter_count(self) -> int:
        subjects = f"jobtrail.dlq.{self.durable}.>"
        info = await self.nc.jetstream().stream_info(DLQ_STREAM, subjects_filter=subjects)
        return sum((info.state.subjects or {}).values())
