"""Registering, logging in, refreshing tokens, passwords, and one's account and profile."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from uuid import UUID

import structlog

from jobtrail.events.users import Profile, ProfileUpdated, UserUpdated
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.sessions import Ended
from jobtrail.gateway.domain.users import User, normalise_email, user_id_for
from jobtrail.gateway.errors import EmailTaken, Forbidden, InvalidInput, NotFound, Unauthorized
from jobtrail.gateway.handlers import login_throttle, passwords, sessions, verification
from jobtrail.gateway.handlers.oidc import Identity
from jobtrail.gateway.handlers.passwords import ResetRefused
from jobtrail.gateway.security import Principal, TokenPair, hash_password

log = structlog.get_logger("jobtrail.gateway.accounts")

DISABLED = "this account is disabled; ask the service's support to enable it"
UNVERIFIED = (
    "confirm your email first: open the link we mailed you, or ask for a new one with "
    "POST /auth/verify-email/resend"
)


async def load_user(deps: Deps, user_id: UUID) -> User:
    return await deps.load(User, user_id)


async def register(
    deps: Deps, email: str, password: str, display_name: str, correlation_id: str
) -> tuple[UUID, bool]:
    """(the account's id, whether it is new). A taken email decides nothing and stores no
    password; the caller answers alike and lets the mail tell the difference."""
    user_id = user_id_for(email)
    role = "admin" if normalise_email(email) in _admins(deps) else "user"
    password_hash = hash_password(password)  # the same work whether or not it is taken
    # An account erased before may register again, with a new data key (the old stays gone).
    await deps.erasure.keys.revive(user_id)
    # A concurrent registration of the same email makes the second decision refuse it; only
    # the registration that won stores its password (a crash between the two leaves an
    # account without one, which a password reset mends).
    try:
        await deps.execute(
            User,
            user_id,
            lambda user: user.register(email, display_name, role),
            Principal(user_id=user_id, role="user"),
            correlation_id,
        )
    except EmailTaken:
        return user_id, False
    await deps.passwords.credentials.set_password(user_id, password_hash, datetime.now(UTC))
    return user_id, True


async def mail_after_registering(deps: Deps, user_id: UUID, email: str, new: bool) -> None:
    """The registration's mail, sent after the answer: a verification link for a new
    account, a notice to the owner of a taken address."""
    try:
        if new:
            await verification.send_link(deps.verification, user_id, normalise_email(email))
        else:
            await verification.send_taken_notice(deps.verification, normalise_email(email))
    except Exception:  # the caller was answered already: log it, for an operator to see
        log.exception("registration.mail_failed")


async def verify_email(deps: Deps, token: str, correlation_id: str) -> None:
    user_id, email = verification.read(deps.verification, token)
    await deps.execute(
        User, user_id, lambda user: user.verify_email(email), Principal(user_id=user_id,
        role="user"), correlation_id,
    )  # fmt: skip


async def resend_verification(deps: Deps, email: str) -> None:
    """Mail a new link if the address has an unverified account; run after the answer."""
    try:
        user = await load_user(deps, user_id_for(email))
        if user.registered and not user.email_verified:
            await verification.send_link(deps.verification, user.user_id, user.email)
    except Exception:
        log.exception("verification.mail_failed")


async def login(
    deps: Deps, email: str, password: str, address: str, user_agent: str = ""
) -> TokenPair:
    """A new session's tokens for a correct password; throttled per account and address."""
    await login_throttle.check(deps.engine, deps.settings, email, address)
    # Read from the log, not the read model: a user can log in the moment they registered.
    user = await load_user(deps, user_id_for(email))
    known = user.user_id if user.registered else None
    if not await passwords.matches(deps.passwords, known, user.legacy_password_hash, password):
        await login_throttle.failed(deps.engine, deps.settings, email, address)
        raise Unauthorized("wrong email or password")
    await login_throttle.succeeded(deps.engine, email)
    if user.disabled:
        raise Forbidden(DISABLED)
    if deps.verification.policy == "required" and not user.email_verified:
        raise Forbidden(UNVERIFIED)
    return await sessions.start(deps.sessions, user.user_id, user.role, user_agent, address)


async def refresh(deps: Deps, refresh_token: str) -> TokenPair:
    """The next tokens of the refresh token's session (which it rotates)."""

    async def role_of(user_id: UUID) -> str:
        user = await load_user(deps, user_id)
        if not user.registered:
            raise Unauthorized("this account no longer exists")
        if user.disabled:
            raise Forbidden(DISABLED)
        return user.role

    return await sessions.refresh(deps.sessions, refresh_token, role_of)


async def change_password(
    deps: Deps, principal: Principal, current: str, new: str, address: str, correlation_id: str
) -> None:
    """A new password for one who knows the current one; every other session ends."""
    user = await load_user(deps, principal.user_id)
    _ensure_exists(user)
    await login_throttle.check(deps.engine, deps.settings, user.email, address)
    if not await passwords.matches(
        deps.passwords, user.user_id, user.legacy_password_hash, current
    ):
        await login_throttle.failed(deps.engine, deps.settings, user.email, address)
        raise Forbidden("the current password is not right; to set one without it, reset it")
    await passwords.set_password(deps.passwords, user.user_id, new)
    await sessions.end_all(
        deps.sessions, user.user_id, Ended.PASSWORD_CHANGED, keep=principal.session_id
    )
    await deps.execute(
        User, user.user_id, lambda u: u.change_password("changed"), principal, correlation_id
    )


async def send_reset_link(deps: Deps, email: str) -> None:
    """Mail a reset link if the email has an account; run after the answer has gone out."""
    try:
        user = await load_user(deps, user_id_for(email))
        if user.registered:
            await passwords.send_reset(deps.passwords, user.user_id, user.email)
    except Exception:  # the caller was answered already: log it, for an operator to see
        log.exception("password_reset.mail_failed")


_REFUSED = {
    ResetRefused.UNKNOWN: "this reset link is not valid; ask for a new one",
    ResetRefused.USED: "this reset link was used already; ask for a new one",
    ResetRefused.EXPIRED: "this reset link has expired; ask for a new one",
}


async def reset_password(deps: Deps, token: str, new: str, correlation_id: str) -> None:
    """A new password through a reset link, which works once; every session ends."""
    taken = await passwords.take_reset(deps.passwords, token)
    if isinstance(taken, ResetRefused):
        raise InvalidInput(_REFUSED[taken])
    user = await load_user(deps, taken)
    _ensure_exists(user)
    await passwords.set_password(deps.passwords, user.user_id, new)
    await sessions.end_all(deps.sessions, user.user_id, Ended.PASSWORD_CHANGED)
    await login_throttle.succeeded(deps.engine, user.email)
    principal = Principal(user_id=user.user_id, role=user.role)
    await deps.execute(
        User, user.user_id, lambda u: u.change_password("reset"), principal, correlation_id
    )


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


def _admins(deps: Deps) -> set[str]:
    return {normalise_email(e) for e in deps.settings.admin_emails}


# Administration -------------------------------------------------------------------------


async def disable(
    deps: Deps, admin: Principal, user_id: UUID, reason: str, correlation_id: str
) -> None:
    """Disable an account: it cannot log in, and every session it has ends now."""
    await deps.execute(
        User, user_id, lambda u: u.disable(reason, admin.user_id), admin, correlation_id,
        owner=user_id,
    )  # fmt: skip
    await sessions.end_all(deps.sessions, user_id, Ended.DISABLED)


async def enable(deps: Deps, admin: Principal, user_id: UUID, correlation_id: str) -> None:
    await deps.execute(
        User, user_id, lambda u: u.enable(admin.user_id), admin, correlation_id, owner=user_id
    )


async def change_role(
    deps: Deps, admin: Principal, user_id: UUID, role: str, correlation_id: str
) -> None:
    """A new role; the account's sessions end, so it applies at its next login (tokens
    carry the role they were issued with)."""
    changed = await deps.execute(
        User, user_id, lambda u: u.change_role(role, admin.user_id), admin, correlation_id,
        owner=user_id,
    )  # fmt: skip
    if changed:
        await sessions.end_all(deps.sessions, user_id, Ended.ROLE_CHANGED)


async def login_with_identity(
    deps: Deps, identity: Identity, address: str, user_agent: str, correlation_id: str
) -> TokenPair:
    """A session for the account of a provider-verified email, registered now if it has
    none (without a password), and the identity linked to it."""
    user_id = user_id_for(identity.email)
    principal = Principal(user_id=user_id, role="user")
    user = await load_user(deps, user_id)
    if not user.registered:
        role = "admin" if normalise_email(identity.email) in _admins(deps) else "user"
        name = identity.name or identity.email.split("@")[0]
        await deps.erasure.keys.revive(user_id)
        # A registration a moment ago by another request is as good: link to it below.
        with suppress(EmailTaken):
            await deps.execute(
                User, user_id, lambda u: u.register(identity.email, name, role, verified=True),
                principal, correlation_id,
            )  # fmt: skip
        user = await load_user(deps, user_id)
    if user.disabled:
        raise Forbidden(DISABLED)
    await deps.execute(
        User, user_id, lambda u: u.link_identity(identity.provider, identity.subject),
        principal, correlation_id,
    )  # fmt: skip
    return await sessions.start(deps.sessions, user.user_id, user.role, user_agent, address)
