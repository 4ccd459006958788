"""The REST API on the running system: registration, login, tokens, account and profile."""

from __future__ import annotations

from typing import Any

from jobtrail.gateway.domain.users import user_id_for
from tests.support.api import (
    assert_problem,
    register,
    unique_email,
)
from tests.support.gateways import client, gateway
from tests.support.mail import mail_to, token_of
from tests.support.system import PASSWORD, System

# --- auth -------------------------------------------------------------------------------


async def test_registering_answers_201_with_the_id_of_the_normalised_email(system: System) -> None:
    email = unique_email("Grace")
    response = await register(system, email)
    assert response.status_code == 201, response.text
    assert response.json() == {"user_id": str(user_id_for(email)), "email": email.lower()}


async def test_registering_a_taken_email_answers_alike_and_tells_its_owner_by_mail(
    system: System,
) -> None:
    email = unique_email()
    first = await register(system, email)
    assert first.status_code == 201, first.text
    again = await register(system, f"  {email.upper()} ", password="another-password-9")
    assert again.status_code == 201, again.text
    assert again.json() == first.json()  # nothing tells that the email has an account

    notice = await mail_to(system, email.lower(), "Someone tried to register")
    assert "already has one" in notice.text
    taken = await system.api.post(
        "/auth/login", json={"email": email, "password": "another-password-9"}
    )
    assert_problem(taken, 401, "unauthorized")  # the second password was not stored
    mine = await system.api.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert mine.status_code == 200, mine.text


async def test_the_mailed_link_confirms_the_address_once(system: System) -> None:
    email = unique_email()
    assert (await register(system, email)).status_code == 201
    token = token_of(await mail_to(system, email, "Confirm your email"))
    tokens = await system.api.post("/auth/login", json={"email": email, "password": PASSWORD})
    auth = {"authorization": f"Bearer {tokens.json()['access_token']}"}
    assert (await system.api.get("/users/me", headers=auth)).json()["email_verified"] is False

    for _ in range(2):  # using the link again changes nothing
        done = await system.api.post("/auth/verify-email", json={"token": token})
        assert done.status_code == 204, done.text
    assert (await system.api.get("/users/me", headers=auth)).json()["email_verified"] is True
    bad = await system.api.post("/auth/verify-email", json={"token": token[:-3] + "abc"})
    assert "not valid" in assert_problem(bad, 422, "invalid_input")["detail"]


async def test_when_confirmation_is_required_login_waits_for_it(system: System) -> None:
    smtp = {"smtp_host": system.stack.smtp_host, "smtp_port": system.stack.smtp_port}
    async with (
        gateway(system.stack, email_verification="required", **smtp) as app,
        client(app, "10.9.0.1") as api,
    ):
        email = unique_email()
        body = {"email": email, "password": PASSWORD, "display_name": "Grace"}
        assert (await api.post("/auth/register", json=body)).status_code == 201
        credentials = {"email": email, "password": PASSWORD}
        refused = await api.post("/auth/login", json=credentials)
        assert "confirm your email" in assert_problem(refused, 403, "forbidden")["detail"]

        resent = await api.post("/auth/verify-email/resend", json={"email": email})
        unknown = await api.post("/auth/verify-email/resend", json={"email": unique_email()})
        assert (resent.status_code, resent.json()) == (202, unknown.json())
        token = token_of(await mail_to(system, email, "Confirm your email"))
        assert (await api.post("/auth/verify-email", json={"token": token})).status_code == 204
        assert (await api.post("/auth/login", json=credentials)).status_code == 200


async def test_a_short_password_is_refused_with_the_field_named(system: System) -> None:
    response = await register(system, unique_email(), password="short")
    body = assert_problem(response, 422, "invalid_input")
    assert [e["location"] for e in body["errors"]] == ["body.password"]
    assert "10 characters" in body["errors"][0]["message"]


async def test_login_with_a_wrong_password_or_unknown_email_is_401_alike(system: System) -> None:
    ada = await system.user()
    wrong = await system.api.post("/auth/login", json={"email": ada.email, "password": "x" * 12})
    unknown = await system.api.post(
        "/auth/login", json={"email": unique_email(), "password": PASSWORD}
    )
    for response in (wrong, unknown):
        assert assert_problem(response, 401, "unauthorized")["detail"] == "wrong email or password"


