"""Rate limits on gateways of their own (real PostgreSQL, NATS and S3): headers, 429s, per
account and per address, and one budget shared by two gateway copies."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from uuid import uuid4

import httpx

from jobtrail.gateway.handlers.rate_limits import Bucket, Policy
from tests.support.api import assert_problem
from tests.support.gateways import client, clients, gateway
from tests.support.system import PASSWORD, System


async def logged_in(api: httpx.AsyncClient) -> dict[str, str]:
    email = f"limit-{uuid4().hex[:10]}@example.com"
    body = {"email": email, "password": PASSWORD, "display_name": "L"}
    assert (await api.post("/auth/register", json=body)).status_code == 201
    tokens = (await api.post("/auth/login", json=body)).json()
    return {"authorization": f"Bearer {tokens['access_token']}"}


async def test_answers_carry_the_policies_and_what_is_left(system: System) -> None:
    limits = {"rate_limit_per_user": 50, "rate_limit_per_address": 1000}
    async with clients(system.stack, "10.1.0.1", **limits) as [api]:
        auth = await logged_in(api)
        first = await api.get("/users/me", headers=auth)
        second = await api.get("/users/me", headers=auth)
    assert first.status_code == 200, first.text
    assert first.headers["ratelimit-policy"] == '"user";q=50;w=60, "address";q=1000;w=60'
    assert first.headers["ratelimit"].startswith('"user";r=49;')
    assert second.headers["ratelimit"].startswith('"user";r=48;')


async def test_an_account_over_its_limit_gets_429_and_others_go_on(system: System) -> None:
    limits = {"rate_limit_per_user": 3, "rate_limit_per_address": 1000}
    async with clients(system.stack, "10.1.0.2", "10.1.0.3", **limits) as [api, other]:
        ada, bob = await logged_in(api), await logged_in(other)
        answers = [await api.get("/users/me", headers=ada) for _ in range(4)]
        bobs = await other.get("/users/me", headers=bob)
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert "this account" in assert_problem(refused, 429, "too_many_requests")["detail"]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit"].startswith('"user";r=0;')
    assert bobs.status_code == 200


async def test_an_address_over_its_limit_gets_429_without_a_token(system: System) -> None:
    limits = {"rate_limit_per_user": 0, "rate_limit_per_address": 2}
    async with clients(system.stack, "10.1.0.4", "10.1.0.5", **limits) as [api, elsewhere]:
        answers = [await api.get("/jobs") for _ in range(3)]
        other = await elsewhere.get("/jobs")
        health = await api.get("/healthz")  # operators' routes are never limited
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert "this address" in assert_problem(answers[-1], 429, "too_many_requests")["detail"]
    assert (other.status_code, health.status_code) == (401, 200)


async def test_two_gateway_copies_share_one_budget(system: System) -> None:
    limits = {"rate_limit_per_user": 4, "rate_limit_per_address": 1000}
    async with AsyncExitStack() as running:
        one = await running.enter_async_context(gateway(system.stack, **limits))
        two = await running.enter_async_context(gateway(system.stack, **limits))
        a = await running.enter_async_context(client(one, "10.1.0.6"))
        b = await running.enter_async_context(client(two, "10.1.0.6"))
        auth = await logged_in(a)
        statuses = [(await api.get("/users/me", headers=auth)).status_code for api in (a, b) * 3]
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_concurrent_requests_never_take_more_than_the_bucket_holds(system: System) -> None:
    store = system.deps.rate_limits
    bucket = Bucket(Policy("user", 5, 3600), f"user:{uuid4()}")
    taken = await asyncio.gather(*(store.take([bucket]) for _ in range(20)))
    assert sum(result.allowed for [result] in taken) == 5
