"""Work an operator can send back (`jobtrail dlq retry`): which aggregates, and how.

A failure recorded in the log (`ResumeRejected`, `ExportFailed`, `AIJobFailed`) is never
edited. A retry appends a `…RetryRequested` event to the same aggregate; its fold goes
back to waiting, so the service that handles the work decides again, and its new outcome
supersedes the old failure in every read model. Only a failure is superseded: finished or
cancelled work stays as it is (the aggregate's `retry` decides nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol, Self
from uuid import UUID

from jobtrail.domain.ai_jobs import AIJob
from jobtrail.domain.exports import Export
from jobtrail.domain.resumes import Resume
from jobtrail.events.envelope import Event, RecordedEvent


class Retryable(Protocol):
    aggregate_type: ClassVar[str]

    @classmethod
    def fold(cls, aggregate_id: UUID, events: list[RecordedEvent]) -> Self: ...

    def retry(self, reason: str) -> Sequence[Event]: ...


# By the trigger event that starts the work.
RETRYABLE: dict[str, type[Retryable]] = {
    "ResumeUploaded": Resume,
    "ExportRequested": Export,
    "AIJobQueued": AIJob,
}
