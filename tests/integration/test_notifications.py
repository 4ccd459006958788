"""Notifications on the running system: once per cause, read state, isolation, and SSE."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast
from uuid import uuid4

import httpx
import uvicorn
from fastapi import FastAPI

from jobtrail.eventlog.aggregates import Repository
from jobtrail.events.ai import AIOutputReady
from jobtrail.events.exports import ExportReady
from jobtrail.events.jobs import JobMatched
from jobtrail.notifier.declarations import NOTIFY
from jobtrail.notifier.notices import Notifier
from jobtrail.notifier.settings import NotifierSettings
from tests.support.applications import (
    consumed,
    eventually,
    notifications,
    publish,
    synthetic,
)
from tests.support.system import Caller, System


def export_ready(caller: Caller) -> tuple[ExportReady, str]:
    export_id = uuid4()
    event = ExportReady(
        export_id=export_id, user_id=caller.user_id, resume_id=uuid4(), version=1,
        document="resume", format="pdf", template="classic", file_key="sha256/" + "0" * 64,
        sha256="0" * 64, size=1234, filename="resume.pdf",
    )  # fmt: skip
    return event, str(export_id)


def job_matched(caller: Caller, score: int) -> tuple[JobMatched, str]:
    job_id = uuid4()
    event = JobMatched(
        job_id=job_id, user_id=caller.user_id, resume_id=uuid4(), resume_version=1,
        score=score, model="test",
    )  # fmt: skip
    return event, str(job_id)


def ai_output_ready(caller: Caller) -> tuple[AIOutputReady, str]:
    ai_job_id = uuid4()
    event = AIOutputReady(
        ai_job_id=ai_job_id, kind="cover_letter", document_id=uuid4(), document_version=1,
        sha256="1" * 64, based_on_version=1, latest_resume_version=1, cached=False,
        model="offline",
    )  # fmt: skip
    return event, str(ai_job_id)


async def notified_once(
    system: System, caller: Caller, event: Any, aggregate_id: str, kind: str
) -> dict[str, Any]:
    """Append `event` for `caller`, expect one notification, and deliver it twice more."""
    envelope = synthetic(event, aggregate_id, caller.user_id)
    seq = await publish(system, envelope)
    found = await eventually(lambda: notifications(caller), lambda items: len(items) >= 1)
    await consumed(system, NOTIFY.durable, seq)
    # Redeliveries: the notifier's handler gets the very same stored event again.
    (stored,) = [
        r for r in (await system.deps.events.load(envelope.aggregate_type, aggregate_id)).events
        if r.envelope.event_id == envelope.event_id
    ]  # fmt: skip
    notifier = Notifier(Repository(system.deps.events), NotifierSettings().strong_match_score)
    await asyncio.gather(notifier(stored), notifier(stored))
    after = await notifications(caller)
    assert [(n["kind"], n["subject_id"], n["cause_type"]) for n in after] == [
        (kind, aggregate_id, envelope.type)
    ]
    assert after == found
    history = await system.deps.events.load("notification", after[0]["notification_id"])
    assert [r.envelope.type for r in history.events] == ["NotificationCreated"]
    return after[0]


async def test_an_export_ready_notifies_its_owner_once(system: System) -> None:
    ada = await system.user()
    event, export_id = export_ready(ada)
    notification = await notified_once(system, ada, event, export_id, "export_ready")
    assert notification["subject_type"] == "export"
    assert notification["read_at"] is None
    assert "PDF" in notification["title"]


async def test_an_ai_output_ready_notifies_its_owner_once(system: System) -> None:
    ada = await system.user()
    event, ai_job_id = ai_output_ready(ada)
    notification = await notified_once(system, ada, event, ai_job_id, "ai_output_ready")
    assert "cover letter" in notification["title"]


async def test_a_strong_job_match_notifies_once_and_a_weak_one_not_at_all(system: System) -> None:
    ada = await system.user()
    weak, weak_job = job_matched(ada, 55)
    seq = await publish(system, synthetic(weak, weak_job, ada.user_id))
    await consumed(system, NOTIFY.durable, seq)
    assert await notifications(ada) == []
    strong, job_id = job_matched(ada, 91)
    notification = await notified_once(system, ada, strong, job_id, "strong_match")
    assert "91%" in notification["title"]


async def test_notifications_are_marked_read_one_by_one_or_all_at_once(system: System) -> None:
    ada = await system.user()
    for _ in range(3):
        event, export_id = export_ready(ada)
        await publish(system, synthetic(event, export_id, ada.user_id))
    items = await eventually(lambda: notifications(ada), lambda got: len(got) == 3)
    first = items[-1]["notification_id"]
    read = await ada.post(f"/notifications/{first}/read")
    assert read.status_code == 200, read.text
    assert read.json()["read_at"] is not None
    again = await ada.post(f"/notifications/{first}/read")
    assert again.json()["read_at"] == read.json()["read_at"]
    page = (await ada.get("/notifications", params={"unread": "true"})).json()
    assert (len(page["items"]), page["unread"]) == (2, 2)
    assert first not in [n["notification_id"] for n in page["items"]]
    marked = await ada.post("/notifications/read-all")
    assert marked.json() == {"marked": 2}
    page = (await ada.get("/notifications", params={"unread": "true"})).json()
    assert (page["items"], page["unread"]) == ([], 0)


async def test_notifications_are_paginated_newest_first(system: System) -> None:
    ada = await system.user()
    for _ in range(3):
        event, export_id = export_ready(ada)
        await publish(system, synthetic(event, export_id, ada.user_id))
    everything = await eventually(lambda: notifications(ada), lambda got: len(got) == 3)
    first = (await ada.get("/notifications", params={"limit": 2})).json()
    rest = await ada.get("/notifications", params={"limit": 2, "before": first["next_before"]})
    seqs = [n["seq"] for n in first["items"] + rest.json()["items"]]
    assert seqs == [n["seq"] for n in everything] == sorted(seqs, reverse=True)


async def test_another_users_notifications_are_never_visible(system: System) -> None:
    ada, eve = await system.user("Ada"), await system.user("Eve")
    event, export_id = export_ready(ada)
    await publish(system, synthetic(event, export_id, ada.user_id))
    (mine,) = await eventually(lambda: notifications(ada), lambda got: len(got) == 1)
    assert await notifications(eve) == []
    refused = await eve.post(f"/notifications/{mine['notification_id']}/read")
    assert refused.status_code == 404
    assert (await eve.post("/notifications/read-all")).json() == {"marked": 0}
    assert (await notifications(ada))[0]["read_at"] is None


@asynccontextmanager
async def served(system: System) -> AsyncIterator[str]:
    """The running gateway app behind a real HTTP server on loopback (streams need one)."""
    app = cast(FastAPI, cast(Any, system.api._transport).app)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_the_stream_pushes_a_new_notification_of_the_caller_only(system: System) -> None:
    ada, eve = await system.user("Ada"), await system.user("Eve")
    async with (
        served(system) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as client,
        client.stream("GET", "/notifications/stream", headers=ada.auth) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        others, other_id = export_ready(eve)
        await publish(system, synthetic(others, other_id, eve.user_id))
        event, export_id = export_ready(ada)
        await publish(system, synthetic(event, export_id, ada.user_id))
        received: dict[str, str] = {}
        async with asyncio.timeout(30):
            async for line in stream.aiter_lines():
                if line.startswith(("event:", "id:", "data:")):
                    name, _, value = line.partition(":")
                    received[name] = value.strip()
                if "data" in received:
                    break
    assert received["event"] == "notification"
    data = json.loads(received["data"])
    assert (data["kind"], data["subject_id"]) == ("export_ready", export_id)
    assert received["id"] == str(data["seq"])
