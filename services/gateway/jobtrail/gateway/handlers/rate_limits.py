"""API rate limits: a token bucket per account and per client address, shared by every
gateway copy (PostgreSQL in `adapters/rate_limits.py`).

Each policy allows `quota` requests per `window` seconds, refilled smoothly, with bursts
up to the quota. Answers carry the policies and what is left in the headers of the IETF
draft "RateLimit header fields for HTTP" (`RateLimit-Policy`, `RateLimit`); a refusal is
429 with `Retry-After`. When the store cannot be reached the request goes through: an
outage is not the caller's fault.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog

log = structlog.get_logger("jobtrail.gateway.rate_limits")

# A store that has not answered in this long is treated as down (a frozen database must
# not hold every request before any route runs).
STORE_SECONDS = 0.5


@dataclass(frozen=True)
class Policy:
    name: str  # "user" or "address"
    quota: int  # requests per window; 0 turns the policy off
    window: int  # seconds

    @property
    def header(self) -> str:
        return f'"{self.name}";q={self.quota};w={self.window}'


@dataclass(frozen=True)
class Bucket:
    policy: Policy
    key: str

    @property
    def capacity(self) -> int:
        return self.policy.quota

    @property
    def rate(self) -> float:
        """Tokens per second."""
        return self.policy.quota / self.policy.window


@dataclass(frozen=True)
class Taken:
    """A bucket after a request asked it for a token."""

    bucket: Bucket
    tokens: float
    allowed: bool

    @property
    def remaining(self) -> int:
        return max(0, math.floor(self.tokens))

    @property
    def retry_after(self) -> int:
        """Seconds until the bucket holds a whole token again."""
        return max(1, math.ceil((1 - self.tokens) / self.bucket.rate))

    @property
    def reset(self) -> int:
        """Seconds until the bucket is full again."""
        return max(0, math.ceil((self.bucket.capacity - self.tokens) / self.bucket.rate))

    @property
    def header(self) -> str:
        return f'"{self.bucket.policy.name}";r={self.remaining};t={self.reset}'


class RateLimitStore(Protocol):
    async def take(self, buckets: Sequence[Bucket]) -> list[Taken]:
        """Take a token from each bucket that has one; every bucket's state after."""
        ...


@dataclass(frozen=True)
class Verdict:
    """Whether a request may go on, and the headers its answer carries."""

    allowed: bool
    headers: list[tuple[str, str]]
    retry_after: int = 0
    refused_by: str = ""


async def check(
    store: RateLimitStore, policies: Sequence[Policy], user: str | None, address: str
) -> Verdict:
    """Take a token for the request from the caller's buckets."""
    keys = {"user": f"user:{user}" if user else None, "address": f"address:{address}"}
    buckets = [
        Bucket(policy, key)
        for policy in policies
        if policy.quota > 0 and (key := keys.get(policy.name)) is not None
    ]
    if not buckets:
        return Verdict(True, [])
    try:
        async with asyncio.timeout(STORE_SECONDS):
            taken = await store.take(buckets)
    except Exception:  # the store is down or frozen: let the request through, and log it
        log.warning("rate_limits.unavailable", exc_info=True)
        return Verdict(True, [])
    tightest = min(taken, key=lambda t: (t.allowed, t.remaining))
    headers = [
        ("RateLimit-Policy", ", ".join(t.bucket.policy.header for t in taken)),
        ("RateLimit", tightest.header),
    ]
    refused = [t for t in taken if not t.allowed]
    if not refused:
        return Verdict(True, headers)
    slowest = max(refused, key=lambda t: t.retry_after)
    return Verdict(False, headers, slowest.retry_after, slowest.bucket.policy.name)
