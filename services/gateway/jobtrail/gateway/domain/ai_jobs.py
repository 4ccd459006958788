"""What the gateway checks before it queues AI work: the inputs a kind needs, and budgets.

The `ai_job` aggregate itself (queue, cancel, how it ended) is `jobtrail.domain.ai_jobs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

from jobtrail.events.ai import KINDS_WITH_POSTING
from jobtrail.gateway.errors import DomainError, InvalidInput


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


@dataclass(frozen=True)
class AIJobOrder:
    """What a job seeker asks the AI to do, as the API received it (checked by `check`)."""

    kind: str
    resume_id: UUID
    resume_version: int | None = None  # None: the current version
    job_id: UUID | None = None  # a posting of theirs or a shared one
    job: dict[str, Any] | None = None  # or the posting itself, inline
    tone: str | None = None
    length: str | None = None

    def check(self) -> None:
        check_inputs(self.kind, self.job_id is not None or self.job is not None)

    def as_request(self) -> dict[str, Any]:
        """The order as an idempotency key's request (what a repeat must match)."""
        return {
            "kind": self.kind, "resume_id": self.resume_id, "resume_version": self.resume_version,
            "job_id": self.job_id, "job": self.job,
            "options": {"tone": self.tone, "length": self.length},
        }  # fmt: skip


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