async def test_login_is_case_insensitive_in_the_email(system: System) -> None:
    ada = await system.user()
    response = await system.api.post(
        "/auth/login", json={"email": ada.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200, response.text


async def test_a_request_without_a_token_is_401(system: System) -> None:
    body = assert_problem(await system.api.get("/users/me"), 401, "unauthorized")
    assert "log in first" in body["detail"]


async def test_a_garbage_token_is_401(system: System) -> None:
    response = await system.api.get("/users/me", headers={"authorization": "Bearer not.a.jwt"})
    assert "not valid" in assert_problem(response, 401, "unauthorized")["detail"]


async def test_a_refresh_token_buys_a_working_access_token(system: System) -> None:
    ada = await system.user()
    refreshed = await system.api.post(
        "/auth/refresh", json={"refresh_token": ada.tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    tokens = refreshed.json()
    assert (tokens["token_type"], tokens["expires_in"]) == ("bearer", 15 * 60)
    me = await system.api.get(
        "/users/me", headers={"authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200, me.text
    assert me.json()["user_id"] == ada.user_id


async def test_an_access_token_is_refused_at_refresh(system: System) -> None:
    ada = await system.user()
    response = await system.api.post("/auth/refresh", json={"refresh_token": ada.token})
    body = assert_problem(response, 401, "unauthorized")
    assert body["detail"] == "a refresh token is needed here"


async def test_a_refresh_token_is_refused_as_a_bearer_token(system: System) -> None:
    ada = await system.user()
    response = await system.api.get(
        "/users/me", headers={"authorization": f"Bearer {ada.tokens['refresh_token']}"}
    )
    body = assert_problem(response, 401, "unauthorized")
    assert body["detail"] == "an access token is needed here"


# --- account and profile ------------------------------------------------------------------


async def test_me_shows_the_account(system: System) -> None:
    ada = await system.user("Ada")
    me = (await ada.get("/users/me")).json()
    assert (me["user_id"], me["email"], me["display_name"], me["role"]) == (
        ada.user_id, ada.email, "Ada", "user",
    )  # fmt: skip


async def test_a_changed_display_name_is_visible_at_once(system: System) -> None:
    ada = await system.user("Ada")
    put = await ada.put("/users/me", json={"display_name": "Ada, Countess of Lovelace"})
    assert put.status_code == 200, put.text
    assert put.json()["display_name"] == "Ada, Countess of Lovelace"
    assert (await ada.get("/users/me")).json()["display_name"] == "Ada, Countess of Lovelace"


async def test_an_empty_display_name_is_refused(system: System) -> None:
    ada = await system.user("Ada")
    assert_problem(await ada.put("/users/me", json={"display_name": ""}), 422, "invalid_input")
    assert (await ada.get("/users/me")).json()["display_name"] == "Ada"


async def test_the_profile_is_empty_before_it_is_first_saved(system: System) -> None:
    ada = await system.user()
    response = await ada.get("/profiles/me")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "profile": {
            "full_name": None, "headline": None, "email": None, "phone": None, "links": [],
            "location": None,
            "preferences": {
                "roles": [], "locations": [], "remote": "any", "salary": None, "skills": [],
                "match_threshold": 70,
            },
        },
        "updated_at": None,
    }  # fmt: skip


FULL_PROFILE: dict[str, Any] = {
    "full_name": "Ada Lovelace",
    "headline": "Analytical engine programmer",
    "email": "ada@example.com",
    "phone": "+44 20 7946 0000",
    "links": [{"network": "GitHub", "url": "https://github.com/ada", "username": "ada"}],
    "location": {"city": "London", "region": "England", "country_code": "GB"},
    "preferences": {
        "roles": ["Software Engineer", "Data Engineer"],
        "locations": ["London", "Remote"],
        "remote": "hybrid",
        "salary": {"minimum": 90000, "maximum": 120000, "currency": "GBP", "period": "year"},
        "skills": ["python", "postgresql"],
        "match_threshold": 80,
    },
}


async def test_a_saved_profile_reads_back_as_saved(system: System) -> None:
    ada = await system.user()
    put = await ada.put("/profiles/me", json=FULL_PROFILE)
    assert put.status_code == 200, put.text
    assert put.json()["profile"] == FULL_PROFILE
    got = (await ada.get("/profiles/me")).json()
    assert got["profile"] == FULL_PROFILE
    assert got["updated_at"] is not None


async def test_an_invalid_profile_is_422_and_changes_nothing(system: System) -> None:
    ada = await system.user()
    assert (await ada.put("/profiles/me", json=FULL_PROFILE)).status_code == 200
    invalid = {
        **FULL_PROFILE,
        "preferences": {**FULL_PROFILE["preferences"], "match_threshold": 150},
    }
    body = assert_problem(await ada.put("/profiles/me", json=invalid), 422, "invalid_input")
    assert [e["location"] for e in body["errors"]] == ["body.preferences.match_threshold"]
    assert (await ada.get("/profiles/me")).json()["profile"]["preferences"]["match_threshold"] == 80
