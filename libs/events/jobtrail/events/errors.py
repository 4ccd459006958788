"""Errors of the event log that callers are expected to handle."""

from __future__ import annotations


class EventLogError(Exception):
    """Base for everything the event catalogue and the event log raise on purpose."""


class ConcurrencyConflict(EventLogError):
    """Someone appended to the aggregate since it was read; reload and decide again."""

    def __init__(self, aggregate_type: str, aggregate_id: str, expected_seq: int) -> None:
        self.aggregate_type = aggregate_type
        self.aggregate_id = aggregate_id
        self.expected_seq = expected_seq
        super().__init__(
            f"{aggregate_type} {aggregate_id} changed since it was read "
            f"(expected last sequence {expected_seq}); reload it and try again"
        )


class UnknownEventType(EventLogError):
    """An envelope names a (type, schema_version) this process has no class or upcaster for."""


class InvalidTopology(EventLogError):
    """A stream or consumer definition under deploy/nats is missing or malformed."""
