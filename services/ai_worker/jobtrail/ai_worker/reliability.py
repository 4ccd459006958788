"""Retries with exponential backoff and jitter, rate limits, and a circuit breaker.

Rate limits and the breaker are per worker process: several copies each hold their own
share (set the limits per copy); the provider's own 429s are honoured through retries.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import structlog

from jobtrail.ai_worker.llm import CircuitOpen, LLMError

T = TypeVar("T")
log = structlog.get_logger("jobtrail.ai_worker")


@dataclass
class RetryPolicy:
    attempts: int = 4
    base: float = 0.5
    cap: float = 20.0

    def delay(self, attempt: int, error: LLMError) -> float:
        """Full jitter (AWS's "exponential backoff and jitter"), never below Retry-After."""
        backoff = random.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))
        return max(backoff, min(error.retry_after or 0.0, self.cap))


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy) -> T:
    """Call until it succeeds, a non-retryable error, or the last attempt."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except LLMError as error:
            if not error.retryable or attempt == policy.attempts:
                raise
            delay = policy.delay(attempt, error)
            log.warning("llm.retry", attempt=attempt, delay_s=round(delay, 3), error=str(error))
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


class Clock(Protocol):
    """Time as the limits see it: the system's, or a test's that moves only when slept."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


@dataclass
class TokenBucket:
    """`rate` calls a second on average, bursts of `burst`."""

    rate: float
    burst: float
    clock: Clock = SYSTEM_CLOCK
    _tokens: float = field(init=False)
    _at: float = field(init=False)

    def __post_init__(self) -> None:
        self._tokens, self._at = self.burst, self.clock.now()

    def wait_time(self) -> float:
        now = self.clock.now()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        # A token refilled to within rounding of 1 counts: waiting 1e-17 s would not move
        # the clock, and the caller would wait forever.
        return 0.0 if self._tokens >= 1 - 1e-9 else (1 - self._tokens) / self.rate

    def take(self) -> None:
        self._tokens -= 1


class RateLimiter:
    """A global bucket and one bucket per user; a call waits until both allow it."""

    def __init__(
        self, global_per_second: float, user_per_second: float, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self._clock = clock
        self._global = TokenBucket(global_per_second, max(1.0, global_per_second), clock)
        self._user_rate = user_per_second
        self._users: dict[str, TokenBucket] = {}

    async def acquire(self, user: str) -> None:
        bucket = self._users.get(user)
        if bucket is None:
            bucket = TokenBucket(self._user_rate, max(1.0, self._user_rate), self._clock)
            self._users[user] = bucket
        while True:
            wait = max(self._global.wait_time(), bucket.wait_time())
            if wait <= 0:
                self._global.take()
                bucket.take()
                return
            await self._clock.sleep(wait)


class CircuitBreaker:
    """Opens after `threshold` consecutive failures; one trial call after `cooldown`."""

    def __init__(
        self, threshold: int = 5, cooldown: float = 30.0, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self.threshold, self.cooldown, self._clock = threshold, cooldown, clock
        self._failures = 0
        self._opened_at: float | None = None

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half-open" if self._clock.now() - self._opened_at >= self.cooldown else "open"

    async def call(self, call: Callable[[], Awaitable[T]]) -> T:
        if self.state == "open":
            raise CircuitOpen("the AI provider is failing; not calling it for a while")
        try:
            result = await call()
        except LLMError as error:
            if error.retryable:
                self._failures += 1
                if self._failures >= self.threshold or self._opened_at is not None:
                    self._opened_at = self._clock.now()
            raise
        self._failures, self._opened_at = 0, None
        return result
