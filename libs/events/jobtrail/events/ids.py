"""UUIDv7 identifiers (RFC 9562): time-ordered, so event ids sort by when they happened."""

from __future__ import annotations

import hashlib
import os
import time
import uuid


def _uuid7_from(unix_ms: int, rand: bytes) -> uuid.UUID:
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (int.from_bytes(rand[:2], "big") & 0x0FFF) << 64
    value |= 0b10 << 62
    value |= int.from_bytes(rand[2:10], "big") & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def uuid7() -> uuid.UUID:
    """A new random UUIDv7."""
    return _uuid7_from(time.time_ns() // 1_000_000, os.urandom(10))


def derived_uuid7(unix_ms: int, *seed: object) -> uuid.UUID:
    """A UUIDv7 that is the same every time for the same inputs.

    Events decided while handling another event use it (seeded by the cause's id), so a
    redelivered cause produces byte-identical events that the stream's duplicate window drops.
    """
    digest = hashlib.sha256("\x1f".join(str(s) for s in seed).encode()).digest()
    return _uuid7_from(unix_ms, digest)
