"""The render handler with fakes of our own ports: idempotent, and never leaves a user waiting."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from jobtrail.blobs import StoredBlob
from jobtrail.docstore import DocumentNotFound, DocumentVersion
from jobtrail.domain.exports import Export
from jobtrail.eventlog import AggregateHistory
from jobtrail.eventlog.memory import InMemoryEventStore
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.exports import ExportRequested, ExportRetryRequested
from jobtrail.exporter.handlers import GAVE_UP, ExporterDeps, on_dead_letter, render_export

SAMPLE = json.loads(
    (Path(__file__).resolve().parents[4] / "tests/data/sample.resume.json").read_text()
)


@dataclass
class FakeDocuments:
    docs: dict[tuple[UUID, int], dict[str, Any]] = field(default_factory=dict)

    async def get(self, doc_id: UUID, version: int | None = None) -> DocumentVersion:
        if version is None:
            version = max((v for d, v in self.docs if d == doc_id), default=0)
        if (doc_id, version) not in self.docs:
            raise DocumentNotFound(f"no document {doc_id} version {version}")
        return DocumentVersion(
            doc_id=doc_id, version=version, parent_version=None, kind="resume", owner_id=None,
            source="user", content=self.docs[doc_id, version], sha256="x",
            created_at=datetime.now(UTC), metadata={},
        )  # fmt: skip


@dataclass
class FakeFiles:
    stored: dict[str, bytes] = field(default_factory=dict)
    fail: bool = False

    async def put(self, data: bytes, media_type: str, owner_id: UUID | None) -> StoredBlob:
        if self.fail:
            raise ConnectionError("S3 is down")
        digest = hashlib.sha256(data).hexdigest()
        self.stored[f"sha256/{digest}"] = data
        return StoredBlob(f"sha256/{digest}", digest, len(data), f"v{len(self.stored)}")


def a_request(resume_id: UUID, **fields: Any) -> ExportRequested:
    values: dict[str, Any] = {
        "export_id": uuid4(), "user_id": uuid4(), "resume_id": resume_id, "version": 1,
        "document": "resume", "format": "pdf", "template": "classic", **fields,
    }  # fmt: skip
    return ExportRequested(**values)


async def requested(deps: ExporterDeps, request: ExportRequested) -> RecordedEvent:
    context = EventContext(actor="user:x", correlation_id="c", owner_id=request.user_id)
    history = AggregateHistory("export", str(request.export_id))
    (recorded,) = await deps.events.append(history, [request], context)
    return recorded


def make_deps(**files: Any) -> tuple[ExporterDeps, InMemoryEventStore, FakeDocuments, FakeFiles]:
    events, documents, blobs = InMemoryEventStore(), FakeDocuments(), FakeFiles(**files)
    return ExporterDeps(events, documents, blobs), events, documents, blobs  # type: ignore[arg-type]


async def test_a_redelivered_request_is_rendered_once() -> None:
    deps, events, documents, files = make_deps()
    resume_id = uuid4()
    documents.docs[resume_id, 1] = SAMPLE
    request = a_request(resume_id)
    recorded = await requested(deps, request)

    await render_export(recorded, deps)
    await render_export(recorded, deps)

    assert events.types(request.export_id) == ["ExportRequested", "ExportReady"]
    ready = events.log[-1].envelope
    assert ready.owner_id == request.user_id
    assert ready.data["file_key"] in files.stored
    assert ready.data["filename"] == "Richard-Hendriks-resume-v1.pdf"


async def test_a_missing_document_fails_at_once_with_a_reason() -> None:
    deps, events, _, _ = make_deps()
    request = a_request(uuid4())

    await render_export(await requested(deps, request), deps)

    assert events.types(request.export_id) == ["ExportRequested", "ExportFailed"]
    assert "gone" in events.log[-1].envelope.data["reason"]


async def test_an_unknown_template_fails_naming_the_templates() -> None:
    deps, events, documents, _ = make_deps()
    resume_id = uuid4()
    documents.docs[resume_id, 1] = SAMPLE
    request = a_request(resume_id, template="fancy")

    await render_export(await requested(deps, request), deps)

    assert "classic, modern" in events.log[-1].envelope.data["reason"]


async def test_storage_trouble_is_retried_then_given_up_with_a_reason() -> None:
    deps, events, documents, _ = make_deps(fail=True)
    resume_id = uuid4()
    documents.docs[resume_id, 1] = SAMPLE
    request = a_request(resume_id)
    recorded = await requested(deps, request)

    try:
        await render_export(recorded, deps)
    except ConnectionError:
        pass
    else:
        raise AssertionError("a storage error must reach the consumer, which retries")
    assert events.types(request.export_id) == ["ExportRequested"]
    await on_dead_letter(deps)(recorded, "ConnectionError: S3 is down")
    await on_dead_letter(deps)(recorded, "ConnectionError: S3 is down")

    assert events.types(request.export_id) == ["ExportRequested", "ExportFailed"]
    assert events.log[-1].envelope.data["reason"] == GAVE_UP


async def test_a_cover_letter_is_signed_with_its_resume() -> None:
    deps, events, documents, _ = make_deps()
    resume_id, letter_id = uuid4(), uuid4()
    documents.docs[resume_id, 1] = SAMPLE
    documents.docs[letter_id, 3] = {"text": "Hello there.\n\nI would like the job."}
    request = a_request(resume_id, document="cover_letter", cover_letter_id=letter_id)

    await render_export(await requested(deps, request), deps)

    ready = events.log[-1].envelope.data
    assert ready["filename"] == "Richard-Hendriks-cover-letter-v3.pdf"
    assert ready["document"] == "cover_letter"


async def test_a_retry_request_supersedes_the_failure_and_the_export_is_rendered_once() -> None:
    deps, events, documents, files = make_deps(fail=True)
    resume_id = uuid4()
    documents.docs[resume_id, 1] = SAMPLE
    request = a_request(resume_id)
    recorded = await requested(deps, request)
    await on_dead_letter(deps)(recorded, "RuntimeError: a bug, since fixed")
    files.fail = False

    history = await events.load("export", request.export_id)
    retry = Export.fold(request.export_id, history.events).retry("dlq retry of 7")
    assert [type(e) for e in retry] == [ExportRetryRequested]
    await events.append(history, retry, EventContext(actor="operator", correlation_id="c"))
    await render_export(recorded, deps)  # the retried delivery
    await render_export(recorded, deps)  # and a redelivery of it

    assert events.types(request.export_id) == [
        "ExportRequested", "ExportFailed", "ExportRetryRequested", "ExportReady",
    ]  # fmt: skip
    ready = await events.load("export", request.export_id)
    assert Export.fold(request.export_id, ready.events).retry("again") == []  # nothing failed
