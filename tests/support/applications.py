"""Helpers for the application, attachment and notification tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID, uuid4

import httpx
import nats

from jobtrail.events import Envelope, Event, EventContext, seal
from jobtrail.events.subjects import EVENTS_STREAM
from tests.support.system import Caller, System

SAMPLE_RESUME = (Path(__file__).parents[1] / "data" / "sample.resume.json").read_bytes()
T = TypeVar("T")


async def parsed_resume(caller: Caller) -> str:
    """A JSON Resume of `caller`'s, parsed into version 1."""
    resume_id = await caller.upload("resume.json", SAMPLE_RESUME)
    settled = await caller.settled_resume(resume_id)
    assert settled["status"] == "parsed", settled
    return resume_id


async def new_posting(caller: Caller, title: str = "Staff Engineer") -> str:
    """A job posting of `caller`'s own."""
    response = await caller.post("/jobs", json={"title": title, "company": "Initech"})
    assert response.status_code == 201, response.text
    return str(response.json()["job_id"])


async def new_application(caller: Caller, resume_id: str, **fields: Any) -> dict[str, Any]:
    """An application of `caller`'s (to a new posting of theirs unless `job_id` is given)."""
    job_id = fields.pop("job_id", None) or await new_posting(caller)
    body = {"job_id": job_id, "resume_id": resume_id, "resume_version": 1, **fields}
    response = await caller.post("/applications", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def patch(caller: Caller, path: str, body: dict[str, Any]) -> httpx.Response:
    return await caller.api.patch(path, json=body, headers=caller.auth)


async def eventually(
    probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], timeout: float = 20.0
) -> T:
    """Poll `probe` until `done(result)`; fail with the last result after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = await probe()
        if done(result):
            return result
        assert time.monotonic() < deadline, f"still not there after {timeout}s: {result!r}"
        await asyncio.sleep(0.05)


async def notifications(caller: Caller, **params: Any) -> list[dict[str, Any]]:
    response = await caller.get("/notifications", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def synthetic(event: Event, aggregate_id: object, owner: str) -> Envelope:
    """An envelope of `event` as its own service would append it, owned by `owner`."""
    context = EventContext(actor="test:synthetic", correlation_id=f"test-{uuid4().hex[:8]}",
                           owner_id=UUID(owner))  # fmt: skip
    (envelope,) = seal([event], aggregate_id=aggregate_id, base_version=0, context=context)
    return envelope


async def publish(system: System, envelope: Envelope) -> int:
    """Append `envelope` to the log on its subject, as its own service would; its seq."""
    nc = await nats.connect(system.stack.nats_url)
    try:
        ack = await nc.jetstream().publish(
            envelope.subject, envelope.to_json(), stream=EVENTS_STREAM,
            headers={"Nats-Msg-Id": str(envelope.event_id)},
        )  # fmt: skip
        return int(ack.seq)
    finally:
        await nc.close()


async def consumed(system: System, durable: str, seq: int, timeout: float = 20.0) -> None:
    """Wait until `durable` has acknowledged everything up to stream sequence `seq`."""
    nc = await nats.connect(system.stack.nats_url)
    try:
        js = nc.jetstream()

        async def floor() -> int:
            info = await js.consumer_info(EVENTS_STREAM, durable)
            return int(info.ack_floor.stream_seq or 0) if info.ack_floor else 0

        await eventually(floor, lambda got: got >= seq, timeout)
    finally:
        await nc.close()
