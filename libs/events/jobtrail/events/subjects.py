"""Stream and subject names: `jobtrail.events.<aggregate>.<aggregate_id>.<EventType>`."""

from __future__ import annotations

EVENTS_STREAM = "JOBTRAIL_EVENTS"
DLQ_STREAM = "JOBTRAIL_DLQ"
EVENTS_PREFIX = "jobtrail.events"
ALL_EVENTS = f"{EVENTS_PREFIX}.>"
DLQ_PREFIX = "jobtrail.dlq"
RETRY_STREAM = "JOBTRAIL_RETRY"
RETRY_PREFIX = "jobtrail.retry"

# Headers of dead-lettered and retried messages: where the event really lives in the log.
ORIGINAL_SUBJECT = "Jobtrail-Original-Subject"
ORIGINAL_SEQUENCE = "Jobtrail-Original-Sequence"


def event_subject(aggregate_type: str, aggregate_id: object, event_type: str) -> str:
    return f"{EVENTS_PREFIX}.{aggregate_type}.{aggregate_id}.{event_type}"


def aggregate_filter(aggregate_type: str, aggregate_id: object) -> str:
    """Every event of one aggregate; also the subject of its concurrency check."""
    return f"{EVENTS_PREFIX}.{aggregate_type}.{aggregate_id}.*"


def type_filter(aggregate_type: str, event_type: str) -> str:
    """One event type across all aggregates of a kind (what a consumer filters on)."""
    return f"{EVENTS_PREFIX}.{aggregate_type}.*.{event_type}"


def dlq_subject(consumer: str, event_type: str) -> str:
    return f"{DLQ_PREFIX}.{consumer}.{event_type}"


def retry_subject(consumer: str, event_type: str) -> str:
    return f"{RETRY_PREFIX}.{consumer}.{event_type}"
