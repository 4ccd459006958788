"""Helpers for tests of the REST API on the running system."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from tests.support.system import PASSWORD, Caller, System

DATA = Path(__file__).parents[1] / "data"
PROBLEM = "application/problem+json"


def sample_bytes() -> bytes:
    return (DATA / "sample.resume.json").read_bytes()


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(sample_bytes())
    return loaded


def unique_email(name: str = "grace") -> str:
    return f"{name}-{uuid4().hex[:10]}@example.com"


async def register(system: System, email: str, password: str = PASSWORD) -> httpx.Response:
    return await system.api.post(
        "/auth/register", json={"email": email, "password": password, "display_name": "Grace"}
    )


async def parsed_json_resume(caller: Caller) -> str:
    """A resume of `caller`'s, uploaded as JSON Resume and parsed."""
    resume_id = await caller.upload("resume.json", sample_bytes())
    settled = await caller.settled_resume(resume_id)
    assert settled["status"] == "parsed", settled
    return resume_id


async def all_events(caller: Caller) -> list[dict[str, Any]]:
    page = await caller.get("/events", params={"limit": 1000})
    assert page.status_code == 200, page.text
    return [item["event"] for item in page.json()["items"]]


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"], body["type"]) == (
        status, code, f"urn:jobtrail:problem:{code}",
    )  # fmt: skip
    assert body["detail"]
    return body
