"""The peer application: one aggregate type whose events mirror our envelopes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

import eventsourcing.postgres  # noqa: F401 - PERSISTENCE_MODULE loads it by name, later
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from benchmarks.servers import create_database, postgres_parts
from jobtrail.events import Envelope
from jobtrail.stack import StackEndpoints


class Ledger(Aggregate):
    """An aggregate that records envelope-shaped events, one `record` call per event."""

    class Recorded(Aggregate.Event):
        event_id: UUID
        type: str
        schema_version: int
        aggregate_type: str
        actor: str
        owner_id: UUID | None
        correlation_id: str
        causation_id: str | None
        data: dict[str, Any]

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Ledger)
            aggregate.recorded += 1

    def __init__(self) -> None:
        self.recorded = 0

    def record(self, envelope: Envelope) -> None:
        self.trigger_event(self.Recorded, **_fields(envelope))


class BenchPeer(Application[UUID]):
    """Reads the notification log in sections as large as our read batches."""

    log_section_size = 1000


def open_peer(stack: StackEndpoints, database: str) -> BenchPeer:
    """The peer on its own empty database of the stack's PostgreSQL."""
    create_database(stack, database)
    parts = postgres_parts(stack)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": database,
        "POSTGRES_HOST": parts["host"],
        "POSTGRES_PORT": parts["port"],
        "POSTGRES_USER": parts["user"],
        "POSTGRES_PASSWORD": "",
    }
    return BenchPeer(env=env)


def store_log(peer: BenchPeer, envelopes: Sequence[Envelope], chunk: int = 1000) -> None:
    """Write a whole log as the peer's events, many per transaction (setup, not timed)."""
    for start in range(0, len(envelopes), chunk):
        events = [_as_event(e) for e in envelopes[start : start + chunk]]
        peer.events.put(events)


def read_log(peer: BenchPeer) -> Iterator[object]:
    """Every event of the notification log, decoded, oldest first."""
    start = 1
    while True:
        section = peer.notification_log.select(start, peer.log_section_size)
        if not section:
            return
        for notification in section:
            yield peer.mapper.to_domain_event(notification)
        start = section[-1].id + 1


def stored_sizes(peer: BenchPeer, envelopes: Iterable[Envelope]) -> list[int]:
    """Bytes of the state column the peer writes for each envelope's event."""
    return [len(peer.mapper.to_stored_event(_as_event(e)).state) for e in envelopes]


def _as_event(envelope: Envelope) -> Ledger.Recorded:
    return Ledger.Recorded(
        originator_id=UUID(envelope.aggregate_id),
        originator_version=envelope.aggregate_version,
        timestamp=envelope.occurred_at,
        **_fields(envelope),
    )


def _fields(envelope: Envelope) -> dict[str, Any]:
    return {
        "event_id": envelope.event_id,
        "type": envelope.type,
        "schema_version": envelope.schema_version,
        "aggregate_type": envelope.aggregate_type,
        "actor": envelope.actor,
        "owner_id": envelope.owner_id,
        "correlation_id": envelope.correlation_id,
        "causation_id": envelope.causation_id,
        "data": envelope.data,
    }
