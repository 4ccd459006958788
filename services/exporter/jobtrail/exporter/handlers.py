"""Rendering a requested export and recording the outcome on the export's aggregate.

Idempotent without an inbox: the decision is a function of the export's own events. A
redelivered request finds the export ready or failed and decides nothing; one that
crashed between storing the file and appending the event renders the same bytes again
(the files are keyed by their sha256, so that is a no-op) and appends an event with the
same id. Input that can never render (a missing document, an unknown template) is
answered with `ExportFailed` at once; an outage (database, NATS or S3 unavailable) is
waited out by the consumer; anything else is retried, and after the last attempt `gave_up`
records the failure, so no job seeker waits forever. Only outcomes after the latest
`ExportRetryRequested` count, so `jobtrail dlq retry` makes the exporter render again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import structlog

from jobtrail.blobs import SealedBlobs
from jobtrail.docstore import DocumentNotFound, DocumentStore, DocumentVersion
from jobtrail.domain.exports import Export
from jobtrail.eventlog.aggregates import EventLog, Repository, dead_letter_decision
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.exports import ExportFailed, ExportReady, ExportRequested
from jobtrail.exporter.render import Rendered, UnknownTemplate, render_letter, render_resume

ACTOR = "service:exporter"
GAVE_UP = (
    "Something went wrong on our side while producing this file; it is not a problem with "
    "your document. Our team has been alerted and can retry it, or you can request it again later."
)

log = structlog.get_logger("jobtrail.exporter")


@dataclass
class ExporterDeps:
    events: EventLog
    documents: DocumentStore
    files: SealedBlobs

    @property
    def repository(self) -> Repository:
        return Repository(self.events)


class CannotRender(Exception):
    """The request can never be rendered; the message says why, for the job seeker."""


async def render_export(recorded: RecordedEvent, deps: ExporterDeps) -> None:
    """On ExportRequested: render the document, store the file, record ExportReady."""
    request = recorded.event
    if not isinstance(request, ExportRequested):
        return

    async def decide(export: Export) -> list[ExportReady | ExportFailed]:
        if not export.awaiting_render:  # a redelivery, or another copy finished it
            return []
        return [await _render_and_store(request, deps)]

    context = EventContext.caused_by(recorded.envelope, actor=ACTOR)
    await deps.repository.execute(Export, request.export_id, decide, context)


async def _render_and_store(
    request: ExportRequested, deps: ExporterDeps
) -> ExportReady | ExportFailed:
    try:
        rendered = await _render(request, deps)
    except CannotRender as hopeless:
        log.info("export.failed", export_id=str(request.export_id), reason=str(hopeless))
        return failed(request, str(hopeless))
    stored = await deps.files.put(rendered.data, rendered.media_type, request.user_id)
    log.info("export.ready", export_id=str(request.export_id), size=stored.size)
    return ExportReady(
        **_identity(request),
        file_key=stored.key,
        file_version=stored.version_id,
        sha256=stored.sha256,
        size=stored.size,
        filename=rendered.filename,
    )


def gave_up(export: Export, request: ExportRequested, reason: str) -> list[ExportFailed]:
    """After the last attempt: tell the job seeker, rather than leave them waiting."""
    if not export.awaiting_render:
        return []
    log.warning("export.gave_up", export_id=str(request.export_id), error=reason[:500])
    return [failed(request, GAVE_UP)]


def on_dead_letter(deps: ExporterDeps) -> Callable[[RecordedEvent, str], Awaitable[None]]:
    return dead_letter_decision(
        deps.repository, Export, ExportRequested, lambda r: r.export_id, gave_up, ACTOR
    )


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
