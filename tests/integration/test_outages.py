"""Outages are not failures: a frozen PostgreSQL never turns valid uploads into rejections,
and `jobtrail dlq retry` really re-runs dead-lettered work, superseding its failure.

These tests run their own embedded stack (they freeze its PostgreSQL) and a system whose
consumers use a small delivery budget, so "longer than the budget" takes seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from hashlib import sha256
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prometheus_client import REGISTRY

from jobtrail.cli import operations
from jobtrail.cli.settings import CliSettings
from jobtrail.docstore import NewDocumentVersion
from jobtrail.eventlog import AggregateHistory
from jobtrail.eventlog.topology import DEFINITIONS_ENV, definitions_dir
from jobtrail.events import EventContext, uuid7
from jobtrail.events.ai import AIJobQueued
from jobtrail.events.resumes import ResumeUploaded
from jobtrail.stack.embedded import EmbeddedStack
from jobtrail.stack.endpoints import StackEndpoints
from tests.support.documents import resume_pdf
from tests.support.system import System, connection_settings, running_system

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "sample.resume.json").read_text())
# Every consumer: 5 deliveries 0.5-1 s apart, and a hung attempt counts as failed after 1 s.
ACK_WAIT_NS = 3_000_000_000
BACKOFF = "0.5,1,1,1"
ATTEMPT_TIMEOUT_S = "1"
MAX_DELIVER = 5  # deploy/nats, unchanged
UPLOADS = 2
# The freeze lasts until the resume service has made as many attempts as the delivery
# budget of every upload allows: without the fix, each upload would be dead-lettered by then.
FREEZE_ATTEMPTS = UPLOADS * MAX_DELIVER
FREEZE_TIMEOUT = 180.0
SETTLE_TIMEOUT = 120.0


@pytest.fixture(scope="module")
def small_budget_topology() -> Iterator[Path]:
    """deploy/nats with a delivery budget of seconds, for the system under test only."""
    folder = Path(tempfile.mkdtemp(prefix="jobtrail-nats-defs-"))
    shutil.copytree(definitions_dir(), folder, dirs_exist_ok=True)
    for path in (folder / "consumers").glob("*/*.json"):
        config = json.loads(path.read_text())
        config["ack_wait"] = ACK_WAIT_NS
        config["metadata"] = {
            **config.get("metadata", {}),
            "jobtrail_backoff_seconds": BACKOFF,
            "jobtrail_attempt_timeout_seconds": ATTEMPT_TIMEOUT_S,
        }
        path.write_text(json.dumps(config))
    previous = os.environ.get(DEFINITIONS_ENV)
    os.environ[DEFINITIONS_ENV] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop(DEFINITIONS_ENV, None)
        else:
            os.environ[DEFINITIONS_ENV] = previous
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
async def outage_system(
    own_stack: EmbeddedStack, small_budget_topology: Path
) -> AsyncIterator[System]:
    endpoints = _endpoints(own_stack)
    async with running_system(endpoints) as running:
        yield running


def _endpoints(stack: EmbeddedStack) -> StackEndpoints:
    endpoints = stack.start()  # already started: returns its endpoints
    return endpoints


def postgres_pids(stack: EmbeddedStack) -> list[int]:
    """The postmaster (from its lock file) and every process it forked."""
    [postgres] = [server for server in stack.servers if server.name == "postgres"]
    postmaster = postgres.pid
    assert postmaster is not None, "the embedded PostgreSQL is not running"
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    return [postmaster, *(int(pid) for pid in children)]


def _outages_waited_out(consumer: str) -> float:
    sample = REGISTRY.get_sample_value(
        "jobtrail_events_handled_total",
        {"consumer": consumer, "type": "ResumeUploaded", "outcome": "outage"},
    )
    return sample or 0.0


def _attempts(consumer: str) -> float:
    """Handler attempts on uploads so far (each one, however it ended, is timed)."""
    sample = REGISTRY.get_sample_value(
        "jobtrail_event_handle_seconds_count", {"consumer": consumer, "type": "ResumeUploaded"}
    )
    return sample or 0.0


async def _attempts_since(before: float, wanted: int) -> bool:
    return _attempts("resume-parse") - before >= wanted


async def test_uploads_made_while_postgres_is_frozen_past_the_delivery_budget_all_end_parsed(
    outage_system: System, own_stack: EmbeddedStack
) -> None:
    ada = await outage_system.user()
    settings = CliSettings(**connection_settings(outage_system.stack))
    letters_before = len(await operations.dead_letters(settings))
    outages_before = _outages_waited_out("resume-parse")
    attempts_before = _attempts("resume-parse")
    frozen = postgres_pids(own_stack)
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        # Uploaded while the database is frozen: the upload's write path is S3 and the log
        # (what `POST /resumes` does), so the resume service meets the frozen database.
        resume_ids = [await _upload_directly(outage_system, ada.user_id, n) for n in range(UPLOADS)]
        await _eventually(
            lambda: _attempts_since(attempts_before, FREEZE_ATTEMPTS), timeout=FREEZE_TIMEOUT
        )
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)

    settled = [await _settled(ada, resume_id) for resume_id in resume_ids]
    assert [body["status"] for body in settled] == ["parsed"] * UPLOADS, settled
    # The freeze did hit the resume service, and it waited it out.
    assert _outages_waited_out("resume-parse") > outages_before
    assert len(await operations.dead_letters(settings)) == letters_before
    for resume_id in resume_ids:
        history = await outage_system.deps.events.load("resume", resume_id)
        types = [e.envelope.type for e in history.events]
        assert types == [
            "ResumeUploaded", "ResumeParsed", "ResumeVersionCreated", "ResumeVersionAccepted",
        ]  # fmt: skip
        assert await outage_system.deps.documents.latest_version(UUID(resume_id)) == 1


async def test_a_dead_lettered_upload_retried_with_dlq_retry_ends_parsed_superseding_the_rejection(
    outage_system: System,
) -> None:
    ada = await outage_system.user()
    deps = outage_system.deps
    data = resume_pdf(SAMPLE) + f"\n% late file {uuid7()}".encode()
    digest = sha256(data).hexdigest()
    key = await deps.files.key_for(data, UUID(ada.user_id))  # sealed with Ada's key
    resume_id = uuid7()
    # The upload names a file S3 does not have yet: the handler fails permanently, once.
    event = ResumeUploaded(
        resume_id=resume_id, user_id=UUID(ada.user_id), filename="late.pdf",
        media_type="application/pdf", size=len(data), sha256=digest, file_key=key,
    )  # fmt: skip
    context = EventContext(actor=f"user:{ada.user_id}", correlation_id="late-file",
                           owner_id=UUID(ada.user_id))  # fmt: skip
    await deps.events.append(AggregateHistory("resume", str(resume_id)), [event], context)
    rejected = await _settled(ada, str(resume_id))
    assert rejected["status"] == "rejected"
    assert rejected["rejection"]["code"] == "file_missing"

    settings = CliSettings(**connection_settings(outage_system.stack))
    letters = await _eventually(lambda: _letters_for(settings, str(resume_id)))
    stored = await deps.files.put(data, "application/pdf", UUID(ada.user_id))  # it arrives
    assert (stored.key, stored.sha256) == (key, digest)

    sent = await operations.retry_dead_letters(settings, {letters[0].seq})
    assert [d.seq for d in sent] == [letters[0].seq]

    parsed = await _eventually(lambda: _status_is(ada, str(resume_id), "parsed"))
    assert parsed["rejection"] is None
    history = await deps.events.load("resume", resume_id)
    assert [e.envelope.type for e in history.events] == [
        "ResumeUploaded", "ResumeRejected", "ResumeRetryRequested", "ResumeParsed",
        "ResumeVersionCreated", "ResumeVersionAccepted",
    ]  # fmt: skip
    # The rejection is still in the log as it was written: superseded, not edited.
    assert history.events[1].envelope.data["code"] == "file_missing"
    assert await _letters_for(settings, str(resume_id)) == []


async def _upload_directly(system: System, user_id: str, n: int) -> str:
    data = resume_pdf(SAMPLE) + f"\n% upload {n} {uuid7()}".encode()
    stored = await system.deps.files.put(data, "application/pdf", UUID(user_id))
    resume_id = uuid7()
    event = ResumeUploaded(
        resume_id=resume_id, user_id=UUID(user_id), filename=f"resume-{n}.pdf",
        media_type="application/pdf", size=stored.size, sha256=stored.sha256,
        file_key=stored.key, file_version=stored.version_id,
    )  # fmt: skip
    context = EventContext(actor=f"user:{user_id}", correlation_id=f"frozen-{n}",
                           owner_id=UUID(user_id))  # fmt: skip
    await system.deps.events.append(AggregateHistory("resume", str(resume_id)), [event], context)
    return str(resume_id)


async def _settled(caller: Any, resume_id: str) -> dict[str, Any]:
    """Parsed or rejected, once the read models have caught up after the freeze."""

    async def outcome() -> dict[str, Any] | None:
        response = await caller.get(f"/resumes/{resume_id}")
        if response.status_code == 404:  # the projector is still catching up
            return None
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return None if body["status"] == "processing" else body

    result: dict[str, Any] = await _eventually(outcome, timeout=SETTLE_TIMEOUT)
    return result


async def _status_is(caller: Any, resume_id: str, status: str) -> dict[str, Any] | None:
    body: dict[str, Any] = (await caller.get(f"/resumes/{resume_id}")).json()
    return body if body["status"] == status else None


async def _letters_for(settings: CliSettings, marker: str) -> list[operations.DeadLetter]:
    return [d for d in await operations.dead_letters(settings) if marker.encode() in d.data]


async def _eventually(probe: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await probe()
        if result:
            return result
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)


async def test_a_dead_lettered_ai_job_retried_with_dlq_retry_succeeds_superseding_its_failure(
    outage_system: System,
) -> None:
    ada = await outage_system.user()
    deps = outage_system.deps
    resume_id, ai_job_id = uuid7(), uuid7()
    # The job names a resume version the document store does not have yet: dead-lettered.
    queued = AIJobQueued(
        ai_job_id=ai_job_id, user_id=UUID(ada.user_id), kind="summarize_resume",
        resume_id=resume_id, resume_version=1,
    )  # fmt: skip
    context = EventContext(actor=f"user:{ada.user_id}", correlation_id="late-resume",
                           owner_id=UUID(ada.user_id))  # fmt: skip
    await deps.events.append(AggregateHistory("ai_job", str(ai_job_id)), [queued], context)
    failed = await _eventually(lambda: _ai_job_in(ada, str(ai_job_id), "FAILURE"))
    assert failed["error"]["code"] == "input_unavailable", failed

    settings = CliSettings(**connection_settings(outage_system.stack))
    letters = await _eventually(lambda: _letters_for(settings, str(ai_job_id)))
    await deps.documents.put(
        NewDocumentVersion(doc_id=resume_id, version=1, kind="resume", source="import",
                           owner_id=UUID(ada.user_id), content=SAMPLE)
    )  # fmt: skip
    await operations.retry_dead_letters(settings, {letters[0].seq})

    done = await _eventually(lambda: _ai_job_in(ada, str(ai_job_id), "SUCCESS"))
    assert done["error"] is None, done
    history = await deps.events.load("ai_job", ai_job_id)
    types = [e.envelope.type for e in history.events]
    assert types[:3] == ["AIJobQueued", "AIJobFailed", "AIJobRetryRequested"]
    assert types[-1] == "AIOutputReady"
    assert types.count("AIOutputReady") == 1


async def _ai_job_in(caller: Any, ai_job_id: str, status: str) -> dict[str, Any] | None:
    response = await caller.get(f"/ai-jobs/{ai_job_id}")
    if response.status_code == 404:  # not projected yet
        return None
    body: dict[str, Any] = response.json()
    return body if body["status"] == status else None
