"""The rate-limit decision on fake stores (the PostgreSQL buckets and the middleware run in
tests/integration/test_rate_limits.py)."""

from __future__ import annotations

from collections.abc import Sequence

from jobtrail.gateway.handlers import rate_limits
from jobtrail.gateway.handlers.rate_limits import Bucket, Policy, Taken

POLICIES = (Policy("user", 60, 60), Policy("address", 120, 60))


class Buckets:
    """Buckets that hold `left` tokens each, and record what was asked of them."""

    def __init__(self, left: dict[str, float]) -> None:
        self.left = left
        self.asked: list[str] = []

    async def take(self, buckets: Sequence[Bucket]) -> list[Taken]:
        self.asked = [bucket.key for bucket in buckets]
        result = []
        for bucket in buckets:
            tokens = self.left.get(bucket.policy.name, bucket.capacity)
            allowed = tokens >= 1
            result.append(Taken(bucket, tokens - 1 if allowed else tokens, allowed))
        return result


class Down:
    async def take(self, buckets: Sequence[Bucket]) -> list[Taken]:
        raise ConnectionError("database unreachable")


async def test_a_caller_without_a_token_counts_against_the_address_alone() -> None:
    store = Buckets({})
    verdict = await rate_limits.check(store, POLICIES, None, "10.0.0.1")
    assert verdict.allowed
    assert store.asked == ["address:10.0.0.1"]
    assert dict(verdict.headers)["RateLimit-Policy"] == '"address";q=120;w=60'


async def test_the_tightest_bucket_is_the_one_reported() -> None:
    verdict = await rate_limits.check(Buckets({"user": 3.5}), POLICIES, "u1", "10.0.0.1")
    assert verdict.allowed
    assert dict(verdict.headers)["RateLimit"] == '"user";r=2;t=58'


async def test_an_empty_bucket_refuses_with_the_seconds_until_its_next_token() -> None:
    verdict = await rate_limits.check(Buckets({"address": 0.25}), POLICIES, "u1", "10.0.0.1")
    assert (verdict.allowed, verdict.refused_by, verdict.retry_after) == (False, "address", 1)
    slow = Policy("user", 6, 60)  # a token every 10 seconds
    verdict = await rate_limits.check(Buckets({"user": 0.5}), (slow,), "u1", "10.0.0.1")
    assert (verdict.allowed, verdict.retry_after) == (False, 5)


async def test_an_unreachable_store_lets_requests_through() -> None:
    verdict = await rate_limits.check(Down(), POLICIES, "u1", "10.0.0.1")
    assert (verdict.allowed, verdict.headers) == (True, [])


async def test_policies_with_no_quota_ask_nothing_of_the_store() -> None:
    store = Buckets({})
    off = (Policy("user", 0, 60),)
    assert (await rate_limits.check(store, off, "u1", "10.0.0.1")).allowed
    assert store.asked == []
