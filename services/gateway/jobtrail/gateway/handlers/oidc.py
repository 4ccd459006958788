"""Login with an identity provider: OpenID Connect authorization code flow with PKCE.

1. `begin` makes a `state`, a `nonce` and a PKCE verifier, keeps them server-side (every
   gateway copy sees them, no cookie needed) and gives the provider's authorization URL.
2. The provider sends the browser back with `code` and `state`. `finish` takes the state
   (once, within ten minutes), exchanges the code with the verifier, and checks the ID
   token: signature (the provider's JWKS), issuer, audience, expiry and nonce.
3. The account is the one of the verified email (a provider that has not verified the
   email is refused): found, or registered now without a password. The identity is linked
   to it (`UserIdentityLinked`) and a session starts as after a password login.

The protocol work (authorization URL, PKCE, token request, client authentication) is
authlib's; this module keeps the state and makes the decisions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from jobtrail.gateway.errors import InvalidInput, NotFound, Unauthorized

# How long the provider may take to send the user back.
LOGIN_MINUTES = 10


@dataclass(frozen=True)
class Provider:
    """An OpenID provider as configured: Google, Microsoft, LinkedIn or any issuer."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"


@dataclass(frozen=True)
class PendingLogin:
    state: str
    provider: str
    nonce: str
    code_verifier: str
    created_at: datetime


@dataclass(frozen=True)
class Identity:
    """Who the provider says logged in, from a checked ID token."""

    provider: str
    subject: str
    email: str
    email_verified: bool
    name: str


class PendingLogins(Protocol):
    async def add(self, login: PendingLogin) -> None: ...

    async def take(self, state: str, not_before: datetime) -> PendingLogin | None:
        """The login of `state` if it began after `not_before`; it cannot be taken again."""
        ...


class IdentityProviders(Protocol):
    async def authorization_url(
        self, provider: Provider, redirect_uri: str, state: str, nonce: str, verifier: str
    ) -> str: ...

    async def identity(
        self, provider: Provider, redirect_uri: str, code: str, verifier: str, nonce: str
    ) -> Identity:
        """Exchange the code and check the ID token; Unauthorized if anything is off."""
        ...


@dataclass(frozen=True)
class OidcDeps:
    providers: dict[str, Provider]
    pending: PendingLogins
    client: IdentityProviders
    callback_url: str  # with "{provider}" where the provider's name goes


def provider_of(deps: OidcDeps, name: str) -> Provider:
    if name not in deps.providers:
        known = ", ".join(sorted(deps.providers)) or "none is configured"
        raise NotFound(f"no identity provider {name!r} (known: {known})")
    return deps.providers[name]


async def begin(deps: OidcDeps, name: str) -> str:
    """The URL to send the user to, to log in at the provider."""
    provider = provider_of(deps, name)
    login = PendingLogin(
        state=secrets.token_urlsafe(32),
        provider=name,
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        created_at=datetime.now(UTC),
    )
    await deps.pending.add(login)
    return await deps.client.authorization_url(
        provider,
        deps.callback_url.format(provider=name),
        login.state,
        login.nonce,
        login.code_verifier,
    )


async def finish(deps: OidcDeps, name: str, params: dict[str, Any]) -> Identity:
    """The verified identity of the user the provider sent back with `params`."""
    provider = provider_of(deps, name)
    if params.get("error"):
        said = params.get("error_description") or params["error"]
        raise Unauthorized(f"the identity provider did not log you in ({said}); try again")
    code, state = params.get("code"), params.get("state")
    if not code or not state:
        raise InvalidInput("the identity provider's answer lacks its code or state; log in again")
    not_before = datetime.now(UTC) - timedelta(minutes=LOGIN_MINUTES)
    login = await deps.pending.take(str(state), not_before)
    if login is None or login.provider != name:
        raise Unauthorized(
            "this login is unknown, was used already or took too long (state); log in again"
        )
    identity = await deps.client.identity(
        provider,
        deps.callback_url.format(provider=name),
        str(code),
        login.code_verifier,
        login.nonce,
    )
    if not identity.email or not identity.email_verified:
        raise Unauthorized(
            f"{name} has not verified the email of this account, so it cannot be linked; "
            "verify it there, or register with a password"
        )
    return identity
