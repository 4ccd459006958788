"""The `ai_job` aggregate as the gateway decides on it: queue, cancel, and budgets."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from uuid import UUID

from jobtrail.events.ai import (
    KINDS_WITH_POSTING,
    AIJobCancelled,
    AIJobQueued,
)
from jobtrail.events.envelope import RecordedEvent
from jobtrail.gateway.errors import Conflict, DomainError, InvalidInput, NotFound

ENDINGS = {"AIOutputReady": "SUCCESS", "AIJobFailed": "FAILURE", "AIJobCancelled": "CANCELLED"}


class BudgetExhausted(DomainError):
    status = 429
    code = "ai_budget_exhausted"

    def __init__(self, message: str, now: datetime | None = None) -> None:
        super().__init__(message)
        self.retry_after = seconds_to_midnight_utc(now or datetime.now(UTC))


def seconds_to_midnight_utc(now: datetime) -> int:
    """Until the daily budgets reset (Retry-After of a spent budget); at least 1."""
    midnight = datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(), UTC)
    return max(1, math.ceil((midnight - now).total_seconds()))


@dataclass
class AIJob:
    ai_job_id: UUID
    owner_id: UUID | None = None
    ended: str | None = None

    @classmethod
    def fold(cls, ai_job_id: UUID, events: list[RecordedEvent]) -> AIJob:
        job = cls(ai_job_id)
        for recorded in events:
            if recorded.envelope.type == AIJobQueued.type:
                job.owner_id = recorded.envelope.owner_id
            job.ended = ENDINGS.get(recorded.envelope.type, job.ended)
        return job

    def ensure_owned_by(self, user_id: UUID) -> None:
        if self.owner_id != user_id:
            raise NotFound(f"no AI job {self.ai_job_id}")

    def cancel(self) -> list[AIJobCancelled]:
        """Cancel unless it already ended (cancelling twice changes nothing)."""
        if self.ended == "CANCELLED":
            return []
        if self.ended is not None:
            raise Conflict(
                f"AI job {self.ai_job_id} already ended ({self.ended}); nothing to cancel"
            )
        return [AIJobCancelled(ai_job_id=self.ai_job_id)]


def check_inputs(kind: str, has_posting: bool) -> None:
    if kind in KINDS_WITH_POSTING and not has_posting:
        raise InvalidInput(
            f"a {kind} job needs a job posting: send `job_id` (a posting you added) or `job` "
            "(title, company, description, skills)"
        )


def check_budget(
    user: tuple[int, float], everyone: tuple[int, float], limits: tuple[int, float, int, float]
) -> None:
    """Refuse new work once today's tokens or cost reach a per-user or the global budget."""
    user_tokens, user_usd, all_tokens, all_usd = limits
    if user[0] >= user_tokens or user[1] >= user_usd:
        raise BudgetExhausted(
            f"your daily AI budget is spent ({user[0]} of {user_tokens} tokens, "
            f"${user[1]:.4f} of ${user_usd:.2f}); it resets at midnight UTC"
        )
    if everyone[0] >= all_tokens or everyone[1] >= all_usd:
        raise BudgetExhausted(
            "the service's daily AI budget is spent; try again after midnight UTC"
        )
