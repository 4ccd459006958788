"""Helpers for the export tests: wait for an export to settle, download its file."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.support.system import Caller


async def settled_export(caller: Caller, export_id: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = await caller.get(f"/exports/{export_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] != "pending":
            return body
        assert time.monotonic() < deadline, f"export {export_id} still pending"
        await asyncio.sleep(0.05)


async def download(caller: Caller, export_id: str) -> bytes:
    link = await caller.get(f"/exports/{export_id}/download")
    assert link.status_code == 200, link.text
    response = await caller.api.get(link.json()["url"])  # a link, no login
    assert response.status_code == 200, response.text
    return response.content
