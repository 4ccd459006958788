"""At-least-once delivery: redelivered events change nothing; failures end somewhere visible."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from jobtrail.cli import operations
from jobtrail.cli.settings import CliSettings
from jobtrail.eventlog import AggregateHistory
from jobtrail.events import EventContext, RecordedEvent, uuid7
from jobtrail.events.resumes import ResumeUploaded
from jobtrail.gateway.readmodels import projection
from jobtrail.gateway.readmodels.audit import verify_chain
from jobtrail.gateway.readmodels.projection import ReadModels
from jobtrail.gateway.readmodels.projector import checkpoint
from jobtrail.resume.declarations import SERVICE as RESUME
from jobtrail.resume.handlers import ResumeDeps, parse_upload
from tests.support.applications import new_application, parsed_resume, patch
from tests.support.documents import resume_pdf
from tests.support.readmodels import changed_rows, quiet_dump
from tests.support.system import Caller, System, connection_settings

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "sample.resume.json").read_text())


def resume_deps(system: System) -> ResumeDeps:
    deps = system.deps
    events = system.events_of(RESUME)
    return ResumeDeps(events, deps.documents, deps.files, max_file_bytes=10 * 1024 * 1024)


async def uploaded(system: System, caller: Caller, resume_id: str) -> RecordedEvent:
    history = await system.deps.events.load("resume", resume_id)
    return history.events[0]


async def test_a_redelivered_upload_is_parsed_once(system: System) -> None:
    ada = await system.user()
    resume_id = await ada.upload("resume.pdf", resume_pdf(SAMPLE))
    await ada.settled_resume(resume_id)
    before = await system.deps.events.load("resume", resume_id)

    upload = await uploaded(system, ada, resume_id)
    await parse_upload(upload, resume_deps(system))
    await parse_upload(upload, resume_deps(system))

    after = await system.deps.events.load("resume", resume_id)
    assert [e.seq for e in after.events] == [e.seq for e in before.events]
    assert await system.deps.documents.latest_version(UUID(resume_id)) == 1


async def test_a_handler_that_crashed_before_appending_finishes_the_job_on_redelivery(
    system: System,
) -> None:
    ada = await system.user()
    resume_id = await ada.upload("resume.pdf", resume_pdf(SAMPLE))
    await ada.settled_resume(resume_id)
    # Replay the upload into a fresh aggregate: as if the first attempt stored version 1
    # and died before its events were appended.
    upload = await uploaded(system, ada, resume_id)
    fresh_id = uuid7()
    copy = ResumeUploaded.model_validate({**upload.envelope.data, "resume_id": str(fresh_id)})
    context = EventContext(actor=f"user:{ada.user_id}", correlation_id="crash-test",
                           owner_id=UUID(ada.user_id))  # fmt: skip
    [recorded] = await system.deps.events.append(
        AggregateHistory("resume", str(fresh_id)), [copy], context
    )
    first = await system.deps.documents.get(UUID(resume_id), 1)
    from jobtrail.docstore import NewDocumentVersion

    await system.deps.documents.put(
        NewDocumentVersion(
            doc_id=fresh_id,
            version=1,
            kind="resume",
            source="import",
            owner_id=UUID(ada.user_id),
            content=first.content,
            metadata=first.metadata,
        )
    )
    await parse_upload(recorded, resume_deps(system))
    await parse_upload(recorded, resume_deps(system))

    history = await system.deps.events.load("resume", fresh_id)
    assert [e.envelope.type for e in history.events] == [
        "ResumeUploaded", "ResumeParsed", "ResumeVersionCreated", "ResumeVersionAccepted",
    ]  # fmt: skip


async def test_every_applier_applied_again_to_the_same_events_changes_nothing(
    system: System,
) -> None:
    """A redelivered batch runs every read-model applier a second time on the same events
    (as a replay that overlaps the live projector does): the tables must end as they were."""
    ada = await system.user()
    resume_id = await parsed_resume(ada)
    created = await new_application(ada, resume_id)
    path = f"/applications/{created['application_id']}"
    moved = await patch(ada, path, {"status": "applied", "note": "sent", "next_step": "call"})
    assert moved.status_code == 200, moved.text
    marked = await patch(ada, f"/jobs/{created['job_id']}", {"saved": True, "notes": "remote?"})
    assert marked.status_code == 200, marked.text
    owner = UUID(ada.user_id)
    mine = [
        e
        async for chunk, _ in system.deps.events.read_chunks(on_undecodable=lambda *_: None)
        for e in chunk
        if e.envelope.owner_id == owner
    ]  # other tests put junk on the stream on purpose: passed over, as the projector does
    assert len({e.envelope.type for e in mine}) >= 8  # a wide mix of event types

    for _ in range(20):  # background work (match scoring) may append meanwhile: try again
        before, position = await quiet_dump(system)
        async with system.deps.engine.begin() as connection:
            await ReadModels().apply(connection, mine)  # every applier, a second time
        after, again = await quiet_dump(system)
        if again == position:
            break
    else:
        raise AssertionError("the log never stood still long enough to compare")
    changed = changed_rows(before, after)
    assert changed == {}, f"applied twice, these rows changed (before, after): {changed}"


async def test_an_upload_whose_file_is_gone_is_rejected_and_dead_lettered_then_retried(
    system: System,
) -> None:
    ada = await system.user()
    data = resume_pdf(SAMPLE) + b"\n% unique " + uuid7().bytes.hex().encode()
    resume_id = uuid7()
    missing_key = f"sha256/missing-{resume_id}"
    event = ResumeUploaded(
        resume_id=resume_id, user_id=UUID(ada.user_id), filename="gone.pdf",
        media_type="application/pdf", size=len(data), sha256="0" * 64, file_key=missing_key,
    )  # fmt: skip
    context = EventContext(actor=f"user:{ada.user_id}", correlation_id="gone",
                           owner_id=UUID(ada.user_id))  # fmt: skip
    appended = await system.deps.events.append(
        AggregateHistory("resume", str(resume_id)), [event], context
    )
    await system.deps.settled(appended)

    rejected = await ada.settled_resume(str(resume_id))
    assert rejected["status"] == "rejected"
    assert rejected["rejection"]["code"] == "file_missing"
    assert "upload it again" in rejected["rejection"]["reason"]

    settings = CliSettings(**connection_settings(system.stack))
    # The event's data (the file key) is sealed in the letter; its envelope names the resume.
    letters = await _eventually(lambda: _letters_for(settings, str(resume_id)))
    assert letters[0].consumer == "resume-parse"
    assert "the uploaded file is gone" in letters[0].error

    sent = await operations.retry_dead_letters(settings, {letters[0].seq})
    assert [d.seq for d in sent] == [letters[0].seq]
    # The retry really re-runs the work; the file is still gone, so it ends the same way.
    again = await _eventually(
        lambda: _letters_for(settings, str(resume_id), after=letters[0].seq), timeout=30.0
    )
    assert "the uploaded file is gone" in again[0].error

    async def types() -> list[str]:
        history = await system.deps.events.load("resume", resume_id)
        return [e.envelope.type for e in history.events]

    await _eventually(lambda: _has_length(types, 4))
    assert await types() == [
        "ResumeUploaded", "ResumeRejected", "ResumeRetryRequested", "ResumeRejected",
    ]  # fmt: skip


async def _has_length(probe: Any, length: int) -> bool:
    return len(await probe()) >= length


async def _letters_for(
    settings: CliSettings, key: str, expect_none: bool = False, after: int = 0
) -> list[operations.DeadLetter]:
    found = [
        d
        for d in await operations.dead_letters(settings)
        if key.encode() in d.data and d.seq > after
    ]
    return found if (found or expect_none) else []


async def _eventually(probe: Any, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await probe()
        if result:
            return result
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)


async def test_a_message_that_is_not_an_event_does_not_stop_the_read_models(system: System) -> None:
    js = system.deps.events._js
    junk = await js.publish(f"jobtrail.events.junk.{uuid7()}.Junk", b"not an envelope")
    ada = await system.user()  # appended after the junk: visible only if the projector moved on
    me = await ada.get("/users/me")
    assert me.status_code == 200
    assert await checkpoint(system.deps.engine, projection.NAME) > junk.seq


async def test_an_envelope_appended_twice_is_audited_twice_and_the_chain_goes_on(
    system: System,
) -> None:
    ada = await system.user()
    [first] = (await system.deps.events.load("user", ada.user_id)).events
    js = system.deps.events._js
    # A new Msg-Id: as if the same envelope were appended again after the duplicate window.
    repeat = await js.publish(first.envelope.subject, first.envelope.to_json(),
                              headers={"Nats-Msg-Id": f"repeat-{uuid7()}"})  # fmt: skip
    later = await system.user()  # appended after the repeat: audited only if the chain went on
    audited = await _eventually(lambda: _audited(system, later.user_id))
    assert audited
    async with system.deps.engine.connect() as connection:
        seqs = (
            (
                await connection.execute(
                    sa.text("SELECT seq FROM gateway.audit_log WHERE event_id = :id ORDER BY seq"),
                    {"id": first.envelope.event_id},
                )
            )
            .scalars()
            .all()
        )
    assert list(seqs) == [first.seq, repeat.seq]
    assert (await verify_chain(system.deps.engine)).ok


async def _audited(system: System, aggregate_id: str) -> bool:
    async with system.deps.engine.connect() as connection:
        found = await connection.scalar(
            sa.text("SELECT count(*) FROM gateway.audit_log WHERE aggregate_id = :id"),
            {"id": aggregate_id},
        )
    return bool(found)
