"""The `ai_job` aggregate: AI work a job seeker asked for, and how it ended.

Two services write it: the gateway queues and cancels, the AI worker records progress,
the output or the failure. Once ended (succeeded, failed, cancelled) nothing more is
appended, except a retry request that makes a failed job run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from jobtrail.domain.errors import Conflict, NotFound
from jobtrail.events.ai import (
    AIJobCancelled,
    AIJobQueued,
    AIJobRetryRequested,
    AIOutputDeleted,
)
from jobtrail.events.envelope import RecordedEvent

ENDINGS = {"AIOutputReady": "SUCCESS", "AIJobFailed": "FAILURE", "AIJobCancelled": "CANCELLED"}


@dataclass
class AIJob:
    aggregate_type: ClassVar[str] = "ai_job"

    ai_job_id: UUID
    owner_id: UUID | None = None
    ended: str | None = None
    output_deleted: bool = False

    @classmethod
    def fold(cls, ai_job_id: UUID, events: list[RecordedEvent]) -> AIJob:
        job = cls(ai_job_id)
        for recorded in events:
            kind = recorded.envelope.type
            if kind == AIJobQueued.type:
                job.owner_id = recorded.envelope.owner_id
            elif kind == AIJobRetryRequested.type:  # `jobtrail dlq retry`: it runs again
                job.ended = None
            elif kind == AIOutputDeleted.type:
                job.output_deleted = True
            job.ended = ENDINGS.get(kind, job.ended)
        return job

    def ensure_owned_by(self, user_id: UUID) -> None:
        if self.owner_id != user_id:
            raise NotFound(f"no AI job {self.ai_job_id}")

    def retry(self, reason: str) -> list[AIJobRetryRequested]:
        """Run a failed job again (`jobtrail dlq retry`); finished or cancelled ones stay."""
        if self.ended != "FAILURE":
            return []
        return [AIJobRetryRequested(ai_job_id=self.ai_job_id, reason=reason)]

    def delete_output(self, user_id: UUID) -> list[AIOutputDeleted]:
        """The owner deletes the output of a job that succeeded (once)."""
        self.ensure_owned_by(user_id)
        if self.ended != "SUCCESS":
            raise Conflict(f"AI job {self.ai_job_id} has no output to delete ({self.ended})")
        if self.output_deleted:
            return []
        return [AIOutputDeleted(ai_job_id=self.ai_job_id, user_id=user_id)]

    def cancel(self) -> list[AIJobCancelled]:
        """Cancel unless it already ended (cancelling twice changes nothing)."""
        if self.ended == "CANCELLED":
            return []
        if self.ended is not None:
            raise Conflict(
                f"AI job {self.ai_job_id} already ended ({self.ended}); nothing to cancel"
            )
        return [AIJobCancelled(ai_job_id=self.ai_job_id)]
