"""What each service consumes and emits, declared once, in its own `declarations` module.

Everything else is derived from these declarations and checked against them:
- the durable consumer definitions in `deploy/nats/consumers/` (and their `-retry` twins),
  written by `make docs` and compared with the committed files by a test;
- the AsyncAPI document's `receive` and `send` operations (`jobtrail.eventlog.asyncapi`);
- the events a running service may append: an `EventStore` given a declaration refuses any
  other type (`UndeclaredEvent`), so the "who emits what" table cannot drift from the code;
- the consumers a service runs (`jobtrail.eventlog.subscriptions.Subscription` takes one).

Only the catalogue and the standard library are imported: a declaration is data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobtrail.events.envelope import Event
from jobtrail.events.errors import EventLogError
from jobtrail.events.subjects import EVENTS_STREAM, RETRY_PREFIX, RETRY_STREAM, type_filter

Json = dict[str, Any]
_NANOS = 1_000_000_000


class UndeclaredEvent(EventLogError):
    """A service appended an event type its declaration does not list: a programming error."""


@dataclass(frozen=True)
class Consumer:
    """One durable JetStream consumer: what it selects and how its failures are budgeted."""

    durable: str
    description: str
    events: tuple[type[Event], ...]
    # How long a delivery may go unacknowledged (handlers with `heartbeat` extend it).
    ack_wait_seconds: int = 60
    # Failed attempts (errors the handler raised, outages excluded) before dead-lettering.
    max_failures: int = 5
    backoff_seconds: tuple[int, ...] = (1, 5, 15, 30)
    # Deliveries of any kind, including those of a process killed mid-message: a high cap.
    max_deliver: int = 50
    max_ack_pending: int = 256

    def __post_init__(self) -> None:
        if not self.events:
            raise ValueError(f"consumer {self.durable} selects no events")

    @property
    def retry_durable(self) -> str:
        return f"{self.durable}-retry"

    def definition(self) -> Json:
        """The consumer on JOBTRAIL_EVENTS, as `nats consumer add --config` reads it."""
        subjects = [type_filter(cls.aggregate_type, cls.type) for cls in self.events]
        return self._config(self.durable, self.description, subjects)

    def retry_definition(self) -> Json:
        """Its twin on JOBTRAIL_RETRY, which `jobtrail dlq retry` sends dead letters back to."""
        description = f"retries of {self.durable}, sent by `jobtrail dlq retry`"
        subjects = [f"{RETRY_PREFIX}.{self.durable}.>"]
        return self._config(self.retry_durable, description, subjects)

    def _config(self, durable: str, description: str, subjects: list[str]) -> Json:
        return {
            "durable_name": durable,
            "description": description,
            "deliver_policy": "all",
            "ack_policy": "explicit",
            "ack_wait": self.ack_wait_seconds * _NANOS,
            "max_deliver": self.max_deliver,
            "filter_subjects": subjects,
            "max_ack_pending": self.max_ack_pending,
            "replay_policy": "instant",
            "metadata": {
                "jobtrail_max_failures": str(self.max_failures),
                "jobtrail_backoff_seconds": ",".join(str(s) for s in self.backoff_seconds),
            },
        }


@dataclass(frozen=True)
class Service:
    """A service (or the operator CLI): the events it appends and the consumers it runs."""

    name: str
    emits: tuple[type[Event], ...]
    consumers: tuple[Consumer, ...] = ()

    def consumer(self, durable: str) -> Consumer:
        for consumer in self.consumers:
            if consumer.durable == durable:
                return consumer
        raise KeyError(f"{self.name} declares no consumer {durable}")

    @property
    def durables(self) -> list[str]:
        return [consumer.durable for consumer in self.consumers]

    def may_emit(self, event_type: str) -> bool:
        return any(cls.type == event_type for cls in self.emits)


def consumer_files(services: Iterable[Service]) -> dict[str, str]:
    """`<STREAM>/<durable>.json` → file text, for every declared consumer and its twin."""
    files: dict[str, str] = {}
    for service in services:
        for consumer in service.consumers:
            for stream, config in (
                (EVENTS_STREAM, consumer.definition()),
                (RETRY_STREAM, consumer.retry_definition()),
            ):
                name = f"{stream}/{config['durable_name']}.json"
                if name in files:
                    raise ValueError(f"two declarations of the consumer {name}")
                files[name] = json.dumps(config, indent=2) + "\n"
    return files


def write_consumers(services: Sequence[Service], consumers_dir: Path) -> list[Path]:
    """Write the consumer definitions under `consumers_dir` and remove undeclared ones."""
    files = consumer_files(services)
    written: list[Path] = []
    for name, text in files.items():
        path = consumers_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in consumers_dir.glob("*/*.json"):
        if str(stale.relative_to(consumers_dir)) not in files:
            stale.unlink()
    return written


def emitters(services: Iterable[Service]) -> dict[str, tuple[str, ...]]:
    """Event type → the services that append it (what the AsyncAPI `send` operations say)."""
    found: dict[str, list[str]] = {}
    for service in services:
        for cls in service.emits:
            found.setdefault(cls.type, []).append(service.name)
    return {event_type: tuple(names) for event_type, names in sorted(found.items())}
