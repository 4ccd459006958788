"""Durable pull consumers: at-least-once delivery, backoff, and a dead-letter stream.

Handlers must be idempotent (see `inbox.claim`). An outage (`faults.is_transient`: the
database, NATS or S3 unreachable or timing out) is waited out in-process, with capped
backoff and `in_progress` heartbeats that keep the delivery alive, so it never spends the
delivery budget however long it lasts. Any other error is retried after the consumer's
backoff; after `jobtrail_max_failures` failed attempts (consumer metadata; or at once for
`PermanentFailure`) the message is copied to `jobtrail.dlq.<consumer>.<EventType>` with its
error, the `on_dead_letter` hook emits the terminal event a waiting user needs, and it is
terminated.

Only failures the handler raised spend that budget. The server's `max_deliver` counts every
delivery, including the redeliveries of a process killed (or stopped) mid-message, so it is
kept high, as the cap for a message that crashes its process each time, and the failures are
counted here instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import structlog
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from prometheus_client import Counter, Histogram
from pydantic import ValidationError

from jobtrail.eventlog.faults import PermanentFailure, TransientFailure, is_transient
from jobtrail.eventlog.sealing import EnvelopeSealer
from jobtrail.eventlog.store import decode_message
from jobtrail.eventlog.topology import Topology
from jobtrail.events.envelope import RecordedEvent
from jobtrail.events.errors import InvalidTopology, UnknownEventType
from jobtrail.events.subjects import DLQ_STREAM, ORIGINAL_SEQUENCE, ORIGINAL_SUBJECT, dlq_subject
from jobtrail.privacy import KeySource, OwnerErased, SealingError, keys_for

Handler = Callable[[RecordedEvent], Awaitable[None]]
DeadLetterHook = Callable[[RecordedEvent, str], Awaitable[None]]

log = structlog.get_logger("jobtrail.eventlog.consumer")

HANDLED = Counter(
    "jobtrail_events_handled_total",
    "Events handled by a consumer, by outcome (ok, outage, retry, dead_letter).",
    ["consumer", "type", "outcome"],
)
HANDLE_SECONDS = Histogram(
    "jobtrail_event_handle_seconds", "Time spent handling one event.", ["consumer", "type"]
)

_DEFAULT_BACKOFF = (1.0, 5.0, 30.0)
_DEFAULT_ACK_WAIT_S = 30.0
# However long an outage lasts, a waiting handler tries again at least this often.
OUTAGE_RETRY_CAP_S = 30.0
# Failure counts are kept for this many messages at most (the oldest are forgotten first,
# which can only grant a message more attempts, never fewer).
_FAILURES_REMEMBERED = 10_000

__all__ = ["EventConsumer", "PermanentFailure", "TransientFailure"]

# The messages fetched with the one being handled and not handled yet (per fetch loop: each
# loop runs in its own task): an outage waited out keeps them alive too, so they are not
# redelivered elsewhere, spending deliveries, while they wait their turn.
_WAITING: ContextVar[tuple[Msg, ...]] = ContextVar("jobtrail_consumer_waiting", default=())


class EventConsumer:
    """Runs one handler over a durable pull consumer defined in deploy/nats."""

    def __init__(
        self,
        nc: NATS,
        durable: str,
        handler: Handler,
        *,
        topology: Topology,
        on_dead_letter: DeadLetterHook | None = None,
        batch: int = 16,
        fetch_wait: float = 1.0,
        heartbeat: float | None = None,
        keys: KeySource | None = None,
    ) -> None:
        self._nc = nc
        self._sealer = EnvelopeSealer(keys if keys is not None else keys_for(nc))
        self._js = nc.jetstream()
        self.durable = durable
        self._stream, config = topology.consumer(durable)
        # The server's cap on deliveries of any cause (-1: none), and the budget of failures.
        self._max_deliver = int(config.get("max_deliver", -1))
        metadata = config.get("metadata", {})
        self._max_failures = int(metadata.get("jobtrail_max_failures", 0)) or (
            self._max_deliver if self._max_deliver > 0 else 5
        )
        self._failures: OrderedDict[tuple[str, int], int] = OrderedDict()
        self._backoff = _backoff_from(config)
        # While an outage is waited out, the delivery is kept alive well within ack_wait.
        ack_wait = float(config.get("ack_wait", 0)) / 1e9 or _DEFAULT_ACK_WAIT_S
        self._keepalive = max(0.2, ack_wait / 3)
        self._stop = asyncio.Event()
        # Optional bound on one attempt (metadata `jobtrail_attempt_timeout_seconds`): a
        # dependency that hangs rather than refuses (a frozen database) then shows as an
        # outage, waited out like any other, instead of holding the message silently.
        raw_timeout = config.get("metadata", {}).get("jobtrail_attempt_timeout_seconds")
        self._attempt_timeout = float(raw_timeout) if raw_timeout else None
        self._retry = _retry_consumer(topology, durable)
        self._handler = handler
        self._on_dead_letter = on_dead_letter
        self._batch = batch
        self._fetch_wait = fetch_wait
        # Long handlers tell the server they are alive (`+WPI`), so ack_wait bounds how long a
        # dead worker holds a message, not how long a live one may work.
        self._heartbeat = heartbeat

    @property
    def keepalive_seconds(self) -> float:
        """How often a delivery in hand is signalled `in_progress` (a third of ack_wait)."""
        return self._keepalive

    def bindings(self) -> list[tuple[str, str]]:
        """(durable, stream) of the consumer and, if defined, of its `-retry` twin."""
        found = [(self.durable, self._stream)]
        if self._retry is not None:
            found.append((self._retry[1], self._retry[0]))
        return found

    def stop_when(self, stop: asyncio.Event) -> None:
        """Give back a delivery whose outage is being waited out once `stop` is set."""
        self._stop = stop

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch and handle until `stop` is set: the consumer, and its retries if defined."""
        self._stop = stop
        loops = [self._loop(self.durable, self._stream, stop)]
        if self._retry is not None:
            loops.append(self._loop(self._retry[1], self._retry[0], stop))
        await asyncio.gather(*loops)

    async def _loop(self, durable: str, stream: str, stop: asyncio.Event) -> None:
        sub = await self._js.pull_subscribe_bind(durable=durable, stream=stream)
        log.info("consumer.started", consumer=durable, stream=stream)
        try:
            while not stop.is_set():
                try:
                    messages = await sub.fetch(self._batch, timeout=self._fetch_wait)
                except (NatsTimeout, TimeoutError):  # nats-py raises either, by path
                    continue
                except Exception as error:
                    if not is_transient(error):
                        raise
                    # NATS is reconnecting or JetStream is unavailable: wait, then fetch again.
                    log.warning("consumer.fetch_failed", consumer=durable, error=_describe(error))
                    await _sleep_unless(stop, 1.0)
                    continue
                for index, msg in enumerate(messages):
                    _WAITING.set(tuple(messages[index + 1 :]))
                    try:
                        await self.handle(msg)
                    except Exception:
                        # Not even dead-lettering worked (NATS or a hook failing): leave the
                        # message unacknowledged, so it comes back after ack_wait.
                        log.exception("consumer.handle_failed", consumer=durable)
        finally:
            await sub.unsubscribe()
            log.info("consumer.stopped", consumer=durable)

    async def handle(self, msg: Msg) -> None:
        """Handle one delivery: ack, retry later, or dead-letter."""
        try:
            recorded = decode_message(msg)
        except (ValidationError, ValueError) as error:
            await self._dead_letter(msg, None, f"undecodable message: {error}")
            return
        try:
            # The key ring being out of reach raises here and leaves the message for later.
            recorded = await self._sealer.open(recorded)
        except SealingError as error:
            await self._dead_letter(msg, recorded, f"sealed data does not open: {error}")
            return
        envelope = recorded.envelope
        with structlog.contextvars.bound_contextvars(
            consumer=self.durable,
            correlation_id=envelope.correlation_id,
            causation_id=str(envelope.event_id),
            event_type=envelope.type,
        ):
            failure = await self._attempt(msg, recorded)
            outages = 0
            while failure is not None and is_transient(failure):
                outages += 1
                if not await self._wait_out_outage(msg, recorded, failure, outages):
                    return
                failure = await self._attempt(msg, recorded)
            if failure is None:
                self._failures.pop(_message_key(msg), None)
                await msg.ack()
                HANDLED.labels(self.durable, envelope.type, "ok").inc()
                if outages:
                    log.info("consumer.outage_over", attempts=outages + 1)
            elif isinstance(failure, OwnerErased):
                # Work for an account erased meanwhile: nothing may be kept for it, so there
                # is nothing to retry and no one to tell.
                self._failures.pop(_message_key(msg), None)
                await msg.ack()
                HANDLED.labels(self.durable, envelope.type, "erased").inc()
                log.info("consumer.owner_erased", owner_id=str(failure.owner_id))
            elif isinstance(failure, PermanentFailure | UnknownEventType):
                await self._dead_letter(msg, recorded, _describe(failure))
            else:
                await self._retry_or_give_up(msg, recorded, failure)

    async def _attempt(self, msg: Msg, recorded: RecordedEvent) -> Exception | None:
        """Run the handler once; return what it raised, if anything."""
        started = time.perf_counter()
        beating = asyncio.create_task(self._beat(msg)) if self._heartbeat else None
        try:
            async with asyncio.timeout(self._attempt_timeout):
                await self._handler(recorded)
        except Exception as error:
            return error
        finally:
            if beating is not None:
                beating.cancel()
            HANDLE_SECONDS.labels(self.durable, recorded.envelope.type).observe(
                time.perf_counter() - started
            )
        return None

    async def _wait_out_outage(
        self, msg: Msg, recorded: RecordedEvent, error: Exception, attempt: int
    ) -> bool:
        """Wait before trying again, keeping the delivery alive; False when stopping.

        The delivery is not given back meanwhile: a nak would count toward max_deliver, and
        an outage longer than the whole backoff would then dead-letter valid work.
        """
        delay = min(self._backoff[min(attempt - 1, len(self._backoff) - 1)], OUTAGE_RETRY_CAP_S)
        HANDLED.labels(self.durable, recorded.envelope.type, "outage").inc()
        log.warning("consumer.outage", attempt=attempt, delay_s=delay, error=_describe(error))
        deadline = time.monotonic() + delay
        while (left := deadline - time.monotonic()) > 0:
            if await _sleep_unless(self._stop, min(left, self._keepalive)):
                # Shutting down: hand the message back for another copy, or for our restart.
                with contextlib.suppress(Exception):
                    await msg.nak()
                log.info("consumer.outage_left_for_redelivery")
                return False
            for alive in (msg, *_WAITING.get()):
                try:
                    await alive.in_progress()
                except Exception:  # NATS may be the dependency that is down
                    log.debug("consumer.keepalive_failed", exc_info=True)
        return True

    async def _beat(self, msg: Msg) -> None:
        assert self._heartbeat is not None
        while True:
            await asyncio.sleep(self._heartbeat)
            try:
                await msg.in_progress()
            except Exception:  # a lost heartbeat only risks a redelivery, which is idempotent
                log.warning("consumer.heartbeat_failed", consumer=self.durable, exc_info=True)

    async def _retry_or_give_up(self, msg: Msg, recorded: RecordedEvent, error: Exception) -> None:
        failures = self._count_failure(msg)
        delivered = int(msg.metadata.num_delivered)
        capped = 0 < self._max_deliver <= delivered
        if failures >= self._max_failures or capped:
            await self._dead_letter(msg, recorded, _describe(error))
            return
        delay = self._backoff[min(failures - 1, len(self._backoff) - 1)]
        log.warning(
            "consumer.retry", attempt=failures, max_failures=self._max_failures,
            delivered=delivered, delay_s=delay, error=_describe(error), exc_info=error,
        )  # fmt: skip
        await msg.nak(delay=delay)
        HANDLED.labels(self.durable, recorded.envelope.type, "retry").inc()

    def _count_failure(self, msg: Msg) -> int:
        """One more failed attempt of this message, in this process; the count so far."""
        key = _message_key(msg)
        count = self._failures.pop(key, 0) + 1
        self._failures[key] = count
        while len(self._failures) > _FAILURES_REMEMBERED:
            self._failures.popitem(last=False)
        return count

    async def _dead_letter(self, msg: Msg, recorded: RecordedEvent | None, reason: str) -> None:
        self._failures.pop(_message_key(msg), None)
        event_type = recorded.envelope.type if recorded else "Undecodable"
        stream_seq = int(msg.metadata.sequence.stream)
        given = msg.headers or {}  # a retried message keeps naming where it first came from
        headers: dict[str, Any] = {
            "Nats-Msg-Id": f"dlq:{self.durable}:{msg.metadata.stream}:{stream_seq}",
            "Jobtrail-Consumer": self.durable,
            "Jobtrail-Error": reason[:4000],
            "Jobtrail-Original-Subject": given.get(ORIGINAL_SUBJECT, msg.subject),
            "Jobtrail-Original-Sequence": given.get(ORIGINAL_SEQUENCE, str(stream_seq)),
            "Jobtrail-Deliveries": str(msg.metadata.num_delivered),
        }
        await self._js.publish(
            dlq_subject(self.durable, event_type), msg.data, stream=DLQ_STREAM, headers=headers
        )
        log.error("consumer.dead_letter", reason=reason, stream_seq=stream_seq)
        if recorded is not None and self._on_dead_letter is not None:
            await self._on_dead_letter(recorded, reason)
        await msg.term()
        HANDLED.labels(self.durable, event_type, "dead_letter").inc()


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`; True if `stop` was set meanwhile (returning at once)."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


def _message_key(msg: Msg) -> tuple[str, int]:
    return msg.metadata.stream, int(msg.metadata.sequence.stream)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _backoff_from(config: dict[str, Any]) -> list[float]:
    """Retry delays from the consumer's metadata (the server's own `backoff` would also
    shorten ack_wait to its first step, cutting long handlers off)."""
    raw = config.get("metadata", {}).get("jobtrail_backoff_seconds", "")
    return [float(part) for part in raw.split(",") if part.strip()] or list(_DEFAULT_BACKOFF)


def _retry_consumer(topology: Topology, durable: str) -> tuple[str, str] | None:
    """The (stream, durable) that carries `jobtrail dlq retry` messages back, if defined."""
    try:
        stream, _ = topology.consumer(f"{durable}-retry")
    except InvalidTopology:
        return None
    return stream, f"{durable}-retry"
