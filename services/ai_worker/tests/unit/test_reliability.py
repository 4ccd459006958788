"""Backoff with jitter, Retry-After, and the rate limits."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from jobtrail.ai_worker.llm import LLMUnavailable
from jobtrail.ai_worker.reliability import CircuitBreaker, CircuitOpen, RateLimiter, RetryPolicy


@dataclass
class FakeClock:
    """Time that moves only when somebody sleeps (or the test says so)."""

    at: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def now(self) -> float:
        return self.at

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += seconds


def test_backoff_grows_exponentially_with_full_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(attempts=10, base=0.5, cap=4.0)
    error = LLMUnavailable("503")
    for attempt, ceiling in ((1, 0.5), (2, 1.0), (3, 2.0), (6, 4.0)):
        delays = [policy.delay(attempt, error) for _ in range(200)]
        assert max(delays) <= ceiling
        assert min(delays) < ceiling / 2  # jittered, not a fixed step


def test_retry_after_is_a_floor_within_the_cap() -> None:
    policy = RetryPolicy(attempts=3, base=0.01, cap=5.0)
    assert policy.delay(1, LLMUnavailable("429", retry_after=2.0)) >= 2.0
    assert policy.delay(1, LLMUnavailable("429", retry_after=60.0)) <= 5.0


async def test_a_users_rate_limit_spaces_their_calls_out() -> None:
    clock = FakeClock()
    limiter = RateLimiter(global_per_second=1000, user_per_second=20, clock=clock)
    for _ in range(24):  # a burst of 20, then one call every 50 ms
        await limiter.acquire("ada")
    assert clock.slept[:1] != []  # the 21st call waited
    assert clock.at - 1000.0 == pytest.approx(0.2, abs=1e-6)


async def test_one_users_calls_do_not_slow_another_user_down() -> None:
    clock = FakeClock()
    limiter = RateLimiter(global_per_second=1000, user_per_second=1, clock=clock)
    await limiter.acquire("ada")
    await limiter.acquire("bob")
    assert clock.slept == []
    await limiter.acquire("ada")  # ada's second call in the same instant waits a second
    assert clock.slept == [pytest.approx(1.0)]


async def test_the_breaker_opens_after_failures_and_tries_once_after_the_cooldown() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=2, cooldown=30.0, clock=clock)

    async def failing() -> None:
        raise LLMUnavailable("503")

    async def working() -> str:
        return "ok"

    for _ in range(2):
        with pytest.raises(LLMUnavailable):
            await breaker.call(failing)
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen):
        await breaker.call(working)
    clock.at += 30.0
    assert breaker.state == "half-open"
    assert await breaker.call(working) == "ok"
    assert breaker.state == "closed"
