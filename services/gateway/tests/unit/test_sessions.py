"""Session use cases on a fake store: rotation, reuse detection, logout, and the check of
access tokens (the PostgreSQL store runs under them in tests/integration/test_sessions.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import pytest

from jobtrail.gateway.domain.sessions import Ended, Session, token_hash
from jobtrail.gateway.errors import NotFound, Unauthorized
from jobtrail.gateway.handlers import sessions
from jobtrail.gateway.handlers.sessions import ActiveSessions, Change, SessionDeps
from jobtrail.gateway.security import Principal, TokenIssuer

SECRET = "unit-test-signing-key-of-enough-length-0123456789"


class FakeSessionStore:
    def __init__(self) -> None:
        self.rows: dict[UUID, Session] = {}

    async def add(self, session: Session) -> None:
        self.rows[session.session_id] = session

    async def change(self, session_id: UUID, change: Change) -> Session | None:
        after = change(self.rows.get(session_id))
        if after is not None:
            self.rows[session_id] = after
        return after

    async def end_all(
        self, user_id: UUID, reason: Ended, now: datetime, keep: UUID | None = None
    ) -> list[UUID]:
        ended = [
            s
            for s in self.rows.values()
            if s.user_id == user_id and s.active and s.session_id != keep
        ]
        for session in ended:
            self.rows[session.session_id] = replace(
                session, ended_at=now, ended_reason=reason.value
            )
        return [session.session_id for session in ended]

    async def get(self, session_id: UUID) -> Session | None:
        return self.rows.get(session_id)

    async def active(self, user_id: UUID) -> list[Session]:
        mine = [s for s in self.rows.values() if s.user_id == user_id and s.active]
        return sorted(mine, key=lambda session: session.last_used_at, reverse=True)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def deps() -> SessionDeps:
    tokens = TokenIssuer(SECRET, timedelta(minutes=15), timedelta(days=30))
    return SessionDeps(FakeSessionStore(), tokens, ActiveSessions(ttl=5.0, clock=Clock()))


def store(deps: SessionDeps) -> FakeSessionStore:
    assert isinstance(deps.store, FakeSessionStore)
    return deps.store


async def role(_: UUID) -> str:
    return "user"


def access(deps: SessionDeps, token: str) -> Principal:
    return deps.tokens.verify(token, "access")


async def test_a_login_starts_a_session_that_keeps_only_a_hash_of_its_refresh_token(
    deps: SessionDeps,
) -> None:
    user = uuid4()
    pair = await sessions.start(deps, user, "user", "Firefox/140", "10.0.0.1")
    (session,) = store(deps).rows.values()
    refresh = deps.tokens.verify(pair.refresh_token, "refresh")
    assert refresh.token_id is not None
    assert (session.user_id, session.user_agent, session.address) == (
        user,
        "Firefox/140",
        "10.0.0.1",
    )
    assert session.refresh_hash == token_hash(refresh.token_id)
    assert refresh.token_id not in session.refresh_hash
    assert access(deps, pair.access_token).session_id == session.session_id


async def test_a_refresh_rotates_the_token_and_the_spent_one_is_refused(
    deps: SessionDeps,
) -> None:
    first = await sessions.start(deps, uuid4(), "user", "", "")
    second = await sessions.refresh(deps, first.refresh_token, role)
    assert second.refresh_token != first.refresh_token
    third = await sessions.refresh(deps, second.refresh_token, role)
    assert third.refresh_token != second.refresh_token


async def test_reusing_a_spent_refresh_token_ends_the_whole_session(deps: SessionDeps) -> None:
    first = await sessions.start(deps, uuid4(), "user", "", "")
    second = await sessions.refresh(deps, first.refresh_token, role)  # the user's
    with pytest.raises(Unauthorized, match="already used"):
        await sessions.refresh(deps, first.refresh_token, role)  # a copy, replayed
    (session,) = store(deps).rows.values()
    assert session.ended_reason == Ended.REUSE.value
    with pytest.raises(Unauthorized, match="session has ended"):
        await sessions.refresh(deps, second.refresh_token, role)  # the family is gone
    with pytest.raises(Unauthorized, match="session has ended"):
        await sessions.ensure_active(deps, access(deps, second.access_token))


async def test_a_refresh_token_without_a_session_is_refused(deps: SessionDeps) -> None:
    forged = deps.tokens.issue(uuid4(), "user", uuid4(), "never-stored")
    with pytest.raises(Unauthorized, match="session has ended"):
        await sessions.refresh(deps, forged.refresh_token, role)


async def test_logout_ends_the_session_and_its_access_tokens_at_once(deps: SessionDeps) -> None:
    pair = await sessions.start(deps, uuid4(), "user", "", "")
    principal = access(deps, pair.access_token)
    await sessions.ensure_active(deps, principal)
    await sessions.end_current(deps, principal)
    with pytest.raises(Unauthorized, match="session has ended"):
        await sessions.ensure_active(deps, principal)
    with pytest.raises(Unauthorized, match="session has ended"):
        await sessions.refresh(deps, pair.refresh_token, role)


async def test_another_copy_refuses_an_ended_session_once_its_cache_entry_is_stale(
    deps: SessionDeps,
) -> None:
    other_copy = SessionDeps(deps.store, deps.tokens, ActiveSessions(ttl=5.0, clock=Clock()))
    pair = await sessions.start(deps, uuid4(), "user", "", "")
    principal = access(deps, pair.access_token)
    await sessions.ensure_active(other_copy, principal)  # seen active there
    await sessions.end_current(deps, principal)
    await sessions.ensure_active(other_copy, principal)  # still in its cache
    clock = other_copy.cache.clock
    assert isinstance(clock, Clock)
    clock.now += 5.0
    with pytest.raises(Unauthorized, match="session has ended"):
        await sessions.ensure_active(other_copy, principal)


async def test_logout_all_ends_every_session_of_the_user_only(deps: SessionDeps) -> None:
    user, other = uuid4(), uuid4()
    phone = await sessions.start(deps, user, "user", "phone", "")
    laptop = await sessions.start(deps, user, "user", "laptop", "")
    theirs = await sessions.start(deps, other, "user", "", "")
    ended = await sessions.end_all(deps, user)
    assert len(ended) == 2
    for pair in (phone, laptop):
        with pytest.raises(Unauthorized):
            await sessions.ensure_active(deps, access(deps, pair.access_token))
    await sessions.ensure_active(deps, access(deps, theirs.access_token))


async def test_a_user_lists_and_ends_their_own_sessions_but_not_anothers(
    deps: SessionDeps,
) -> None:
    user = uuid4()
    phone = await sessions.start(deps, user, "user", "phone", "")
    laptop = await sessions.start(deps, user, "user", "laptop", "")
    other = await sessions.start(deps, uuid4(), "user", "", "")
    me = access(deps, laptop.access_token)
    listed = await sessions.listed(deps, me)
    assert {session.user_agent for session in listed} == {"phone", "laptop"}
    phone_id = access(deps, phone.access_token).session_id
    assert phone_id is not None
    await sessions.end(deps, me, phone_id, Ended.ENDED_BY_USER)
    assert [session.user_agent for session in await sessions.listed(deps, me)] == ["laptop"]
    other_id = access(deps, other.access_token).session_id
    assert other_id is not None
    with pytest.raises(NotFound):
        await sessions.end(deps, me, other_id, Ended.ENDED_BY_USER)
    await sessions.ensure_active(deps, access(deps, other.access_token))
    with pytest.raises(NotFound):
        await sessions.end(deps, me, uuid4(), Ended.ENDED_BY_USER)


async def test_an_access_token_from_before_sessions_lives_out_its_short_lifetime(
    deps: SessionDeps,
) -> None:
    await sessions.ensure_active(deps, Principal(uuid4(), "user"))  # no session id: let by
