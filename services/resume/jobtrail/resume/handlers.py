"""Turning an uploaded file into version 1 of the resume's document.

Idempotent without an inbox: the decision is a function of the resume's own events. A
redelivered upload finds the resume already parsed or rejected and decides nothing; one
that crashed between storing the document and appending the events stores the same
content again (a no-op; content parsed differently this time, as an LLM may, yields to the
version already stored) and appends events with the same ids. Only outcomes after the
latest `ResumeRetryRequested` count, so `jobtrail dlq retry` makes the service decide again.
An outage (database, NATS or S3 unavailable) is never turned into a rejection: the
consumer waits it out; only an error retrying cannot fix reaches `gave_up`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

from jobtrail.blobs import BlobNotFound, SealedBlobs
from jobtrail.docstore import DocumentStore, NewDocumentVersion, VersionConflict
from jobtrail.domain.resumes import Resume
from jobtrail.eventlog import EventStore, PermanentFailure
from jobtrail.eventlog.aggregates import Repository, dead_letter_decision
from jobtrail.events import Event, EventContext, RecordedEvent
from jobtrail.events.parse_reports import REPORT_KEY, ParseReport
from jobtrail.events.resumes import (
    ResumeParsed,
    ResumeRejected,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)
from jobtrail.resume import report
from jobtrail.resume.adapters.llm import LLMPass
from jobtrail.resume.adapters.ocr import OcrLimits
from jobtrail.resume.domain.errors import UnreadableResume, file_gone, internal_error
from jobtrail.resume.reading import ReadResume, read_resume

ACTOR = "service:resume"

log = structlog.get_logger("jobtrail.resume")


@dataclass
class ResumeDeps:
    events: EventStore
    documents: DocumentStore
    files: SealedBlobs
    max_file_bytes: int
    ocr: OcrLimits = field(default_factory=OcrLimits)
    # The optional LLM pass (`llm.py`); None (the default) keeps the local parse.
    llm: LLMPass | None = None

    @property
    def repository(self) -> Repository:
        return Repository(self.events)


async def parse_upload(recorded: RecordedEvent, deps: ResumeDeps) -> None:
    """On ResumeUploaded: read the file, store version 1, record the outcome.

    A concurrent append (another copy, a redelivery) makes it decide again on the newer
    history, where the resume is usually parsed already and nothing is left to do.
    """
    upload = recorded.event
    if not isinstance(upload, ResumeUploaded):
        return

    async def decide(resume: Resume) -> list[Event]:
        if not resume.awaiting_parse:
            return []
        return await _parse(upload, deps)

    context = EventContext.caused_by(recorded.envelope, actor=ACTOR)
    await deps.repository.execute(Resume, upload.resume_id, decide, context)


async def _parse(upload: ResumeUploaded, deps: ResumeDeps) -> list[Event]:
    try:
        data = await deps.files.get(upload.file_key, upload.file_version)
    except BlobNotFound as missing:  # S3 answered that it has no such file: not an outage
        raise PermanentFailure(f"the uploaded file is gone: {missing}") from missing
    try:
        # Off the event loop: OCR of a scan takes seconds (and bounds itself per page).
        read = await asyncio.to_thread(read_resume, data, deps.max_file_bytes, deps.ocr)
    except UnreadableResume as unreadable:
        log.info("resume.rejected", resume_id=str(upload.resume_id), code=unreadable.code)
        return [
            ResumeRejected(
                resume_id=upload.resume_id, code=unreadable.code, reason=unreadable.message
            )
        ]
    return await _store_first_version(deps, upload, read)


def gave_up(resume: Resume, upload: ResumeUploaded, reason: str) -> list[ResumeRejected]:
    """After the last attempt: tell the job seeker, rather than leave them waiting."""
    if not resume.awaiting_parse:
        return []
    # Never the file's fault by default: only a file that is really gone says so.
    gone = reason.startswith(f"{PermanentFailure.__name__}: the uploaded file is gone")
    why = file_gone() if gone else internal_error()
    return [ResumeRejected(resume_id=upload.resume_id, code=why.code, reason=why.message)]


def on_dead_letter(deps: ResumeDeps) -> Callable[[RecordedEvent, str], Awaitable[None]]:
    return dead_letter_decision(
        deps.repository, Resume, ResumeUploaded, lambda upload: upload.resume_id, gave_up, ACTOR
    )


async def _store_first_version(
    deps: ResumeDeps, upload: ResumeUploaded, read: ReadResume
) -> list[Event]:
    document, parse_report = await _understand(read, deps.llm)
    new = NewDocumentVersion(
        doc_id=upload.resume_id,
        version=1,
        kind="resume",
        source="import",
        owner_id=upload.user_id,
        content=document,
        metadata={
            "file_sha256": upload.sha256,
            "file_kind": read.file_kind,
            REPORT_KEY: parse_report.model_dump(mode="json"),
        },
    )
    try:
        stored = await deps.documents.put(new)
    except VersionConflict:
        # An earlier attempt stored version 1 (and its report) but crashed before the events:
        # that parse stands, since a parser or an LLM may read the file differently now.
        stored = await deps.documents.get(upload.resume_id, 1)
    log.info(
        "resume.parsed",
        resume_id=str(upload.resume_id),
        kind=read.file_kind,
        ocr_pages=len(read.ocr.pages) if read.ocr else 0,
        ocr_seconds=round(sum(read.ocr.seconds), 3) if read.ocr else 0.0,
    )
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


async def _understand(read: ReadResume, llm: LLMPass | None) -> tuple[dict[str, Any], ParseReport]:
    """The document to store and its parse report: the LLM pass's arrangement where it ran."""
    if read.parsed is None:
        return read.document, report.not_parsed(read.extracted)
    if llm is None:
        return read.document, report.build(read.extracted, read.parsed)
    refined = await llm.refine(read.extracted.text, read.parsed)
    built = report.build(
        read.extracted, read.parsed, confidence=refined.confidence,
        document=refined.document, llm=refined.provenance,
    )  # fmt: skip
    return refined.document, built
