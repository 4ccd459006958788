"""Jobtrail's domain events: the envelope, every event class, and the JetStream log."""

from jobtrail.events import ai as ai  # registers the AI job events
from jobtrail.events import applications, attachments, notifications, resumes, users  # noqa: F401
from jobtrail.events import exports as exports  # registers the export events
from jobtrail.events import jobs as jobs  # registers the job posting events
from jobtrail.events.consumer import EventConsumer
from jobtrail.events.envelope import Envelope, Event, EventContext, RecordedEvent, seal
from jobtrail.events.errors import (
    ConcurrencyConflict,
    EventLogError,
    InvalidTopology,
    UnknownEventType,
)
from jobtrail.events.faults import (
    PermanentFailure,
    TransientFailure,
    blames_the_data,
    is_transient,
)
from jobtrail.events.ids import uuid7
from jobtrail.events.registry import registry
from jobtrail.events.store import AggregateHistory, EventStore
from jobtrail.events.topology import Topology, apply_topology, load_topology

__all__ = [
    "AggregateHistory",
    "ConcurrencyConflict",
    "Envelope",
    "Event",
    "EventConsumer",
    "EventContext",
    "EventLogError",
    "EventStore",
    "InvalidTopology",
    "PermanentFailure",
    "RecordedEvent",
    "Topology",
    "TransientFailure",
    "UnknownEventType",
    "apply_topology",
    "blames_the_data",
    "is_transient",
    "jobs",
    "load_topology",
    "registry",
    "resumes",
    "seal",
    "users",
    "uuid7",
]
