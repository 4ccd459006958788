"""The loopback OpenID Provider over real HTTP: the gateway's login tests trust it to behave like
a real provider (and to refuse what one refuses), so these tests walk the code flow by hand,
computing PKCE, at_hash and signature checks independently of the provider's own code."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from tests.support.oidc_provider import OidcProvider

REDIRECT_URI = "http://gateway.test/auth/oidc/callback"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636 §4.1, §4.2)."""
    verifier = secrets.token_urlsafe(48)
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with OidcProvider() as started:
        started.add_user("ada-1", "ada@example.com", name="Ada Lovelace")
        yield started


@pytest.fixture
async def client(provider: OidcProvider) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=provider.issuer, timeout=30) as http:
        yield http


async def authorize(
    http: httpx.AsyncClient, provider: OidcProvider, **params: str
) -> dict[str, str]:
    """An authorize request as a browser would follow it; the parameters of the redirect back.
    `params` override the defaults (a value of "" drops the parameter)."""
    query = {
        "client_id": provider.client_id, "redirect_uri": REDIRECT_URI, "response_type": "code",
        "scope": "openid email profile", "state": "state-1", "nonce": "nonce-1",
        "code_challenge_method": "S256",
    } | params  # fmt: skip
    response = await http.get("/authorize", params={k: v for k, v in query.items() if v})
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return {name: values[0] for name, values in parse_qs(location.query).items()}


async def code_for(http: httpx.AsyncClient, provider: OidcProvider) -> tuple[str, str]:
    """A fresh code for Ada and the verifier that redeems it."""
    verifier, challenge = pkce()
    provider.login_as("ada-1")
    back = await authorize(http, provider, code_challenge=challenge)
    return back["code"], verifier


async def redeem(
    http: httpx.AsyncClient, provider: OidcProvider, code: str, verifier: str, secret: str = ""
) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier}  # fmt: skip
    auth = (provider.client_id, secret or provider.client_secret)
    return await http.post("/token", data=form, auth=auth)


def verified(provider: OidcProvider, id_token: str) -> dict[str, Any]:
    """The claims of an ID token whose signature, issuer, audience and expiry all check out."""
    key = jwt.PyJWKClient(provider.issuer + "/jwks").get_signing_key_from_jwt(id_token)
    claims: dict[str, Any] = jwt.decode(
        id_token, key, algorithms=["RS256"], audience=provider.client_id, issuer=provider.issuer
    )
    return claims


async def test_discovery_advertises_the_code_flow_with_pkce(
    provider: OidcProvider, client: httpx.AsyncClient
) -> None:
    document = (await client.get("/.well-known/openid-configuration")).json()
    base = provider.issuer
    assert base.startswith("http://127.0.0.1:")
    assert document["issuer"] == base
    assert document["authorization_endpoint"] == f"{base}/authorize"
    assert document["token_endpoint"] == f"{base}/token"
    assert document["userinfo_endpoint"] == f"{base}/userinfo"
    assert document["jwks_uri"] == f"{base}/jwks"
    assert document["response_types_supported"] == ["code"]
    assert document["subject_types_supported"] == ["public"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"openid", "email", "profile"} <= set(document["scopes_supported"])
    assert document["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic", "client_secret_post",
    ]  # fmt: skip
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["grant_types_supported"] == ["authorization_code"]
    (key,) = (await client.get("/jwks")).json()["keys"]
    assert (key["kty"], key["kid"], key["alg"], key["use"]) == ("RSA", provider.kid, "RS256", "sig")


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_the_code_flow_gives_a_signed_id_token_for_the_chosen_user(
    provider: OidcProvider, client: httpx.AsyncClient, method: str
) -> None:
    verifier, challenge = pkce()
    provider.login_as("ada-1")
    back = await authorize(client, provider, code_challenge=challenge, nonce="n-0S6_WzA2Mj")
    assert back["state"] == "state-1"
    assert back["iss"] == provider.issuer
    assert provider.last_authorize["code_challenge"] == challenge
    assert provider.last_authorize["code_challenge_method"] == "S256"

    form = {"grant_type": "authorization_code", "code": back["code"],
            "redirect_uri": REDIRECT_URI, "code_verifier": verifier}  # fmt: skip
    if method == "client_secret_basic":
        response = await client.post(
            "/token", data=form, auth=("jobtrail-gateway", "gateway-secret")
        )
    else:
        form |= {"client_id": "jobtrail-gateway", "client_secret": "gateway-secret"}
        response = await client.post("/token", data=form)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] > 0
    assert tokens["scope"] == "openid email profile"
    assert provider.requests[-1].form["code_verifier"] == verifier

    claims = verified(provider, tokens["id_token"])
    assert claims["sub"] == "ada-1"
    assert claims["nonce"] == "n-0S6_WzA2Mj"
    assert (claims["email"], claims["email_verified"]) == ("ada@example.com", True)
    assert claims["name"] == "Ada Lovelace"
    assert claims["iat"] <= claims["exp"]
    half = hashlib.sha256(tokens["access_token"].encode()).digest()[:16]
    assert claims["at_hash"] == b64url(half)

    bearer = {"authorization": f"Bearer {tokens['access_token']}"}
    userinfo = await client.get("/userinfo", headers=bearer)
    assert userinfo.json() == {
        "sub": "ada-1", "email": "ada@example.com", "email_verified": True, "name": "Ada Lovelace"
    }  # fmt: skip


