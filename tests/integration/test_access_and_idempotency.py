"""Idempotency-Key on creations, who may start and see ingestion runs, and login throttling:
the real gateway (several copies where it matters) on the embedded NATS, PostgreSQL and S3."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import sqlalchemy as sa

from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.handlers import idempotency
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.stack import StackEndpoints
from tests.support.accounts import admin
from tests.support.api import assert_problem
from tests.support.system import PASSWORD, Caller, System, connection_settings

SAMPLE = Path(__file__).parents[1] / "data" / "sample.resume.json"
RESUME = b"Ada Lovelace\nSKILLS\nPython, mathematics\n"


@asynccontextmanager
async def gateway_copy(
    stack: StackEndpoints, address: str = "127.0.0.1", **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """Another gateway process's worth: its own app, connections and projectors, on the same
    stack; requests arrive from `address`."""
    app = create_app(GatewaySettings(**{**connection_settings(stack), **settings}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


def keyed(caller: Caller, key: str) -> dict[str, str]:
    return {**caller.auth, "Idempotency-Key": key}


def an_address() -> str:
    """A client address no other test uses (documentation range), so failures never add up
    across tests."""
    return f"2001:db8::{uuid4().hex[:4]}:{uuid4().hex[:4]}"


async def a_parsed_resume(caller: Caller) -> str:
    resume_id = await caller.upload("resume.json", SAMPLE.read_bytes())
    assert (await caller.settled_resume(resume_id))["status"] == "parsed"
    return resume_id


async def test_a_repeated_key_on_an_upload_gives_the_same_resume(system: System) -> None:
    ada = await system.user("Ada")
    key = uuid4().hex
    files = {"file": ("ada.txt", RESUME)}
    first = await ada.api.post("/resumes", headers=keyed(ada, key), files=files)
    again = await ada.api.post("/resumes", headers=keyed(ada, key), files=files)
    assert first.status_code == again.status_code == 202, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    await ada.settled_resume(first.json()["resume_id"])
    listed = (await ada.get("/resumes")).json()["items"]
    assert [r["resume_id"] for r in listed] == [first.json()["resume_id"]]


async def test_a_key_names_one_resume_across_gateway_copies(
    system: System, stack: StackEndpoints
) -> None:
    ada = await system.user("Ada")
    key = uuid4().hex
    files = {"file": ("ada.txt", RESUME)}
    first = await ada.api.post("/resumes", headers=keyed(ada, key), files=files)
    assert first.status_code == 202, first.text
    async with gateway_copy(stack) as other:
        again = await other.post("/resumes", headers=keyed(ada, key), files=files)
    assert again.status_code == 202, again.text
    assert again.json()["resume_id"] == first.json()["resume_id"]


async def test_a_repeat_finishes_an_upload_that_failed_after_claiming_its_key(
    system: System,
) -> None:
    ada = await system.user("Ada")
    key = uuid4().hex
    # What a gateway that died between claiming the key and appending the event left behind.
    request = {"filename": "ada.txt", "sha256": hashlib.sha256(RESUME).hexdigest()}
    reserved = await idempotency.claim(
        system.deps.engine, UUID(ada.user_id), "POST /resumes", key, request
    )
    again = await ada.api.post(
        "/resumes", headers=keyed(ada, key), files={"file": ("ada.txt", RESUME)}
    )
    assert again.status_code == 202, again.text
    assert again.json()["resume_id"] == str(reserved.resource_id)
    await ada.settled_resume(str(reserved.resource_id))
    listed = (await ada.get("/resumes")).json()["items"]
    assert [r["resume_id"] for r in listed] == [str(reserved.resource_id)]


async def test_a_key_is_forgotten_a_day_later_and_then_names_a_new_resume(
    system: System,
) -> None:
    ada = await system.user("Ada")
    key = uuid4().hex
    first = await ada.api.post(
        "/resumes", headers=keyed(ada, key), files={"file": ("a.txt", RESUME)}
    )
    assert first.status_code == 202, first.text
    await ada.settled_resume(first.json()["resume_id"])
    async with system.deps.engine.begin() as connection:  # as if a day had passed
        await connection.execute(
            sa.update(idempotency.idempotency_keys)
            .where(idempotency.idempotency_keys.c.key == key)
            .values(created_at=sa.func.now() - idempotency.KEPT_FOR - timedelta(minutes=1))
        )
    later = await ada.api.post(
        "/resumes", headers=keyed(ada, key), files={"file": ("a.txt", RESUME)}
    )
    assert later.status_code == 202, later.text
    assert "Idempotent-Replayed" not in later.headers
    assert later.json()["resume_id"] != first.json()["resume_id"]
    async with system.deps.engine.connect() as connection:
        kept = await connection.scalar(
            sa.select(sa.func.count())
            .select_from(idempotency.idempotency_keys)
            .where(idempotency.idempotency_keys.c.key == key)
        )
    assert kept == 1  # the expired row was deleted, not kept beside the new one


async def test_the_same_key_with_another_file_is_refused(system: System) -> None:
    ada = await system.user("Ada")
    key = uuid4().hex
    first = await ada.api.post(
        "/resumes", headers=keyed(ada, key), files={"file": ("ada.txt", RESUME)}
    )
    assert first.status_code == 202, first.text
    other = await ada.api.post(
        "/resumes", headers=keyed(ada, key), files={"file": ("ada.txt", RESUME + b"Rust\n")}
    )
    body = assert_problem(other, 422, "idempotency_key_reused")
    assert "Idempotency-Key" in body["detail"]
    listed = (await ada.get("/resumes")).json()["items"]
    assert len(listed) == 1


async def test_one_key_of_two_users_makes_two_resumes(system: System) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    key = uuid4().hex
    files = {"file": ("cv.txt", RESUME)}
    mine = await ada.api.post("/resumes", headers=keyed(ada, key), files=files)
    theirs = await bob.api.post("/resumes", headers=keyed(bob, key), files=files)
    assert mine.status_code == theirs.status_code == 202, theirs.text
    assert mine.json()["resume_id"] != theirs.json()["resume_id"]
    assert "Idempotent-Replayed" not in theirs.headers


async def test_a_repeated_key_adds_one_posting(system: System) -> None:
    ada = await system.user("Ada")
    key = uuid4().hex
    posting = {"title": f"Keyed role {key}", "company": "Initech", "skills": ["Python"]}
    first = await ada.api.post("/jobs", headers=keyed(ada, key), json=posting)
    again = await ada.api.post("/jobs", headers=keyed(ada, key), json=posting)
    assert first.status_code == again.status_code == 201, again.text
    # The replay shows the posting as it is now: the jobs service may have read its
    # requirements in between (null until then); everything the request set is the same.
    assert {**again.json(), "requirements": None} == {**first.json(), "requirements": None}
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = await ada.api.post(
        "/jobs", headers=keyed(ada, key), json={**posting, "company": "Initrode"}
    )
    assert_problem(changed, 422, "idempotency_key_reused")
    found = (await ada.get("/jobs", params={"q": f"Keyed role {key}"})).json()["items"]
    assert [j["job_id"] for j in found] == [first.json()["job_id"]]


async def test_a_repeated_key_queues_one_ai_job(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_parsed_resume(ada)
    key = uuid4().hex
    body = {"kind": "summarize_resume", "resume_id": resume_id}
    first = await ada.api.post("/ai-jobs", headers=keyed(ada, key), json=body)
    again = await ada.api.post("/ai-jobs", headers=keyed(ada, key), json=body)
    assert first.status_code == again.status_code == 202, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await ada.api.post(
        "/ai-jobs", headers=keyed(ada, key), json={**body, "kind": "research_prompt"}
    )
    assert_problem(other, 422, "idempotency_key_reused")
    listed = (await ada.get("/ai-jobs")).json()["items"]
    assert [j["ai_job_id"] for j in listed] == [first.json()["ai_job_id"]]


async def test_a_repeated_key_requests_one_export(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_parsed_resume(ada)
    key = uuid4().hex
    path = f"/resumes/{resume_id}/versions/1/exports"
    first = await ada.api.post(path, headers=keyed(ada, key), json={"format": "pdf"})
    again = await ada.api.post(path, headers=keyed(ada, key), json={"format": "pdf"})
    assert first.status_code == again.status_code == 202, again.text
    assert again.json()["export_id"] == first.json()["export_id"]
    other = await ada.api.post(path, headers=keyed(ada, key), json={"format": "docx"})
    assert_problem(other, 422, "idempotency_key_reused")
    unkeyed = await ada.api.post(path, headers=ada.auth, json={"format": "pdf"})
    assert unkeyed.json()["export_id"] != first.json()["export_id"]
    history = await system.deps.events.load("export", first.json()["export_id"])
    assert [e.envelope.type for e in history.events][:1] == ["ExportRequested"]
    assert sum(e.envelope.type == "ExportRequested" for e in history.events) == 1


async def test_a_repeated_key_adds_one_attachment_version(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await ada.upload("cv.txt", RESUME)
    await ada.settled_resume(resume_id)
    key = uuid4().hex
    form = {"target_type": "resume", "target_id": resume_id}
    files = {"file": ("notes.txt", b"first notes\n")}
    first = await ada.api.post("/attachments", headers=keyed(ada, key), data=form, files=files)
    again = await ada.api.post("/attachments", headers=keyed(ada, key), data=form, files=files)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["attachment_id"] == first.json()["attachment_id"]
    assert [v["version"] for v in again.json()["versions"]] == [1]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await ada.api.post(
        "/attachments", headers=keyed(ada, key), data=form,
        files={"file": ("notes.txt", b"other notes\n")},
    )  # fmt: skip
    assert_problem(other, 422, "idempotency_key_reused")
    unkeyed = await ada.post("/attachments", data=form, files=files)
    assert [v["version"] for v in unkeyed.json()["versions"]] == [1, 2]


async def test_only_an_admin_starts_a_shared_feed_ingestion(system: System) -> None:
    ada = await system.user("Ada")
    refused = await ada.post("/ingestions", json={"source": "file"})
    body = assert_problem(refused, 403, "forbidden")
    assert "admin" in body["detail"]
    root = await admin(system)
    started = await root.post("/ingestions", json={"source": "file"})
    assert started.status_code == 202, started.text


async def test_another_user_never_sees_an_ingestion_run(system: System) -> None:
    root = await admin(system)
    started = await root.post("/ingestions", json={"source": "nowhere"})
    assert started.status_code == 202, started.text
    run_id = started.json()["ingestion_id"]
    assert (await root.get(f"/ingestions/{run_id}")).status_code == 200
    ada = await system.user("Ada")
    hidden = await ada.get(f"/ingestions/{run_id}")
    missing = await ada.get(f"/ingestions/{uuid4()}")
    assert assert_problem(hidden, 404, "not_found")["detail"] == f"no ingestion {run_id}"
    assert_problem(missing, 404, "not_found")


async def _login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": password})


async def test_wrong_passwords_for_one_account_end_in_429_with_retry_after(
    system: System, stack: StackEndpoints
) -> None:
    ada = await system.user("Ada")
    limits = {"login_max_failures_per_account": 3, "login_failure_window_seconds": 600}
    async with gateway_copy(stack, an_address(), **limits) as gateway:
        for _ in range(3):
            assert_problem(await _login(gateway, ada.email, "wrong password!"), 401, "unauthorized")
        throttled = await _login(gateway, ada.email, "wrong password!")
        body = assert_problem(throttled, 429, "too_many_requests")
        assert "this account" in body["detail"]
        assert 1 <= int(throttled.headers["Retry-After"]) <= 600
        # The right password waits too: otherwise the limit would not slow a guesser down.
        assert_problem(await _login(gateway, ada.email, PASSWORD), 429, "too_many_requests")
    # Another copy, from another address, counts the same failures.
    async with gateway_copy(stack, an_address(), **limits) as other:
        assert_problem(await _login(other, ada.email, PASSWORD), 429, "too_many_requests")


async def test_a_correct_login_clears_the_accounts_failures(
    system: System, stack: StackEndpoints
) -> None:
    ada = await system.user("Ada")
    limits = {"login_max_failures_per_account": 3}
    async with gateway_copy(stack, an_address(), **limits) as gateway:
        for _ in range(2):
            assert_problem(await _login(gateway, ada.email, "wrong password!"), 401, "unauthorized")
        assert (await _login(gateway, ada.email, PASSWORD)).status_code == 200
        for _ in range(2):
            assert_problem(await _login(gateway, ada.email, "wrong password!"), 401, "unauthorized")
        assert (await _login(gateway, ada.email, PASSWORD)).status_code == 200


async def test_wrong_passwords_from_one_address_end_in_429_for_every_account(
    system: System, stack: StackEndpoints
) -> None:
    ada = await system.user("Ada")
    address = an_address()
    limits = {"login_max_failures_per_account": 50, "login_max_failures_per_address": 4}
    async with gateway_copy(stack, address, **limits) as gateway:
        for _ in range(4):
            guessed = f"{uuid4().hex[:10]}@example.com"
            assert_problem(await _login(gateway, guessed, "wrong password!"), 401, "unauthorized")
        throttled = await _login(gateway, ada.email, PASSWORD)
        body = assert_problem(throttled, 429, "too_many_requests")
        assert "your address" in body["detail"]
        assert int(throttled.headers["Retry-After"]) >= 1
    # Ada from her own address is not held back by what another address did.
    async with gateway_copy(stack, an_address(), **limits) as elsewhere:
        assert (await _login(elsewhere, ada.email, PASSWORD)).status_code == 200


async def test_the_default_limits_let_a_few_mistakes_through(system: System) -> None:
    ada = await system.user("Ada")
    for _ in range(3):
        wrong = await system.api.post(
            "/auth/login", json={"email": ada.email, "password": "wrong password!"}
        )
        assert_problem(wrong, 401, "unauthorized")
    right = await system.api.post("/auth/login", json={"email": ada.email, "password": PASSWORD})
    assert right.status_code == 200, right.text
    assert json.loads(right.text)["access_token"]
