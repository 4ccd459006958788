"""Asking for AI jobs through the API and waiting for them to end."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.support.system import Caller


async def finished(caller: Caller, ai_job_id: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = await caller.get(f"/ai-jobs/{ai_job_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in {"SUCCESS", "FAILURE", "CANCELLED"}:
            return body
        assert time.monotonic() < deadline, f"AI job still {body['status']}: {body}"
        await asyncio.sleep(0.05)


async def ask(caller: Caller, **body: Any) -> str:
    response = await caller.post("/ai-jobs", json=body)
    assert response.status_code == 202, response.text
    return str(response.json()["ai_job_id"])
