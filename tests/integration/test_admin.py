"""Administration through the REST API on the running system: finding accounts, disabling
and enabling them, changing roles, the audit trail of it, and non-admins refused."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from tests.support.accounts import admin
from tests.support.api import assert_problem
from tests.support.system import PASSWORD, Caller, System

ADMIN_ROUTES = [
    ("GET", "/admin/users", None),
    ("GET", "/admin/users/{id}", None),
    ("POST", "/admin/users/{id}/disable", {"reason": "x"}),
    ("POST", "/admin/users/{id}/enable", None),
    ("PUT", "/admin/users/{id}/role", {"role": "admin"}),
]


async def call(caller: Caller, method: str, path: str, body: Any = None) -> httpx.Response:
    return await caller.api.request(method, path, headers=caller.auth, json=body)


async def login(system: System, email: str) -> httpx.Response:
    return await system.api.post("/auth/login", json={"email": email, "password": PASSWORD})


async def audit_types(boss: Caller, user_id: str, want: str, timeout: float = 20.0) -> list[Any]:
    """The audit entries of the account once `want` is among them (the trail is a projection)."""
    deadline = time.monotonic() + timeout
    while True:
        entries = (await boss.get(f"/audit/{user_id}")).json()["entries"]
        if want in [entry["type"] for entry in entries]:
            return list(entries)
        assert time.monotonic() < deadline, entries
        await asyncio.sleep(0.1)


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
async def test_every_admin_route_refuses_a_user_who_is_not_an_admin(
    system: System, method: str, path: str, body: Any
) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    refused = await call(ada, method, path.format(id=bob.user_id), body)
    assert "only an admin" in assert_problem(refused, 403, "forbidden")["detail"]
    assert (await login(system, bob.email)).status_code == 200  # nothing happened to Bob


async def test_an_admin_finds_accounts_by_part_of_their_email_or_name(system: System) -> None:
    boss = await admin(system)
    grace = await system.user("Gracefinder")
    found = await boss.get("/admin/users", params={"q": "gracefinder-"})
    assert found.status_code == 200, found.text
    assert [item["user_id"] for item in found.json()["items"]] == [grace.user_id]
    literal = await boss.get("/admin/users", params={"q": "%"})  # a wildcard is a character
    assert literal.json()["items"] == []
    one = await boss.get(f"/admin/users/{grace.user_id}")
    assert (one.json()["email"], one.json()["disabled"]) == (grace.email, False)
    assert_problem(await boss.get(f"/admin/users/{boss.user_id[:-1]}0"), 404, "not_found")


async def test_a_disabled_account_cannot_log_in_and_its_tokens_stop_working(
    system: System,
) -> None:
    boss, ada = await admin(system), await system.user()
    disabled = await boss.post(
        f"/admin/users/{ada.user_id}/disable", json={"reason": "reported for spam"}
    )
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled"] is True
    assert_problem(await ada.get("/users/me"), 401, "unauthorized")
    refused = await login(system, ada.email)
    assert "disabled" in assert_problem(refused, 403, "forbidden")["detail"]
    listed = await boss.get("/admin/users", params={"q": ada.email, "disabled": True})
    assert [item["user_id"] for item in listed.json()["items"]] == [ada.user_id]

    enabled = await boss.post(f"/admin/users/{ada.user_id}/enable")
    assert enabled.json()["disabled"] is False
    assert (await login(system, ada.email)).status_code == 200
    entries = await audit_types(boss, ada.user_id, "UserEnabled")
    disabling = next(e for e in entries if e["type"] == "UserDisabled")
    assert disabling["actor"] == f"user:{boss.user_id}"
    assert disabling["data"]["reason"] == "reported for spam"
    # The events are Ada's (sealed with her key, erased with her), done by the admin.
    history = await system.deps.events.load("user", ada.user_id)
    owners = {r.envelope.type: r.envelope.owner_id for r in history.events}
    assert str(owners["UserDisabled"]) == str(owners["UserEnabled"]) == ada.user_id


async def test_a_new_role_applies_at_once(system: System) -> None:
    boss, ada = await admin(system), await system.user()
    promoted = await boss.put(f"/admin/users/{ada.user_id}/role", json={"role": "admin"})
    assert promoted.json()["role"] == "admin"
    assert_problem(await ada.get("/users/me"), 401, "unauthorized")  # old tokens: old role
    tokens = (await login(system, ada.email)).json()
    as_admin = Caller(system.api, ada.email, ada.user_id, tokens["access_token"], tokens)
    assert (await as_admin.get("/admin/users")).status_code == 200
    demoted = await boss.put(f"/admin/users/{ada.user_id}/role", json={"role": "user"})
    assert demoted.json()["role"] == "user"
    assert_problem(await as_admin.get("/admin/users"), 401, "unauthorized")


async def test_an_admin_cannot_lock_themselves_out(system: System) -> None:
    boss = await admin(system)
    for method, path, body in ADMIN_ROUTES[2:]:
        refused = await call(boss, method, path.format(id=boss.user_id), body)
        assert "their own account" in assert_problem(refused, 422, "invalid_input")["detail"]
    assert (await boss.get("/admin/users")).status_code == 200
