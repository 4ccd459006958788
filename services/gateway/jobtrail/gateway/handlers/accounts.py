"""Registering, logging in, refreshing tokens, and changing one's account and profile."""

from __future__ import annotations

from functools import cache
from uuid import UUID

from jobtrail.events.users import Profile, ProfileUpdated, UserUpdated
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.users import User, normalise_email, user_id_for
from jobtrail.gateway.errors import NotFound, Unauthorized
from jobtrail.gateway.handlers import login_throttle, sessions
from jobtrail.gateway.security import Principal, TokenPair, hash_password, verify_password


async def load_user(deps: Deps, user_id: UUID) -> User:
    return await deps.load(User, user_id)


async def register(
    deps: Deps, email: str, password: str, display_name: str, correlation_id: str
) -> User:
    user_id = user_id_for(email)
    role = "admin" if normalise_email(email) in _admins(deps) else "user"
    password_hash = hash_password(password)
    # A concurrent registration of the same email makes the second decision refuse it.
    executed = await deps.execute(
        User,
        user_id,
        lambda user: user.register(email, display_name, password_hash, role),
        Principal(user_id=user_id, role="user"),
        correlation_id,
    )
    return User.fold(user_id, executed)


async def login(
    deps: Deps, email: str, password: str, address: str, user_agent: str = ""
) -> TokenPair:
    """A new session's tokens for a correct password; throttled per account and address."""
    await login_throttle.check(deps.engine, deps.settings, email, address)
    # Read from the log, not the read model: a user can log in the moment they registered.
    user = await load_user(deps, user_id_for(email))
    # An unknown email costs the same argon2 work as a wrong password: the answer's timing
    # must not tell which emails have accounts.
    stored = user.password_hash if user.registered else _decoy_hash()
    if not verify_password(stored, password) or not user.registered:
        await login_throttle.failed(deps.engine, deps.settings, email, address)
        raise Unauthorized("wrong email or password")
    await login_throttle.succeeded(deps.engine, email)
    return await sessions.start(deps.sessions, user.user_id, user.role, user_agent, address)


async def refresh(deps: Deps, refresh_token: str) -> TokenPair:
    """The next tokens of the refresh token's session (which it rotates)."""

    async def role_of(user_id: UUID) -> str:
        user = await load_user(deps, user_id)
        if not user.registered:
            raise Unauthorized("this account no longer exists")
        return user.role

    return await sessions.refresh(deps.sessions, refresh_token, role_of)


async def update_user(
    deps: Deps, principal: Principal, display_name: str, correlation_id: str
) -> None:
    def decide(user: User) -> list[UserUpdated]:
        _ensure_exists(user)
        return user.update(display_name)

    await deps.execute(User, principal.user_id, decide, principal, correlation_id)


async def update_profile(
    deps: Deps, principal: Principal, profile: Profile, correlation_id: str
) -> None:
    def decide(user: User) -> list[ProfileUpdated]:
        _ensure_exists(user)
        return user.update_profile(profile)

    await deps.execute(User, principal.user_id, decide, principal, correlation_id)


def _ensure_exists(user: User) -> None:
    if not user.registered:
        raise NotFound("this account does not exist")


@cache
def _decoy_hash() -> str:
    return hash_password("a password no account has")


def _admins(deps: Deps) -> set[str]:
    return {normalise_email(e) for e in deps.settings.admin_emails}
