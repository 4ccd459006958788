"""The event log on JetStream: append with per-aggregate concurrency checks, load, read."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import APIError
from pydantic import ValidationError

from jobtrail.eventlog.declarations import Service, UndeclaredEvent
from jobtrail.eventlog.sealing import EnvelopeSealer
from jobtrail.eventlog.snapshots import SnapshotStore
from jobtrail.events.envelope import Envelope, Event, EventContext, RecordedEvent, seal
from jobtrail.events.errors import ConcurrencyConflict, EventLogError
from jobtrail.events.subjects import (
    ALL_EVENTS,
    EVENTS_STREAM,
    ORIGINAL_SEQUENCE,
    aggregate_filter,
)
from jobtrail.privacy import KeySource, keys_for

WRONG_LAST_SEQUENCE = 10071
# An atomic batch whose Msg-Id is already stored is refused whole with this code (a single
# message gets WRONG_LAST_SEQUENCE first): either way the aggregate moved on since it was read.
BATCH_DUPLICATE_MSG_ID = 10201
# The server abandons a batch it did not receive whole (a message dropped by a busy ingest
# queue): nothing of it was stored, so the same batch may be sent again under a new id.
BATCH_INCOMPLETE = 10176
_BATCH_ATTEMPTS = 3
_EXPECTED_SEQ = "Nats-Expected-Last-Subject-Sequence"
_EXPECTED_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject"


@dataclass
class AggregateHistory:
    """The events of one aggregate as read, and the stream sequence its next write expects."""

    aggregate_type: str
    aggregate_id: str
    events: list[RecordedEvent] = field(default_factory=list)
    last_seq: int = 0
    # Events before `events` that a snapshot stands for (0: `events` is the whole history).
    base_version: int = 0

    @property
    def version(self) -> int:
        return self.base_version + len(self.events)


class EventStore:
    """Appends to and reads from the one append-only stream of domain events."""

    def __init__(
        self,
        nc: NATS,
        stream: str = EVENTS_STREAM,
        timeout: float = 5.0,
        *,
        declared: Service | None = None,
        keys: KeySource | None = None,
    ) -> None:
        """`declared`: the service appending through this store; it may append only the
        events its declaration says it emits (`jobtrail.eventlog.declarations`).
        `keys`: the owners' data keys that seal personal data (default: the connection's
        key ring, `jobtrail.privacy.keys_for`)."""
        self._nc = nc
        self.sealer = EnvelopeSealer(keys if keys is not None else keys_for(nc))
        self._declared = declared
        self._js: JetStreamContext = nc.jetstream(timeout=timeout)
        self._stream = stream
        self._timeout = timeout
        # Snapshots of long aggregates (`aggregates.Repository` reads and writes them).
        self.snapshots = SnapshotStore(nc)

    @property
    def stream(self) -> str:
        return self._stream

    @property
    def client(self) -> NATS:
        return self._nc

    async def load(
        self, aggregate_type: str, aggregate_id: object, after: tuple[int, int] = (0, 0)
    ) -> AggregateHistory:
        """Read the events of one aggregate, in order, without creating a consumer.

        `after` is (stream sequence, version) of a snapshot: only later events are read.
        """
        seq, version = after
        history = AggregateHistory(
            aggregate_type, str(aggregate_id), last_seq=seq, base_version=version
        )
        subject = aggregate_filter(aggregate_type, aggregate_id)
        async for recorded in self.read(subject=subject, start_seq=seq + 1):
            history.events.append(recorded)
            history.last_seq = recorded.seq
        return history

    async def append(
        self, history: AggregateHistory, events: Sequence[Event], context: EventContext
    ) -> list[RecordedEvent]:
        """Append new events after `history`; ConcurrencyConflict if the aggregate moved on.

        Several events are appended as one atomic batch: all of them or none.
        """
        if not events:
            return []
        self._check_declared(events)
        envelopes = seal(
            list(events),
            aggregate_id=history.aggregate_id,
            base_version=history.version,
            context=context,
        )
        stored = [await self.sealer.seal(e) for e in envelopes]
        if len(stored) == 1:
            seqs = [await self._publish_checked(stored[0], history)]
        else:
            seqs = await self._publish_batch(stored, history)
        recorded = [
            RecordedEvent(e, s, None if kept is e else kept)
            for e, kept, s in zip(envelopes, stored, seqs, strict=True)
        ]
        history.events.extend(recorded)
        history.last_seq = recorded[-1].seq
        return recorded

    def _check_declared(self, events: Sequence[Event]) -> None:
        self._check_declared_types(event.type for event in events)

    def _check_declared_types(self, types: Iterable[str]) -> None:
        if self._declared is None:
            return
        for event_type in types:
            if not self._declared.may_emit(event_type):
                raise UndeclaredEvent(
                    f"{self._declared.name} appends {event_type} but does not declare it: "
                    f"add it to the emits of its declarations module"
                )

    async def publish_many(self, envelopes: Sequence[Envelope], window: int = 1000) -> list[int]:
        """Append many envelopes fast, without concurrency checks (imports, benchmarks,
        announcements whose ids derive from their cause)."""
        self._check_declared_types(e.type for e in envelopes)
        seqs: list[int] = []
        for start in range(0, len(envelopes), window):
            chunk = [await self.sealer.seal(e) for e in envelopes[start : start + window]]
            futures = [
                await self._js.publish_async(
                    e.subject, e.to_json(), headers={"Nats-Msg-Id": str(e.event_id)}
                )
                for e in chunk
            ]
            acks = await asyncio.gather(*futures)
            seqs.extend(ack.seq for ack in acks)
        return seqs

    async def read(
        self, *, subject: str = ALL_EVENTS, start_seq: int = 1, batch: int = 1000
    ) -> AsyncGenerator[RecordedEvent, None]:
        """Yield stored events matching `subject` from `start_seq` on, oldest first.

        Each reader holds a subscription: a caller that stops early should close it
        (`contextlib.aclosing`); closing any of these readers closes the one it reads.
        """
        async with aclosing(
            self.read_raw(subject=subject, start_seq=start_seq, batch=batch)
        ) as raw:
            async for msg in raw:
                yield await self.sealer.open(decode_message(msg))

    async def read_batches(
        self, *, subject: str = ALL_EVENTS, start_seq: int = 1, batch: int = 1000
    ) -> AsyncGenerator[list[RecordedEvent], None]:
        """Like `read`, in lists of up to `batch` events (one server round trip each)."""
        chunks = self.read_chunks(subject=subject, start_seq=start_seq, batch=batch)
        async with aclosing(chunks):
            async for chunk, _ in chunks:
                yield chunk

    async def read_chunks(
        self,
        *,
        subject: str = ALL_EVENTS,
        start_seq: int = 1,
        batch: int = 1000,
        on_undecodable: Callable[[int, Exception], None] | None = None,
    ) -> AsyncGenerator[tuple[list[RecordedEvent], int], None]:
        """Lists of up to `batch` events, each with the last stream sequence it covers.

        With `on_undecodable`, a message that is not an envelope is reported and passed
        over (the sequence still moves past it) instead of stopping the reader.
        """
        chunk: list[RecordedEvent] = []
        read = last = 0
        raw = self.read_raw(subject=subject, start_seq=start_seq, batch=batch)
        async with aclosing(raw):
            async for msg in raw:
                last = int((msg.headers or {})["Nats-Sequence"])
                read += 1
                try:
                    chunk.append(await self.sealer.open(decode_message(msg)))
                except (ValidationError, ValueError) as error:
                    if on_undecodable is None:
                        raise
                    on_undecodable(last, error)
                if read >= batch:
                    yield chunk, last
                    chunk, read = [], 0
        if read:
            yield chunk, last

    async def read_raw(
        self, *, subject: str = ALL_EVENTS, start_seq: int = 1, batch: int = 1000
    ) -> AsyncGenerator[Msg, None]:
        """Like `read`, but the raw messages (headers carry `Nats-Sequence`)."""
        inbox = self._nc.new_inbox()
        sub = await self._nc.subscribe(inbox)
        messages = sub.messages
        loop = asyncio.get_running_loop()
        try:
            # One deadline, armed only while waiting for the server (not while the caller
            # works on what was yielded): no task or wait_for per message.
            async with asyncio.timeout(None) as deadline:
                seq = start_seq
                while True:
                    request = {"seq": seq, "next_by_subj": subject, "batch": batch}
                    await self._nc.publish(
                        f"$JS.API.DIRECT.GET.{self._stream}", json.dumps(request).encode(), inbox
                    )
                    pending = 0
                    while True:
                        deadline.reschedule(loop.time() + self._timeout)
                        msg = await anext(messages)
                        deadline.reschedule(None)
                        headers = msg.headers or {}
                        status = headers.get("Status")
                        if status is None:
                            seq = int(headers["Nats-Sequence"]) + 1
                            yield msg
                            continue
                        if status == "404":
                            return
                        if status != "204":
                            raise EventLogError(f"reading {self._stream} failed: {headers}")
                        pending = int(headers.get("Nats-Num-Pending", "0"))
                        break
                    if pending == 0:
                        return
        finally:
            await sub.unsubscribe()

    async def last_sequence(self) -> int:
        info = await self._js.stream_info(self._stream)
        return int(info.state.last_seq)

    async def _publish_checked(self, envelope: Envelope, history: AggregateHistory) -> int:
        headers = {
            "Nats-Msg-Id": str(envelope.event_id),
            _EXPECTED_SEQ: str(history.last_seq),
            _EXPECTED_SUBJECT: aggregate_filter(history.aggregate_type, history.aggregate_id),
        }
        try:
            ack = await self._js.publish(
                envelope.subject, envelope.to_json(), stream=self._stream, headers=headers
            )
        except APIError as error:
            if error.err_code == WRONG_LAST_SEQUENCE:
                raise self._conflict(history) from error
            raise
        return int(ack.seq)

    async def _publish_batch(
        self, envelopes: Sequence[Envelope], history: AggregateHistory
    ) -> list[int]:
        for attempt in range(1, _BATCH_ATTEMPTS + 1):
            try:
                return await self._publish_batch_once(envelopes, history, attempt)
            except _BatchIncomplete as incomplete:
                if attempt == _BATCH_ATTEMPTS:
                    raise EventLogError(
                        f"atomic append to {self._stream} failed: {incomplete}"
                    ) from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _publish_batch_once(
        self, envelopes: Sequence[Envelope], history: AggregateHistory, attempt: int
    ) -> list[int]:
        batch_id = str(envelopes[0].event_id) + (f".{attempt}" if attempt > 1 else "")
        last = len(envelopes)
        for index, envelope in enumerate(envelopes, start=1):
            headers = {
                "Nats-Msg-Id": str(envelope.event_id),
                "Nats-Batch-Id": batch_id,
                "Nats-Batch-Sequence": str(index),
            }
            if index == 1:
                headers[_EXPECTED_SEQ] = str(history.last_seq)
                headers[_EXPECTED_SUBJECT] = aggregate_filter(
                    history.aggregate_type, history.aggregate_id
                )
            if index < last:
                await self._nc.publish(envelope.subject, envelope.to_json(), headers=headers)
                continue
            headers["Nats-Batch-Commit"] = "1"
            reply = await self._nc.request(
                envelope.subject, envelope.to_json(), timeout=self._timeout, headers=headers
            )
            answer: dict[str, Any] = json.loads(reply.data)
            error = answer.get("error")
            if error:
                if error.get("err_code") in (WRONG_LAST_SEQUENCE, BATCH_DUPLICATE_MSG_ID):
                    raise self._conflict(history)
                if error.get("err_code") == BATCH_INCOMPLETE:
                    raise _BatchIncomplete(str(error))
                raise EventLogError(f"atomic append to {self._stream} failed: {error}")
            final = int(answer["seq"])
            return list(range(final - last + 1, final + 1))
        raise AssertionError("unreachable: the loop returns on the last envelope")

    @staticmethod
    def _conflict(history: AggregateHistory) -> ConcurrencyConflict:
        return ConcurrencyConflict(history.aggregate_type, history.aggregate_id, history.last_seq)


def decode_message(msg: Msg) -> RecordedEvent:
    """A stored message (direct get or consumer delivery) as a RecordedEvent."""
    headers = msg.headers or {}
    seq_header = headers.get(ORIGINAL_SEQUENCE) or headers.get("Nats-Sequence")
    seq = int(seq_header) if seq_header is not None else int(msg.metadata.sequence.stream)
    return RecordedEvent(Envelope.model_validate_json(msg.data), seq)


class _BatchIncomplete(Exception):
    """The server abandoned an atomic batch before its commit: nothing was stored."""
