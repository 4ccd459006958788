"""OpenID Connect providers through authlib, and pending logins in PostgreSQL.

`AuthlibProviders` reads each issuer's discovery document and JWKS (cached), builds the
authorization URL with PKCE (S256) and exchanges the code with authlib's async OAuth 2
client, and checks the ID token with PyJWT: RS256/ES256 signature by a key of the JWKS,
issuer, audience, expiry (a minute of leeway) and the nonce of this login.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
import sqlalchemy as sa
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.gateway.errors import Unauthorized
from jobtrail.gateway.handlers.oidc import Identity, PendingLogin, Provider
from jobtrail.gateway.readmodels.tables import metadata

oidc_logins = sa.Table(
    "oidc_logins",
    metadata,
    sa.Column("state", sa.Text, primary_key=True),
    sa.Column("provider", sa.Text, nullable=False),
    sa.Column("nonce", sa.Text, nullable=False),
    sa.Column("code_verifier", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

_ALGORITHMS = ["RS256", "ES256", "PS256"]
# Pending logins older than this are cleared when a new one begins.
_STALE = timedelta(hours=1)


class PostgresPendingLogins:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, login: PendingLogin) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                oidc_logins.delete().where(oidc_logins.c.created_at < login.created_at - _STALE)
            )
            await connection.execute(oidc_logins.insert().values(login.__dict__))

    async def take(self, state: str, not_before: datetime) -> PendingLogin | None:
        async with self._engine.begin() as connection:
            row = (
                await connection.execute(
                    oidc_logins.delete()
                    .where(oidc_logins.c.state == state, oidc_logins.c.created_at >= not_before)
                    .returning(*oidc_logins.columns)
                )
            ).first()
        return PendingLogin(**row._mapping) if row is not None else None


class AuthlibProviders:
    def __init__(self, timeout: float = 10.0) -> None:
        self._timeout = timeout
        self._metadata: dict[str, dict[str, Any]] = {}

    async def authorization_url(
        self, provider: Provider, redirect_uri: str, state: str, nonce: str, verifier: str
    ) -> str:
        found = await self._discovered(provider)
        async with self._client(provider, redirect_uri) as client:
            url, _ = client.create_authorization_url(
                found["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
            )
        return str(url)

    async def identity(
        self, provider: Provider, redirect_uri: str, code: str, verifier: str, nonce: str
    ) -> Identity:
        found = await self._discovered(provider)
        try:
            async with self._client(provider, redirect_uri) as client:
                token = await client.fetch_token(
                    found["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=verifier,
                )
        except (OAuthError, httpx.HTTPError) as error:
            raise Unauthorized(
                f"{provider.name} refused the login ({error}); log in again"
            ) from None
        id_token = token.get("id_token")
        if not id_token:
            raise Unauthorized(f"{provider.name} sent no ID token; log in again")
        claims = await self._checked(provider, found, str(id_token))
        if claims.get("nonce") != nonce:
            raise Unauthorized("the ID token is not for this login (nonce); log in again")
        return Identity(
            provider=provider.name,
            subject=str(claims["sub"]),
            email=str(claims.get("email") or ""),
            email_verified=claims.get("email_verified") in (True, "true"),
            name=str(claims.get("name") or ""),
        )

    def _client(self, provider: Provider, redirect_uri: str) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            provider.client_id,
            provider.client_secret,
            scope=provider.scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=self._timeout,
        )

    async def _discovered(self, provider: Provider) -> dict[str, Any]:
        if provider.issuer not in self._metadata:
            url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
            document = await self._get_json(url)
            if document.get("issuer") != provider.issuer:
                raise Unauthorized(f"{provider.name}'s discovery names another issuer")
            self._metadata[provider.issuer] = document
        return self._metadata[provider.issuer]

    async def _checked(
        self, provider: Provider, found: dict[str, Any], id_token: str
    ) -> dict[str, Any]:
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            keys = jwt.PyJWKSet.from_dict(await self._get_json(found["jwks_uri"]))
            key = next((k for k in keys.keys if kid is None or k.key_id == kid), None)
            if key is None:
                raise Unauthorized(f"{provider.name} signed the ID token with an unknown key")
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key.key,
                algorithms=_ALGORITHMS,
                audience=provider.client_id,
                issuer=provider.issuer,
                leeway=60,
                options={"require": ["iss", "aud", "exp", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(f"the ID token from {provider.name} is not valid: {error}") from None
        return claims

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(url)
                response.raise_for_status()
                found = response.json()
        except (httpx.HTTPError, json.JSONDecodeError) as error:
            raise Unauthorized(f"the identity provider cannot be reached ({error})") from None
        if not isinstance(found, dict):
            raise Unauthorized("the identity provider answered something that is no JSON object")
        return found
