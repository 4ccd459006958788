"""Login sessions: one per login, its refresh token rotating on every use.

A session is a refresh-token family (OAuth 2.0 Security BCP, section 4.14 of the draft
that became RFC 9700, "refresh token rotation"): each refresh spends the presented token
and gives a new one. Presenting a spent token again means it was copied, so the whole
session ends, and both the thief's and the user's tokens stop working.

Only a sha256 of the current refresh token's id is kept, never a token.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Ended(StrEnum):
    """Why a session ended."""

    LOGOUT = "logout"
    LOGOUT_ALL = "logout_all"
    ENDED_BY_USER = "ended_by_user"  # from the list of sessions, maybe on another device
    REUSE = "refresh_token_reused"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
    DISABLED = "account_disabled"
    ROLE_CHANGED = "role_changed"


@dataclass(frozen=True)
class Session:
    """A login: who, from where, when it was last used, and the refresh token it expects."""

    session_id: UUID
    user_id: UUID
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    address: str
    refresh_hash: str
    ended_at: datetime | None = None
    ended_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.ended_at is None


def token_hash(token_id: str) -> str:
    """What is stored of a refresh token: the sha256 of its id."""
    return hashlib.sha256(token_id.encode()).hexdigest()


class Outcome(StrEnum):
    """What presenting a refresh token did to its session."""

    ROTATED = "rotated"
    UNKNOWN = "unknown"  # no such session (or another user's)
    ENDED = "ended"  # the session had ended already
    REUSED = "reused"  # a spent token: the session ends now


def rotate(
    session: Session | None, user_id: UUID, presented: str, next_token: str, now: datetime
) -> tuple[Outcome, Session | None]:
    """The session after `presented` (a refresh token id) is exchanged for `next_token`."""
    if session is None or session.user_id != user_id:
        return Outcome.UNKNOWN, session
    if not session.active:
        return Outcome.ENDED, session
    if session.refresh_hash != token_hash(presented):
        return Outcome.REUSED, end(session, Ended.REUSE, now)
    return Outcome.ROTATED, replace(session, refresh_hash=token_hash(next_token), last_used_at=now)


def end(session: Session, reason: Ended, now: datetime) -> Session:
    """The session ended for `reason`; one already ended keeps its first reason."""
    if not session.active:
        return session
    return replace(session, ended_at=now, ended_reason=reason.value)
