"""Passwords through the REST API on the running system: changing one, and resetting one
through the mail the real SMTP sink of the stack receives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import httpx

from jobtrail.events import Envelope, uuid7
from jobtrail.events.users import UserRegistered
from jobtrail.gateway.domain.users import User, user_id_for
from jobtrail.gateway.handlers.passwords import reset_token_hash
from jobtrail.gateway.security import hash_password
from jobtrail.stack.smtp import read_mail
from tests.support.api import all_events, assert_problem
from tests.support.mail import mail_to, token_of
from tests.support.system import PASSWORD, Caller, System

NEW_PASSWORD = "a-brand-new-passphrase"


async def login(system: System, email: str, password: str) -> httpx.Response:
    return await system.api.post("/auth/login", json={"email": email, "password": password})


async def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    system: System,
) -> None:
    ada = await system.user()
    phone = (await login(system, ada.email, PASSWORD)).json()
    wrong = await ada.post(
        "/auth/password", json={"current_password": "not-my-password", "new_password": NEW_PASSWORD}
    )
    assert "current password" in assert_problem(wrong, 403, "forbidden")["detail"]
    changed = await ada.post(
        "/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 204, changed.text
    assert_problem(await login(system, ada.email, PASSWORD), 401, "unauthorized")
    assert (await login(system, ada.email, NEW_PASSWORD)).status_code == 200
    assert (await ada.get("/users/me")).status_code == 200  # this session goes on
    stale = await system.api.get(
        "/users/me", headers={"authorization": f"Bearer {phone['access_token']}"}
    )
    assert_problem(stale, 401, "unauthorized")
    changes = [e for e in await all_events(ada) if e["type"] == "PasswordChanged"]
    assert [e["data"] for e in changes] == [{"user_id": ada.user_id, "how": "changed"}]


async def test_a_reset_request_answers_alike_for_known_and_unknown_emails(
    system: System,
) -> None:
    ada = await system.user()
    known = await system.api.post("/auth/password-reset", json={"email": ada.email})
    unknown = await system.api.post(
        "/auth/password-reset", json={"email": "nobody-here@example.com"}
    )
    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.json() == unknown.json()
    await mail_to(system, ada.email, "Reset")
    assert not [m for m in read_mail(Path(system.stack.mail_dir)) if "nobody-here" in str(m)]


async def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(
    system: System,
) -> None:
    ada = await system.user()
    await system.api.post("/auth/password-reset", json={"email": ada.email.upper()})
    mail = await mail_to(system, ada.email, "Reset")
    assert mail.subject == "Reset your Jobtrail password"
    token = token_of(mail)
    body = {"token": token, "new_password": NEW_PASSWORD}
    done = await system.api.post("/auth/password-reset/confirm", json=body)
    assert done.status_code == 204, done.text
    assert (await login(system, ada.email, NEW_PASSWORD)).status_code == 200
    assert_problem(await login(system, ada.email, PASSWORD), 401, "unauthorized")
    assert_problem(await ada.get("/users/me"), 401, "unauthorized")  # its session ended
    again = await system.api.post("/auth/password-reset/confirm", json=body)
    assert "used already" in assert_problem(again, 422, "invalid_input")["detail"]


async def test_an_expired_or_made_up_reset_token_is_refused_with_what_to_do(
    system: System,
) -> None:
    ada = await system.user()
    past = datetime.now(UTC) - timedelta(hours=2)
    await system.deps.passwords.credentials.add_reset(
        reset_token_hash("an-old-token"), UUID(ada.user_id), past, past + timedelta(minutes=30)
    )
    for token, says in (("an-old-token", "expired"), ("made-up", "not valid")):
        refused = await system.api.post(
            "/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
        )
        detail = assert_problem(refused, 422, "invalid_input")["detail"]
        assert says in detail
        assert "ask for a new one" in detail
    assert (await login(system, ada.email, PASSWORD)).status_code == 200


async def test_the_password_is_not_in_the_log_of_a_new_account(system: System) -> None:
    ada: Caller = await system.user()
    loaded = await system.deps.repository.load(User, UUID(ada.user_id))
    [registered] = [e for e in loaded.history.events if isinstance(e.event, UserRegistered)]
    assert registered.envelope.schema_version == 2
    assert "password_hash" not in registered.envelope.data
    stored = await system.deps.passwords.credentials.password_hash(UUID(ada.user_id))
    assert stored is not None
    assert stored.startswith("$argon2id$")


async def test_an_account_registered_with_its_hash_in_the_log_logs_in_and_moves_it_out(
    system: System,
) -> None:
    """Accounts from before credentials left the log: their version 1 `UserRegistered`
    holds the hash; the upcaster hides it from typed readers, the first login moves it."""
    email = f"legacy-{uuid4().hex[:10]}@example.com"
    user_id = user_id_for(email)
    envelope = Envelope(
        event_id=uuid7(), type="UserRegistered", schema_version=1, aggregate_type="user",
        aggregate_id=str(user_id), aggregate_version=1, occurred_at=datetime.now(UTC),
        actor=f"user:{user_id}", owner_id=user_id, correlation_id="legacy",
        data={"user_id": str(user_id), "email": email, "display_name": "Old Timer",
              "password_hash": hash_password(PASSWORD), "role": "user"},
    )  # fmt: skip
    await system.deps.events.publish_many([envelope])
    assert await system.deps.passwords.credentials.password_hash(user_id) is None

    assert (await login(system, email, PASSWORD)).status_code == 200
    stored = await system.deps.passwords.credentials.password_hash(user_id)
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert (await login(system, email, "not-the-password-1")).status_code == 401
