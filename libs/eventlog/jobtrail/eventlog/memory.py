"""An event log in memory, for unit tests of handlers: the store's semantics, no server.

Like `EventStore`, it numbers each aggregate's events, refuses an append whose history is
stale (`ConcurrencyConflict`) and drops an event whose id it already holds (a redelivered
cause re-publishes identical ids). Integration tests use the real JetStream store.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from jobtrail.eventlog.store import AggregateHistory
from jobtrail.events import (
    ConcurrencyConflict,
    Envelope,
    Event,
    EventContext,
    RecordedEvent,
    seal,
)
from jobtrail.events.subjects import ALL_EVENTS


@dataclass
class InMemoryEventStore:
    log: list[RecordedEvent] = field(default_factory=list)

    async def load(
        self, aggregate_type: str, aggregate_id: object, after: tuple[int, int] = (0, 0)
    ) -> AggregateHistory:
        seq, version = after
        mine = [r for r in self._of(aggregate_type, str(aggregate_id)) if r.seq > seq]
        last = mine[-1].seq if mine else seq
        return AggregateHistory(aggregate_type, str(aggregate_id), mine, last, version)

    async def append(
        self, history: AggregateHistory, events: Sequence[Event], context: EventContext
    ) -> list[RecordedEvent]:
        if not events:
            return []
        sealed = seal(list(events), aggregate_id=history.aggregate_id,
                      base_version=history.version, context=context)  # fmt: skip
        known = {r.envelope.event_id: r for r in self.log}
        if all(e.event_id in known for e in sealed):  # the whole batch again: a duplicate
            return [known[e.event_id] for e in sealed]
        current = self._of(history.aggregate_type, history.aggregate_id)
        if (current[-1].seq if current else 0) != history.last_seq:
            raise ConcurrencyConflict(
                history.aggregate_type, history.aggregate_id, history.last_seq
            )
        recorded = [RecordedEvent(e, len(self.log) + n) for n, e in enumerate(sealed, 1)]
        self.log += recorded
        history.events.extend(recorded)
        history.last_seq = recorded[-1].seq
        return recorded

    async def publish_many(self, envelopes: Sequence[Envelope], window: int = 1000) -> list[int]:
        """Like `EventStore.publish_many`: no concurrency check, an id held already dropped."""
        held = {r.envelope.event_id: r.seq for r in self.log}
        seqs = []
        for envelope in envelopes:
            if envelope.event_id not in held:
                self.log.append(RecordedEvent(envelope, len(self.log) + 1))
                held[envelope.event_id] = len(self.log)
            seqs.append(held[envelope.event_id])
        return seqs

    async def last_sequence(self) -> int:
        return len(self.log)

    async def read(
        self, *, subject: str = ALL_EVENTS, start_seq: int = 1, batch: int = 1000
    ) -> AsyncGenerator[RecordedEvent, None]:
        """Like `EventStore.read`: the events whose subject matches (NATS wildcards)."""
        for recorded in self.log[start_seq - 1 :]:
            if _matches(subject, recorded.envelope.subject):
                yield recorded

    async def read_chunks(
        self, *, start_seq: int = 1, batch: int = 1000, **_: object
    ) -> AsyncGenerator[tuple[list[RecordedEvent], int], None]:
        """Like `EventStore.read_chunks` (every event decodes here)."""
        for start in range(start_seq - 1, len(self.log), batch):
            chunk = self.log[start : start + batch]
            yield chunk, chunk[-1].seq

    def types(self, aggregate_id: UUID) -> list[str]:
        """The event types of one aggregate, oldest first."""
        return [r.envelope.type for r in self.log if r.envelope.aggregate_id == str(aggregate_id)]

    def _of(self, aggregate_type: str, aggregate_id: str) -> list[RecordedEvent]:
        key = (aggregate_type, aggregate_id)
        return [r for r in self.log if (r.envelope.aggregate_type, r.envelope.aggregate_id) == key]


def _matches(pattern: str, subject: str) -> bool:
    """A NATS subject filter: `*` is one token, a final `>` the rest."""
    wanted, tokens = pattern.split("."), subject.split(".")
    for index, part in enumerate(wanted):
        if part == ">":
            return len(tokens) > index
        if index >= len(tokens) or part not in ("*", tokens[index]):
            return False
    return len(tokens) == len(wanted)
