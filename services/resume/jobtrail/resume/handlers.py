"""Turning an uploaded file into version 1 of the resume's document.

Idempotent without an inbox: the decision is a function of the resume's own events. A
redelivered upload finds the resume already parsed or rejected and decides nothing; one
that crashed between storing the document and appending the events stores the same
content again (a no-op) and appends events with the same ids. Only outcomes after the
latest `ResumeRetryRequested` count, so `jobtrail dlq retry` makes the service decide again.
An outage (database, NATS or S3 unavailable) is never turned into a rejection: the
consumer waits it out; only an error retrying cannot fix reaches `give_up`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import structlog

from jobtrail.blobs import BlobNotFound, BlobStore
from jobtrail.docstore import DocumentStore, NewDocumentVersion
from jobtrail.events import (
    ConcurrencyConflict,
    Event,
    EventContext,
    EventStore,
    PermanentFailure,
    RecordedEvent,
)
from jobtrail.events.resumes import (
    ResumeParsed,
    ResumeRejected,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)
from jobtrail.events.retries import decided
from jobtrail.resume.errors import UnreadableResume, file_gone, internal_error
from jobtrail.resume.reading import ReadResume, read_resume

ACTOR = "service:resume"
CONFLICT_ATTEMPTS = 3
OUTCOMES = ("ResumeParsed", "ResumeRejected")

log = structlog.get_logger("jobtrail.resume")


@dataclass
class ResumeDeps:
    events: EventStore
    documents: DocumentStore
    files: BlobStore
    max_file_bytes: int


async def parse_upload(recorded: RecordedEvent, deps: ResumeDeps) -> None:
    """On ResumeUploaded: read the file, store version 1, record the outcome."""
    upload = recorded.event
    if not isinstance(upload, ResumeUploaded):
        return
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            await _parse_once(recorded, upload, deps)
            return
        except ConcurrencyConflict:
            # Another copy (or a redelivery) wrote meanwhile: reload and decide again.
            if attempt == CONFLICT_ATTEMPTS:
                raise


async def _parse_once(recorded: RecordedEvent, upload: ResumeUploaded, deps: ResumeDeps) -> None:
    history = await deps.events.load("resume", upload.resume_id)
    if _already_decided(history.events):
        return
    try:
        data = await deps.files.get(upload.file_key, upload.file_version)
    except BlobNotFound as missing:  # S3 answered that it has no such file: not an outage
        raise PermanentFailure(f"the uploaded file is gone: {missing}") from missing
    try:
        read = await asyncio.to_thread(read_resume, data, deps.max_file_bytes)
    except UnreadableResume as unreadable:
        log.info("resume.rejected", resume_id=str(upload.resume_id), code=unreadable.code)
        decided: list[Event] = [
            ResumeRejected(
                resume_id=upload.resume_id, code=unreadable.code, reason=unreadable.message
            )
        ]
    else:
        decided = await _store_first_version(deps, upload, read)
    context = EventContext.caused_by(recorded.envelope, actor=ACTOR)
    await deps.events.append(history, decided, context)


async def give_up(recorded: RecordedEvent, deps: ResumeDeps, reason: str) -> None:
    """After the last attempt: tell the job seeker, rather than leave them waiting."""
    upload = recorded.event
    if not isinstance(upload, ResumeUploaded):
        return
    history = await deps.events.load("resume", upload.resume_id)
    if _already_decided(history.events):
        return
    # Never the file's fault by default: only a file that is really gone says so.
    gone = reason.startswith(f"{PermanentFailure.__name__}: the uploaded file is gone")
    why = file_gone() if gone else internal_error()
    rejected = ResumeRejected(resume_id=upload.resume_id, code=why.code, reason=why.message)
    await deps.events.append(history, [rejected], EventContext.caused_by(recorded.envelope, ACTOR))


async def _store_first_version(
    deps: ResumeDeps, upload: ResumeUploaded, read: ReadResume
) -> list[Event]:
    stored = await deps.documents.put(
        NewDocumentVersion(
            doc_id=upload.resume_id,
            version=1,
            kind="resume",
            source="import",
            owner_id=upload.user_id,
            content=read.document,
            metadata={"file_sha256": upload.sha256, "file_kind": read.file_kind},
        )
    )
    log.info("resume.parsed", resume_id=str(upload.resume_id), kind=read.file_kind)
    return [
        ResumeParsed(
            resume_id=upload.resume_id, file_kind=read.file_kind, document_version=1,
            sha256=stored.sha256, text_chars=read.text_chars,
        ),
        ResumeVersionCreated(
            resume_id=upload.resume_id, version=1, parent_version=None, source="import",
            sha256=stored.sha256,
        ),
        ResumeVersionAccepted(resume_id=upload.resume_id, version=1),
    ]  # fmt: skip


def _already_decided(events: list[RecordedEvent]) -> bool:
    return decided(events, OUTCOMES)
