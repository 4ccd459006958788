"""Backoff with jitter, Retry-After, and the rate limits."""

from __future__ import annotations

import time

from jobtrail.ai_worker.llm import LLMUnavailable
from jobtrail.ai_worker.reliability import RateLimiter, RetryPolicy


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
    limiter = RateLimiter(global_per_second=1000, user_per_second=20)
    start = time.monotonic()
    for _ in range(24):  # a burst of 20, then one call every 50 ms
        await limiter.acquire("ada")
    assert time.monotonic() - start >= 0.18


async def test_one_users_calls_do_not_slow_another_user_down() -> None:
    limiter = RateLimiter(global_per_second=1000, user_per_second=1)
    await limiter.acquire("ada")
    start = time.monotonic()
    await limiter.acquire("bob")
    assert time.monotonic() - start < 0.05
