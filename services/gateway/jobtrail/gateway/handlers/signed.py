"""Signed, expiring tokens for links the gateway mails or hands out (HS256 with its signing
key). Each kind of link has its own audience, so a token of one kind, or an access token,
is never taken for another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt


class Refused(StrEnum):
    EXPIRED = "expired"
    INVALID = "invalid"


def sign(
    secret: str, audience: str, lifetime: timedelta, claims: dict[str, Any],
    now: datetime | None = None,
) -> str:  # fmt: skip
    issued = now or datetime.now(UTC)
    body = {**claims, "aud": audience, "iat": issued, "exp": issued + lifetime}
    return jwt.encode(body, secret, algorithm="HS256")


def verify(secret: str, audience: str, token: str) -> dict[str, Any] | Refused:
    """The claims of a valid token of this audience, or why it is refused."""
    try:
        claims: dict[str, Any] = jwt.decode(token, secret, algorithms=["HS256"], audience=audience)
    except jwt.ExpiredSignatureError:
        return Refused.EXPIRED
    except jwt.InvalidTokenError:
        return Refused.INVALID
    return claims
