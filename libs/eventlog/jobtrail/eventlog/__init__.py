"""Jobtrail's event log on NATS JetStream: the store, consumers, topology and fault rules.

The events themselves (classes, envelope, registry) are the pure catalogue in
`jobtrail.events`; this package is everything that talks to the server.
"""

from jobtrail.eventlog.consumer import EventConsumer
from jobtrail.eventlog.faults import (
    PermanentFailure,
    TransientFailure,
    blames_the_data,
    is_transient,
)
from jobtrail.eventlog.store import AggregateHistory, EventStore
from jobtrail.eventlog.topology import Topology, apply_topology, load_topology
from jobtrail.events.errors import ConcurrencyConflict

__all__ = [
    "AggregateHistory",
    "ConcurrencyConflict",
    "EventConsumer",
    "EventStore",
    "PermanentFailure",
    "Topology",
    "TransientFailure",
    "apply_topology",
    "blames_the_data",
    "is_transient",
    "load_topology",
]
