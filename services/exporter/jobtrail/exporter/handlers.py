"""Rendering a requested export and recording the outcome on the export's aggregate.

Idempotent without an inbox: the decision is a function of the export's own events. A
redelivered request finds the export ready or failed and decides nothing; one that
crashed between storing the file and appending the event renders the same bytes again
(the files are keyed by their sha256, so that is a no-op) and appends an event with the
same id. Input that can never render (a missing document, an unknown template) is
answered with `ExportFailed` at once; an outage (database, NATS or S3 unavailable) is
waited out by the consumer; anything else is retried, and after the last attempt `give_up`
records the failure, so no job seeker waits forever. Only outcomes after the latest
`ExportRetryRequested` count, so `jobtrail dlq retry` makes the exporter render again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import structlog

from jobtrail.blobs import BlobStore
from jobtrail.docstore import DocumentNotFound, DocumentStore, DocumentVersion
from jobtrail.eventlog import EventStore
from jobtrail.events import ConcurrencyConflict, EventContext, RecordedEvent
from jobtrail.events.exports import ExportFailed, ExportReady, ExportRequested
from jobtrail.events.retries import decided
from jobtrail.exporter.render import Rendered, UnknownTemplate, render_letter, render_resume

ACTOR = "service:exporter"
CONFLICT_ATTEMPTS = 3
GAVE_UP = (
    "Something went wrong on our side while producing this file; it is not a problem with "
    "your document. Our team has been alerted and can retry it, or you can request it again later."
)
OUTCOMES = ("ExportReady", "ExportFailed")

log = structlog.get_logger("jobtrail.exporter")


@dataclass
class ExporterDeps:
    events: EventStore
    documents: DocumentStore
    files: BlobStore


class CannotRender(Exception):
    """The request can never be rendered; the message says why, for the job seeker."""


async def render_export(recorded: RecordedEvent, deps: ExporterDeps) -> None:
    """On ExportRequested: render the document, store the file, record ExportReady."""
    request = recorded.event
    if not isinstance(request, ExportRequested):
        return
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            await _render_once(recorded, request, deps)
            return
        except ConcurrencyConflict:
            if attempt == CONFLICT_ATTEMPTS:
                raise


async def _render_once(
    recorded: RecordedEvent, request: ExportRequested, deps: ExporterDeps
) -> None:
    history = await deps.events.load("export", request.export_id)
    if _already_decided(history.events):
        return
    context = EventContext.caused_by(recorded.envelope, actor=ACTOR)
    try:
        rendered = await _render(request, deps)
    except CannotRender as hopeless:
        log.info("export.failed", export_id=str(request.export_id), reason=str(hopeless))
        await deps.events.append(history, [failed(request, str(hopeless))], context)
        return
    stored = await deps.files.put(rendered.data, rendered.media_type)
    ready = ExportReady(
        **_identity(request),
        file_key=stored.key,
        file_version=stored.version_id,
        sha256=stored.sha256,
        size=stored.size,
        filename=rendered.filename,
    )
    log.info("export.ready", export_id=str(request.export_id), size=stored.size)
    await deps.events.append(history, [ready], context)


async def give_up(recorded: RecordedEvent, deps: ExporterDeps, reason: str) -> None:
    """After the last attempt: tell the job seeker, rather than leave them waiting."""
    request = recorded.event
    if not isinstance(request, ExportRequested):
        return
    history = await deps.events.load("export", request.export_id)
    if _already_decided(history.events):
        return
    log.warning("export.gave_up", export_id=str(request.export_id), error=reason[:500])
    context = EventContext.caused_by(recorded.envelope, ACTOR)
    await deps.events.append(history, [failed(request, GAVE_UP)], context)


def failed(request: ExportRequested, reason: str) -> ExportFailed:
    return ExportFailed(**_identity(request), reason=reason)


async def _render(request: ExportRequested, deps: ExporterDeps) -> Rendered:
    resume = await _document(deps, request.resume_id, request.version, "resume version")
    try:
        if request.document == "cover_letter":
            if request.cover_letter_id is None:
                raise CannotRender("the request names no cover letter; choose one and retry")
            letter = await _document(
                deps, request.cover_letter_id, request.cover_letter_version, "cover letter"
            )
            return await asyncio.to_thread(
                render_letter, letter.content, resume.content, request.format, request.template,
                letter.version,
            )  # fmt: skip
        return await asyncio.to_thread(
            render_resume, resume.content, request.format, request.template, request.version
        )
    except UnknownTemplate as unknown:
        raise CannotRender(str(unknown)) from unknown
    except CannotRender:
        raise
    except Exception as error:  # typst and python-docx: the same input fails the same way
        log.warning("export.render_error", export_id=str(request.export_id), exc_info=True)
        raise CannotRender(
            "This document could not be laid out as a file "
            f"({type(error).__name__}). Try the other template or format."
        ) from error


async def _document(
    deps: ExporterDeps, doc_id: UUID, version: int | None, what: str
) -> DocumentVersion:
    try:
        return await deps.documents.get(doc_id, version)
    except DocumentNotFound as missing:
        raise CannotRender(f"the {what} to export is gone ({missing})") from missing


def _identity(request: ExportRequested) -> dict[str, Any]:
    return {
        "export_id": request.export_id,
        "user_id": request.user_id,
        "application_id": request.application_id,
        "resume_id": request.resume_id,
        "version": request.version,
        "document": request.document,
        "format": request.format,
        "template": request.template,
    }


def _already_decided(events: list[RecordedEvent]) -> bool:
    return decided(events, OUTCOMES)
