"""Superseding a failure: what `jobtrail dlq retry` appends before it re-sends the work.

A failure recorded in the log (`ResumeRejected`, `ExportFailed`, `AIJobFailed`) is never
edited. A retry appends a `…RetryRequested` event to the same aggregate; a handler counts
only the outcomes recorded after the latest one, so it decides again, and its new outcome
supersedes the old failure in every read model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jobtrail.events.ai import AIJobRetryRequested
from jobtrail.events.envelope import Envelope, Event, RecordedEvent
from jobtrail.events.exports import ExportRetryRequested
from jobtrail.events.resumes import ResumeRetryRequested


@dataclass(frozen=True)
class Retryable:
    """The work one trigger event starts, and how its outcomes read in the log."""

    trigger: str
    failures: frozenset[str]
    outcomes: frozenset[str]  # failures included
    retry: type[Event]


RETRYABLE: dict[str, Retryable] = {
    r.trigger: r
    for r in (
        Retryable(
            "ResumeUploaded", frozenset({"ResumeRejected"}),
            frozenset({"ResumeParsed", "ResumeRejected"}), ResumeRetryRequested,
        ),
        Retryable(
            "ExportRequested", frozenset({"ExportFailed"}),
            frozenset({"ExportReady", "ExportFailed"}), ExportRetryRequested,
        ),
        Retryable(
            "AIJobQueued", frozenset({"AIJobFailed"}),
            frozenset({"AIOutputReady", "AIJobFailed", "AIJobCancelled"}), AIJobRetryRequested,
        ),
    )
}  # fmt: skip
RETRY_TYPES = frozenset(r.retry.type for r in RETRYABLE.values())


def since_last_retry(events: Iterable[RecordedEvent]) -> list[RecordedEvent]:
    """The events after the latest `…RetryRequested` (all of them if there is none)."""
    current: list[RecordedEvent] = []
    for recorded in events:
        if recorded.envelope.type in RETRY_TYPES:
            current = []
        else:
            current.append(recorded)
    return current


def decided(events: Iterable[RecordedEvent], outcomes: Iterable[str]) -> bool:
    """Whether one of `outcomes` was recorded since the latest retry request."""
    wanted = set(outcomes)
    return any(e.envelope.type in wanted for e in since_last_retry(events))


def retry_request(trigger: Envelope, history: list[RecordedEvent], reason: str) -> Event | None:
    """The event that supersedes the trigger's failure, or None when nothing failed.

    Only a failure is superseded: a finished or cancelled piece of work stays as it is.
    """
    retryable = RETRYABLE.get(trigger.type)
    if retryable is None:
        return None
    outcomes = [e for e in since_last_retry(history) if e.envelope.type in retryable.outcomes]
    if not outcomes or outcomes[-1].envelope.type not in retryable.failures:
        return None
    id_field = {"resume": "resume_id", "export": "export_id", "ai_job": "ai_job_id"}
    field = id_field[retryable.retry.aggregate_type]
    return retryable.retry.model_validate({field: trigger.aggregate_id, "reason": reason})
