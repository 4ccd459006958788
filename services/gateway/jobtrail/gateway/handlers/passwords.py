"""Passwords: checking one at login, changing it, and resetting it through an emailed link.

Credentials are the gateway's own state (a `CredentialStore`, PostgreSQL in
`adapters/credentials.py`), never events: the log only records that a password changed
(`PasswordChanged`). An account registered before that keeps its hash in its
`UserRegistered` event; the first login copies it into the store.

A reset answers the same whether or not the email has an account, and the mail goes out
after the answer, so neither the reply nor its timing tells which emails are registered.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Protocol
from uuid import UUID

from jobtrail.gateway.security import hash_password, verify_password


class ResetRefused(StrEnum):
    """Why a reset token was not taken."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


class CredentialStore(Protocol):
    async def password_hash(self, user_id: UUID) -> str | None: ...

    async def set_password(
        self, user_id: UUID, password_hash: str, now: datetime, *, replace: bool = True
    ) -> None:
        """Store the hash; with `replace` False, keep one already stored."""
        ...

    async def add_reset(
        self, token_hash: str, user_id: UUID, now: datetime, expires_at: datetime
    ) -> None: ...

    async def resets_since(self, user_id: UUID, since: datetime) -> int: ...

    async def take_reset(self, token_hash: str, now: datetime) -> UUID | ResetRefused:
        """The account of an unused, unexpired token, which is then used up (with every
        other outstanding token of the account); else why not."""
        ...


class Mailer(Protocol):
    async def send(self, to: str, subject: str, text: str) -> None: ...


@dataclass(frozen=True)
class PasswordDeps:
    credentials: CredentialStore
    mailer: Mailer
    reset_link: str  # with "{token}" where the token goes
    reset_minutes: int = 30
    # At most this many reset mails per account per hour; more requests are answered alike.
    resets_per_hour: int = 3


def _now() -> datetime:
    return datetime.now(UTC)


def reset_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def stored_hash(deps: PasswordDeps, user_id: UUID, legacy: str | None) -> str | None:
    """The account's password hash; a legacy one from the log is copied into the store."""
    found = await deps.credentials.password_hash(user_id)
    if found is None and legacy:
        await deps.credentials.set_password(user_id, legacy, _now(), replace=False)
        found = await deps.credentials.password_hash(user_id)
    return found


async def matches(
    deps: PasswordDeps, user_id: UUID | None, legacy: str | None, password: str
) -> bool:
    """The password is the account's. An unknown account (None) costs the same argon2 work,
    so the answer's timing does not tell which emails have accounts."""
    stored = await stored_hash(deps, user_id, legacy) if user_id is not None else None
    return verify_password(stored or _decoy_hash(), password) and stored is not None


async def set_password(deps: PasswordDeps, user_id: UUID, password: str) -> None:
    """Store a new password's hash in place of any the account had."""
    await deps.credentials.set_password(user_id, hash_password(password), _now())


async def send_reset(deps: PasswordDeps, user_id: UUID, email: str) -> bool:
    """Mail a single-use reset link, unless the account had enough of them this hour."""
    now = _now()
    if (
        await deps.credentials.resets_since(user_id, now - timedelta(hours=1))
        >= deps.resets_per_hour
    ):
        return False
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(minutes=deps.reset_minutes)
    await deps.credentials.add_reset(reset_token_hash(token), user_id, now, expires)
    await deps.mailer.send(
        email,
        "Reset your Jobtrail password",
        "Someone asked to reset the password of your Jobtrail account.\n\n"
        f"To choose a new password, open this link within {deps.reset_minutes} minutes:\n"
        f"{deps.reset_link.format(token=token)}\n\n"
        "The link works once. If you did not ask for it, ignore this mail: your password "
        "stays as it is.\n",
    )
    return True


async def take_reset(deps: PasswordDeps, token: str) -> UUID | ResetRefused:
    return await deps.credentials.take_reset(reset_token_hash(token), _now())


@cache
def _decoy_hash() -> str:
    return hash_password("a password no account has")
