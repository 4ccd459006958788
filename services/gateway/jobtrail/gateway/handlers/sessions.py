"""Sessions: starting one at login, rotating its refresh token, ending one or all of them,
and refusing the access tokens of an ended session.

The use cases take a `SessionStore` (the port; PostgreSQL in `adapters/sessions.py`) and
the token issuer. An ended session's access tokens are refused from the next request
on this gateway copy, and within `session_check_seconds` on every other copy (each keeps
a short cache of sessions it has seen active, so a request costs no query most of the time).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from jobtrail.events import uuid7
from jobtrail.gateway.domain import sessions
from jobtrail.gateway.domain.sessions import Ended, Outcome, Session, token_hash
from jobtrail.gateway.errors import NotFound, Unauthorized
from jobtrail.gateway.security import Principal, TokenIssuer, TokenPair

Change = Callable[[Session | None], Session | None]


class SessionStore(Protocol):
    """Where sessions are kept, shared by every gateway copy."""

    async def add(self, session: Session) -> None: ...

    async def change(self, session_id: UUID, change: Change) -> Session | None:
        """Apply `change` to the session under a lock; store and return what it returns."""
        ...

    async def end_all(
        self, user_id: UUID, reason: Ended, now: datetime, keep: UUID | None = None
    ) -> list[UUID]:
        """End every active session of the user but `keep`; the ids of those ended."""
        ...

    async def get(self, session_id: UUID) -> Session | None: ...

    async def active(self, user_id: UUID) -> list[Session]:
        """The user's active sessions, the most recently used first."""
        ...


@dataclass
class ActiveSessions:
    """Sessions this copy saw active in the last `ttl` seconds, and those it ended."""

    ttl: float
    clock: Callable[[], float] = time.monotonic
    _seen: dict[UUID, float] = field(default_factory=dict)

    def fresh(self, session_id: UUID) -> bool:
        seen = self._seen.get(session_id)
        return seen is not None and self.clock() - seen < self.ttl

    def saw(self, session_id: UUID) -> None:
        if len(self._seen) > 100_000:  # bounded: forget everything rather than grow
            self._seen.clear()
        self._seen[session_id] = self.clock()

    def forget(self, session_id: UUID) -> None:
        self._seen.pop(session_id, None)


@dataclass(frozen=True)
class SessionDeps:
    """What the session use cases need."""

    store: SessionStore
    tokens: TokenIssuer
    cache: ActiveSessions


def _now() -> datetime:
    return datetime.now(UTC)


async def start(
    deps: SessionDeps, user_id: UUID, role: str, user_agent: str, address: str
) -> TokenPair:
    """A new session for a user who just proved who they are, and its first tokens."""
    now = _now()
    session_id, refresh_id = uuid7(), str(uuid7())
    await deps.store.add(
        Session(
            session_id=session_id,
            user_id=user_id,
            created_at=now,
            last_used_at=now,
            user_agent=user_agent[:300],
            address=address,
            refresh_hash=token_hash(refresh_id),
        )
    )
    deps.cache.saw(session_id)
    return deps.tokens.issue(user_id, role, session_id, refresh_id)


async def refresh(
    deps: SessionDeps, refresh_token: str, role_of: Callable[[UUID], Awaitable[str]]
) -> TokenPair:
    """Spend a refresh token for a new pair. A spent token presented again ends its session.

    `role_of` gives the user's current role (and refuses an account that is gone).
    """
    principal = deps.tokens.verify(refresh_token, "refresh")
    if principal.session_id is None or principal.token_id is None:
        raise Unauthorized("this refresh token is from before sessions; log in again")
    next_id = str(uuid7())
    outcome = Outcome.UNKNOWN

    def rotated(session: Session | None) -> Session | None:
        nonlocal outcome
        assert principal.token_id is not None
        outcome, changed = sessions.rotate(
            session, principal.user_id, principal.token_id, next_id, _now()
        )
        return changed

    await deps.store.change(principal.session_id, rotated)
    if outcome is Outcome.REUSED:
        deps.cache.forget(principal.session_id)
        raise Unauthorized(
            "this refresh token was already used, so it may have been copied: its session "
            "has been ended to protect the account; log in again"
        )
    if outcome is not Outcome.ROTATED:
        raise Unauthorized("this session has ended; log in again")
    deps.cache.saw(principal.session_id)
    role = await role_of(principal.user_id)
    return deps.tokens.issue(principal.user_id, role, principal.session_id, next_id)


async def ensure_active(deps: SessionDeps, principal: Principal) -> None:
    """Unauthorized unless the access token's session is still active.

    Tokens without a session (issued before sessions existed) expire on their own within
    the access token lifetime and are let through until then.
    """
    session_id = principal.session_id
    if session_id is None or deps.cache.fresh(session_id):
        return
    session = await deps.store.get(session_id)
    if session is None or not session.active or session.user_id != principal.user_id:
        deps.cache.forget(session_id)
        raise Unauthorized("this session has ended; log in again")
    deps.cache.saw(session_id)


async def end(deps: SessionDeps, principal: Principal, session_id: UUID, reason: Ended) -> None:
    """End one of the caller's sessions; NotFound for another user's or an unknown one."""
    found = False

    def ended(session: Session | None) -> Session | None:
        nonlocal found
        if session is None or session.user_id != principal.user_id:
            return session
        found = True
        return sessions.end(session, reason, _now())

    await deps.store.change(session_id, ended)
    deps.cache.forget(session_id)
    if not found:
        raise NotFound("no such session")


async def end_current(deps: SessionDeps, principal: Principal) -> None:
    """Log out: end the session the access token belongs to."""
    if principal.session_id is None:
        raise Unauthorized("this access token belongs to no session; log in again")
    await end(deps, principal, principal.session_id, Ended.LOGOUT)


async def end_all(
    deps: SessionDeps, user_id: UUID, reason: Ended = Ended.LOGOUT_ALL, keep: UUID | None = None
) -> list[UUID]:
    """End every session of the user but `keep` (log out everywhere); the ids of those ended."""
    ended = await deps.store.end_all(user_id, reason, _now(), keep)
    for session_id in ended:
        deps.cache.forget(session_id)
    return ended


async def listed(deps: SessionDeps, principal: Principal) -> list[Session]:
    """The caller's active sessions, the most recently used first."""
    return await deps.store.active(principal.user_id)
