"""Subscriptions, declared once and run on faststream's JetStream pull subscribers.

A service declares what it consumes as `Subscription`s: the durable consumer it declares
(`jobtrail.eventlog.declarations`, from which `deploy/nats/consumers` is generated), the
handler, and what ends the work when a message is dead-lettered. `FaststreamConsumers`
runs them on a faststream `NatsBroker`: one durable pull subscriber per consumer (and per
its `-retry` twin on `JOBTRAIL_RETRY`), bound to the consumer deploy/nats defines; faststream
never creates or changes a stream or a consumer here (`JStream(declare=False)`, and nats-py
binds to a durable that exists).

Each delivery goes through `EventConsumer.handle`, which keeps our semantics that
faststream's acknowledgement policies do not have: an outage (database, NATS, S3) is waited
out on the same delivery with `in_progress` heartbeats and never spends the failure budget;
other failures are counted per message against `jobtrail_max_failures` and retried with the
consumer's backoff (`nak` with a delay); then the message goes to `JOBTRAIL_DLQ` with its
reason and the terminal event is appended. Acknowledgement is therefore manual
(`AckPolicy.MANUAL`): faststream fetches, we ack, nak or dead-letter.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.nats import JStream, NatsBroker, PullSub
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg

from jobtrail.eventlog.consumer import DeadLetterHook, EventConsumer, Handler
from jobtrail.eventlog.declarations import Consumer
from jobtrail.eventlog.topology import Topology
from jobtrail.privacy import KeySource

log = structlog.get_logger("jobtrail.eventlog")


@dataclass(frozen=True)
class Subscription:
    """One service's consumption of one durable consumer it declares."""

    consumer: Consumer
    handler: Handler
    on_dead_letter: DeadLetterHook | None = None
    # Seconds between `in_progress` signals while a long handler runs (AI jobs).
    heartbeat: float | None = None
    # Messages fetched at once; faststream handles a fetched batch concurrently, so unless
    # `ordered`, this is also how many this copy works on at a time.
    batch: int = 16
    # One at a time, in stream order (a fetched message waiting its turn keeps itself
    # alive with `in_progress`, so it is not redelivered elsewhere meanwhile).
    ordered: bool = False

    @property
    def durable(self) -> str:
        return self.consumer.durable


class FaststreamConsumers:
    """Runs subscriptions on a faststream broker until `stop` is set."""

    def __init__(
        self,
        nc: NATS,
        servers: str,
        topology: Topology,
        subscriptions: Sequence[Subscription],
        fetch_wait: float = 1.0,
        keys: KeySource | None = None,
    ) -> None:
        """`keys`: the owners' data keys that open sealed events (default: the connection's
        key ring)."""
        self._nc = nc
        self._keys = keys
        self._servers = servers
        self._topology = topology
        self._subscriptions = tuple(subscriptions)
        self._fetch_wait = fetch_wait
        # Per ordered binding: the fetched messages waiting their turn, and how often they
        # must signal that they are in hand (`run` keeps them alive in one loop).
        self._waiting: list[tuple[dict[int, Msg], float]] = []

    def broker(self, stop: asyncio.Event) -> NatsBroker:
        """A faststream broker with a pull subscriber per consumer and per `-retry` twin,
        not started (`run` starts it; tests may wrap it in faststream's `TestNatsBroker`)."""
        # No dependency injection: each handler takes the raw delivery (see `_raw`), which
        # spares a thread hop per message that resolving `NatsMessage` from the context costs.
        broker = NatsBroker(self._servers, logger=None, log_level=logging.DEBUG, apply_types=False)
        self._waiting = []  # the bindings of this broker only
        for subscription in self._subscriptions:
            consumer = EventConsumer(
                self._nc, subscription.durable, subscription.handler, topology=self._topology,
                on_dead_letter=subscription.on_dead_letter, heartbeat=subscription.heartbeat,
                keys=self._keys,
            )  # fmt: skip
            consumer.stop_when(stop)
            for durable, stream in consumer.bindings():
                self._bind(broker, consumer, durable, stream, subscription)
        return broker

    async def run(self, stop: asyncio.Event) -> None:
        broker = self.broker(stop)
        await broker.start()
        keeping = asyncio.create_task(self._keep_waiting_alive(stop)) if self._waiting else None
        for subscription in self._subscriptions:
            log.info("consumer.started", consumer=subscription.durable, runtime="faststream")
        try:
            await stop.wait()
        finally:
            if keeping is not None:
                keeping.cancel()
            await broker.stop()
            for subscription in self._subscriptions:
                log.info("consumer.stopped", consumer=subscription.durable)

    async def _keep_waiting_alive(self, stop: asyncio.Event) -> None:
        """Tell the server that fetched messages waiting their turn are in hand (one loop
        for every ordered binding, at the shortest of their keep-alive intervals)."""
        every = min(interval for _, interval in self._waiting)
        while not stop.is_set():
            await asyncio.sleep(every)
            for waiting, _ in self._waiting:
                for message in list(waiting.values()):
                    try:
                        await message.in_progress()
                    except Exception:  # NATS may be down: at worst an idempotent redelivery
                        log.debug("consumer.keepalive_failed", exc_info=True)

    def _bind(
        self,
        broker: NatsBroker,
        consumer: EventConsumer,
        durable: str,
        stream: str,
        subscription: Subscription,
    ) -> None:
        config = self._topology.consumers[stream][durable]
        subjects = config.get("filter_subjects") or [config.get("filter_subject", ">")]
        turn = asyncio.Lock() if subscription.ordered else None
        waiting: dict[int, Msg] = {}
        if turn is not None:
            self._waiting.append((waiting, consumer.keepalive_seconds))

        async def handle(message: Msg) -> None:
            try:
                await consumer.handle(message)
            except Exception:
                # Not even dead-lettering worked (NATS or a hook failing): leave the message
                # unacknowledged, so it comes back after ack_wait.
                log.exception("consumer.handle_failed", consumer=durable)

        async def on_message(message: Msg) -> None:
            if turn is None:
                await handle(message)
                return
            # The tasks of a fetched batch start in fetch order and asyncio's lock is FIFO.
            waiting[id(message)] = message
            try:
                async with turn:
                    waiting.pop(id(message), None)
                    await handle(message)
            finally:
                waiting.pop(id(message), None)

        broker.subscriber(
            subjects[0],
            stream=JStream(stream, declare=False),
            durable=durable,
            pull_sub=PullSub(batch_size=subscription.batch, timeout=self._fetch_wait),
            ack_policy=AckPolicy.MANUAL,
            decoder=_raw,
            title=durable,
            description=config.get("description"),
        )(on_message)


async def _raw(message: StreamMessage[Msg]) -> Msg:
    """The delivery as nats-py gives it: `EventConsumer.handle` decodes the envelope itself
    (faststream's default decoder would parse the JSON once more for nothing)."""
    return message.raw_message
