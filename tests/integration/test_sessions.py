"""Sessions through the REST API on the running system (real PostgreSQL, real gateway):
rotation, reuse detection, logout, logout everywhere, and the list of sessions."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.api import assert_problem
from tests.support.system import PASSWORD, Caller, System


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def login(system: System, caller: Caller, agent: str) -> dict[str, Any]:
    response = await system.api.post(
        "/auth/login",
        json={"email": caller.email, "password": PASSWORD},
        headers={"user-agent": agent},
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


async def refresh(system: System, token: str) -> httpx.Response:
    return await system.api.post("/auth/refresh", json={"refresh_token": token})


async def test_a_refresh_token_works_once_and_its_successor_works_next(system: System) -> None:
    ada = await system.user()
    first = await refresh(system, ada.tokens["refresh_token"])
    assert first.status_code == 200, first.text
    second = await refresh(system, first.json()["refresh_token"])
    assert second.status_code == 200, second.text
    me = await system.api.get("/users/me", headers=bearer(second.json()["access_token"]))
    assert me.status_code == 200, me.text


async def test_replaying_a_spent_refresh_token_ends_the_session_for_thief_and_owner(
    system: System,
) -> None:
    ada = await system.user()
    stolen = ada.tokens["refresh_token"]
    owner = (await refresh(system, stolen)).json()  # the owner's client rotates it
    replayed = await refresh(system, stolen)  # the thief tries the copy
    assert "already used" in assert_problem(replayed, 401, "unauthorized")["detail"]
    assert_problem(await refresh(system, owner["refresh_token"]), 401, "unauthorized")
    # Revocation reaches access tokens within their lifetime: here, on the next request.
    refused = await system.api.get("/users/me", headers=bearer(owner["access_token"]))
    assert "session has ended" in assert_problem(refused, 401, "unauthorized")["detail"]


async def test_logout_ends_this_session_and_leaves_the_others(system: System) -> None:
    ada = await system.user()
    laptop = await login(system, ada, "laptop")
    logged_out = await system.api.post("/auth/logout", headers=bearer(laptop["access_token"]))
    assert logged_out.status_code == 204, logged_out.text
    for response in (
        await system.api.get("/users/me", headers=bearer(laptop["access_token"])),
        await refresh(system, laptop["refresh_token"]),
    ):
        assert_problem(response, 401, "unauthorized")
    assert (await ada.get("/users/me")).status_code == 200


async def test_logout_all_ends_every_session_of_the_account(system: System) -> None:
    ada = await system.user()
    phone = await login(system, ada, "phone")
    done = await ada.post("/auth/logout-all")
    assert done.status_code == 204, done.text
    for token in (ada.token, phone["access_token"]):
        assert_problem(
            await system.api.get("/users/me", headers=bearer(token)), 401, "unauthorized"
        )
    for token in (ada.tokens["refresh_token"], phone["refresh_token"]):
        assert_problem(await refresh(system, token), 401, "unauthorized")
    again = await login(system, ada, "phone")  # a new login works
    assert (
        await system.api.get("/users/me", headers=bearer(again["access_token"]))
    ).status_code == 200


async def test_sessions_are_listed_and_one_can_be_ended_from_another_device(
    system: System,
) -> None:
    ada = await system.user()
    phone = await login(system, ada, "Phone/1.0")
    listed = await ada.get("/auth/sessions")
    assert listed.status_code == 200, listed.text
    rows = listed.json()
    assert len(rows) == 2
    assert [row["current"] for row in rows].count(True) == 1
    by_agent = {row["user_agent"]: row for row in rows}
    assert set(by_agent["Phone/1.0"]) == {
        "session_id", "created_at", "last_used_at", "user_agent", "address", "current",
    }  # fmt: skip
    assert "refresh" not in str(rows)  # no token, not even a hash, leaves the server
    ended = await system.api.delete(
        f"/auth/sessions/{by_agent['Phone/1.0']['session_id']}", headers=ada.auth
    )
    assert ended.status_code == 204, ended.text
    assert_problem(
        await system.api.get("/users/me", headers=bearer(phone["access_token"])),
        401,
        "unauthorized",
    )
    assert [row["user_agent"] for row in (await ada.get("/auth/sessions")).json()] != ["Phone/1.0"]
    assert len((await ada.get("/auth/sessions")).json()) == 1


async def test_ending_another_accounts_session_is_404_and_changes_nothing(
    system: System,
) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    (bobs,) = (await bob.get("/auth/sessions")).json()
    refused = await system.api.delete(f"/auth/sessions/{bobs['session_id']}", headers=ada.auth)
    assert_problem(refused, 404, "not_found")
    assert (await bob.get("/users/me")).status_code == 200
