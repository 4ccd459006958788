"""Login with an identity provider, against a real OpenID provider on loopback
(tests/support/oidc_provider.py): the whole code flow with PKCE, account linking by
verified email, and each check refusing what it must."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import httpx
import pytest

from jobtrail.events.users import UserIdentityLinked
from jobtrail.gateway.domain.users import User, user_id_for
from tests.support.api import assert_problem
from tests.support.gateways import clients
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider
from tests.support.system import PASSWORD, System


@pytest.fixture
async def idp() -> AsyncIterator[OidcProvider]:
    async with OidcProvider() as provider:
        yield provider


@pytest.fixture
async def api(system: System, idp: OidcProvider) -> AsyncIterator[httpx.AsyncClient]:
    configured = {"issuer": idp.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    settings: dict[str, Any] = {
        "oidc_providers": {"test": configured},
        "public_url": "http://gateway",
        "rate_limit_per_user": 0,
        "rate_limit_per_address": 0,
    }
    async with clients(system.stack, "10.2.0.1", **settings) as [client]:
        yield client


def person(idp: OidcProvider, verified: bool = True) -> tuple[str, str]:
    sub, email = f"sub-{uuid4().hex[:8]}", f"oidc-{uuid4().hex[:10]}@example.com"
    idp.add_user(sub, email, email_verified=verified, name="Oidc Person")
    return sub, email


async def through_provider(api: httpx.AsyncClient, idp: OidcProvider, sub: str) -> str:
    """Start a login at the gateway, log in at the provider; the callback URL it sends."""
    started = await api.get("/auth/oidc/test/login")
    assert started.status_code == 302, started.text
    idp.login_as(sub)
    async with httpx.AsyncClient() as browser:
        back = await browser.get(started.headers["location"])
    assert back.status_code == 302, back.text
    return str(back.headers["location"])


async def callback(api: httpx.AsyncClient, url: str) -> httpx.Response:
    parts = urlsplit(url)
    return await api.get(f"{parts.path}?{parts.query}")


async def test_a_new_person_logs_in_with_pkce_and_gets_an_account(
    api: httpx.AsyncClient, idp: OidcProvider
) -> None:
    sub, email = person(idp)
    url = await through_provider(api, idp, sub)
    sent = idp.last_authorize
    assert (sent["code_challenge_method"], bool(sent["state"]), bool(sent["nonce"])) == (
        "S256",
        True,
        True,
    )
    assert sent["redirect_uri"] == "http://gateway/auth/oidc/test/callback"
    tokens = await callback(api, url)
    assert tokens.status_code == 200, tokens.text
    me = await api.get(
        "/users/me", headers={"authorization": f"Bearer {tokens.json()['access_token']}"}
    )
    assert (me.json()["email"], me.json()["display_name"]) == (email, "Oidc Person")
    token_request = next(r for r in idp.requests if r.path == "/token")
    assert token_request.form["code_verifier"]
    assert (await api.get("/auth/oidc/providers")).json() == ["test"]


async def test_an_account_with_a_password_is_linked_by_its_verified_email(
    system: System, api: httpx.AsyncClient, idp: OidcProvider
) -> None:
    ada = await system.user()
    sub = f"sub-{uuid4().hex[:8]}"
    idp.add_user(sub, ada.email, email_verified=True, name="Ada")
    tokens = await callback(api, await through_provider(api, idp, sub))
    assert tokens.status_code == 200, tokens.text
    loaded = await system.deps.repository.load(User, user_id_for(ada.email))
    linked = [e.event for e in loaded.history.events if isinstance(e.event, UserIdentityLinked)]
    assert [(e.provider, e.subject) for e in linked] == [("test", sub)]
    again = await system.api.post("/auth/login", json={"email": ada.email, "password": PASSWORD})
    assert again.status_code == 200  # the password still works


async def test_a_state_is_good_for_one_callback(api: httpx.AsyncClient, idp: OidcProvider) -> None:
    sub, _ = person(idp)
    url = await through_provider(api, idp, sub)
    assert (await callback(api, url)).status_code == 200
    replayed = await callback(api, url)
    assert "state" in assert_problem(replayed, 401, "unauthorized")["detail"]
    forged = url.replace("state=", "state=x")
    assert_problem(await callback(api, forged), 401, "unauthorized")


async def test_an_id_token_for_another_login_is_refused(
    api: httpx.AsyncClient, idp: OidcProvider
) -> None:
    sub, _ = person(idp)
    url = await through_provider(api, idp, sub)
    idp.tamper_nonce_once()
    refused = await callback(api, url)
    assert "nonce" in assert_problem(refused, 401, "unauthorized")["detail"]


@pytest.mark.parametrize("claims", [{"aud": "someone-else"}, {"iss": "http://evil.example"}])
async def test_an_id_token_for_another_client_or_from_another_issuer_is_refused(
    api: httpx.AsyncClient, idp: OidcProvider, claims: dict[str, str]
) -> None:
    sub, _ = person(idp)
    url = await through_provider(api, idp, sub)
    idp.tamper_next_id_token(**claims)
    assert_problem(await callback(api, url), 401, "unauthorized")


async def test_an_email_the_provider_has_not_verified_is_not_linked(
    api: httpx.AsyncClient, idp: OidcProvider
) -> None:
    sub, email = person(idp, verified=False)
    refused = await callback(api, await through_provider(api, idp, sub))
    assert "not verified" in assert_problem(refused, 401, "unauthorized")["detail"]
    # No account was made for it: a password login finds none.
    attempt = await api.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert_problem(attempt, 401, "unauthorized")


async def test_a_provider_that_says_no_and_an_unknown_provider_are_explained(
    api: httpx.AsyncClient,
) -> None:
    said_no = await api.get("/auth/oidc/test/callback", params={"error": "access_denied"})
    assert "did not log you in" in assert_problem(said_no, 401, "unauthorized")["detail"]
    unknown = await api.get("/auth/oidc/nowhere/login")
    assert "known: test" in assert_problem(unknown, 404, "not_found")["detail"]