async def test_a_code_is_single_use_and_its_replay_revokes_the_token(
    provider: OidcProvider, client: httpx.AsyncClient
) -> None:
    code, verifier = await code_for(client, provider)
    first = await redeem(client, provider, code, verifier)
    assert first.status_code == 200, first.text
    replay = await redeem(client, provider, code, verifier)
    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")
    bearer = {"authorization": f"Bearer {first.json()['access_token']}"}
    revoked = await client.get("/userinfo", headers=bearer)
    assert revoked.status_code == 401
    assert revoked.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_a_wrong_code_verifier_is_refused(
    provider: OidcProvider, client: httpx.AsyncClient
) -> None:
    code, _ = await code_for(client, provider)
    other_verifier, _ = pkce()
    refused = await redeem(client, provider, code, other_verifier)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    "pkce_params",
    [
        {"code_challenge_method": ""},  # no challenge at all
        {"code_challenge": pkce()[1], "code_challenge_method": ""},  # RFC 7636: means plain
        {"code_challenge": pkce()[0][:43], "code_challenge_method": "plain"},
    ],
    ids=["missing", "method-missing", "plain"],
)
async def test_an_authorize_request_without_s256_pkce_is_refused(
    provider: OidcProvider, client: httpx.AsyncClient, pkce_params: dict[str, str]
) -> None:
    provider.login_as("ada-1")
    back = await authorize(client, provider, **pkce_params)
    assert (back["error"], back["state"]) == ("invalid_request", "state-1")
    assert "code" not in back


async def test_without_a_signed_in_user_access_is_denied(
    provider: OidcProvider, client: httpx.AsyncClient
) -> None:
    back = await authorize(client, provider, code_challenge=pkce()[1])
    assert (back["error"], back["state"]) == ("access_denied", "state-1")


async def test_a_wrong_client_secret_is_refused(
    provider: OidcProvider, client: httpx.AsyncClient
) -> None:
    code, verifier = await code_for(client, provider)
    refused = await redeem(client, provider, code, verifier, secret="not-the-secret")
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    assert refused.headers["www-authenticate"].startswith("Basic")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier, "client_id": provider.client_id,
            "client_secret": "not-the-secret"}  # fmt: skip
    posted = await client.post("/token", data=form)
    assert (posted.status_code, posted.json()["error"]) == (401, "invalid_client")


async def test_the_nonce_knob_spoils_the_next_id_token_only(
    provider: OidcProvider, client: httpx.AsyncClient
) -> None:
    provider.tamper_nonce_once()
    tampered = await redeem(client, provider, *await code_for(client, provider))
    claims = verified(provider, tampered.json()["id_token"])  # still validly signed
    assert claims["nonce"] != "nonce-1"
    honest = await redeem(client, provider, *await code_for(client, provider))
    assert verified(provider, honest.json()["id_token"])["nonce"] == "nonce-1"


@pytest.mark.parametrize(
    ("tamper", "refusal"),
    [
        ({"aud": "someone-else"}, jwt.InvalidAudienceError),
        ({"iss": "http://127.0.0.1:1"}, jwt.InvalidIssuerError),
        ({"exp": 1_000_000_000}, jwt.ExpiredSignatureError),
        ({"foreign_key": True}, jwt.InvalidSignatureError),
    ],
    ids=["audience", "issuer", "expired", "foreign-key"],
)
async def test_the_tamper_knobs_produce_id_tokens_a_client_must_refuse(
    provider: OidcProvider,
    client: httpx.AsyncClient,
    tamper: dict[str, Any],
    refusal: type[Exception],
) -> None:
    provider.tamper_next_id_token(**tamper)
    tokens = (await redeem(client, provider, *await code_for(client, provider))).json()
    with pytest.raises(refusal):
        verified(provider, tokens["id_token"])


async def test_async_with_serves_until_exit_and_codes_expire() -> None:
    async with (
        OidcProvider(code_lifetime=0) as provider,
        httpx.AsyncClient(base_url=provider.issuer, timeout=30) as http,
    ):
        provider.add_user("bob-2", "bob@example.com")
        provider.login_as("bob-2")
        verifier, challenge = pkce()
        code = (await authorize(http, provider, code_challenge=challenge))["code"]
        expired = await redeem(http, provider, code, verifier)
        assert (expired.status_code, expired.json()["error"]) == (400, "invalid_grant")
    async with httpx.AsyncClient(timeout=30) as after:
        with pytest.raises(httpx.ConnectError):
            await after.get(provider.discovery_url)
