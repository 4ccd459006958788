"""The `LLM` port: one structured completion per AI job, and the errors adapters raise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from jobtrail.ai_worker.tasks import TaskInput


@dataclass(frozen=True)
class LLMRequest:
    task: TaskInput
    system: str
    user: str
    schema: dict[str, Any]


@dataclass(frozen=True)
class Completion:
    output: dict[str, Any]
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class LLM(Protocol):
    name: str
    model: str

    async def complete(self, request: LLMRequest) -> Completion: ...


class LLMError(Exception):
    """The provider could not give a usable answer."""

    retryable = False

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LLMUnavailable(LLMError):
    """Rate limited (429), a server error (5xx), a timeout or a broken connection."""

    retryable = True


class LLMBadOutput(LLMError):
    """The answer was not JSON matching the schema; asking again may help."""

    retryable = True


class CircuitOpen(LLMError):
    """The provider failed repeatedly; calls fail fast until it has had time to recover."""

    retryable = True
