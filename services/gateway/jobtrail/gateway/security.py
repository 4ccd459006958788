"""Passwords (argon2id) and tokens (JWT: short-lived access, long-lived refresh)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from jobtrail.events import uuid7
from jobtrail.gateway.errors import Unauthorized

TokenType = Literal["access", "refresh"]
_ALGORITHM = "HS256"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Principal:
    """Who is calling, from a verified access token."""

    user_id: UUID
    role: str
    # The login session the token belongs to, and the token's own id (its `jti`); None in
    # principals made inside the system (services acting for a user, tests).
    session_id: UUID | None = None
    token_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def actor(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


class TokenIssuer:
    def __init__(self, secret: str, access_ttl: timedelta, refresh_ttl: timedelta) -> None:
        self._secret = secret
        self._ttl: dict[TokenType, timedelta] = {"access": access_ttl, "refresh": refresh_ttl}

    def issue(self, user_id: UUID, role: str, session_id: UUID, refresh_id: str) -> TokenPair:
        """An access token and a refresh token (whose `jti` is `refresh_id`) of a session."""
        return TokenPair(
            access_token=self._encode(user_id, role, "access", session_id, str(uuid7())),
            refresh_token=self._encode(user_id, role, "refresh", session_id, refresh_id),
            expires_in=int(self._ttl["access"].total_seconds()),
        )

    def verify(self, token: str, expected: TokenType) -> Principal:
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[_ALGORITHM], options={"require": ["exp", "sub"]}
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized(f"the {expected} token has expired; log in again") from None
        except jwt.InvalidTokenError:
            raise Unauthorized(f"the {expected} token is not valid; log in again") from None
        if claims.get("typ") != expected:
            article = "an" if expected == "access" else "a"
            raise Unauthorized(f"{article} {expected} token is needed here")
        try:
            session = UUID(claims["sid"]) if "sid" in claims else None
            user_id = UUID(claims["sub"])
        except (TypeError, ValueError):
            raise Unauthorized(f"the {expected} token is not valid; log in again") from None
        return Principal(user_id, str(claims.get("role", "user")), session, claims.get("jti"))

    def _encode(
        self, user_id: UUID, role: str, kind: TokenType, session_id: UUID, token_id: str
    ) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "role": role,
            "typ": kind,
            "iat": now,
            "exp": now + self._ttl[kind],
            "jti": token_id,
        }
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)
