"""The upload handler with fakes of our own ports: the version stores its parse report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID, uuid4

from jobtrail.docstore import DocumentNotFound, DocumentVersion, NewDocumentVersion, VersionConflict
from jobtrail.eventlog import AggregateHistory
from jobtrail.events import Event, EventContext, RecordedEvent, seal
from jobtrail.events.parse_reports import REPORT_KEY, ParseReport
from jobtrail.events.resumes import ResumeParsed, ResumeUploaded
from jobtrail.resume.handlers import ResumeDeps, parse_upload

RESUME = b"""\
Jane Doe
jane.doe@example.com | +49 30 1234567

Experience
Senior Engineer, Acme Corp, Berlin
2017 - 2021
Built the billing system that bills every customer on time each month.

Education
TU Berlin, BSc Computer Science, 2016

Skills
Python, PostgreSQL, Kubernetes
"""


@dataclass
class FakeEvents:
    log: list[RecordedEvent] = field(default_factory=list)

    async def load(self, aggregate_type: str, aggregate_id: object) -> AggregateHistory:
        mine = [e for e in self.log if e.envelope.aggregate_id == str(aggregate_id)]
        return AggregateHistory(aggregate_type, str(aggregate_id), mine, len(self.log))

    async def append(
        self, history: AggregateHistory, events: Sequence[Event], context: EventContext
    ) -> list[RecordedEvent]:
        sealed = seal(list(events), aggregate_id=history.aggregate_id,
                      base_version=history.version, context=context)  # fmt: skip
        recorded = [RecordedEvent(e, len(self.log) + n) for n, e in enumerate(sealed, 1)]
        self.log += recorded
        return recorded


@dataclass
class FakeDocuments:
    """Immutable versions: the same content again is a no-op, other content a conflict."""

    versions: dict[tuple[UUID, int], DocumentVersion] = field(default_factory=dict)

    async def put(self, new: NewDocumentVersion) -> DocumentVersion:
        stored = self.versions.get((new.doc_id, new.version))
        if stored is not None and stored.sha256 != new.sha256:
            raise VersionConflict(new.doc_id, new.version, new.version, "different content")
        if stored is None:
            stored = new.stored_at(datetime.now(UTC))
            self.versions[new.doc_id, new.version] = stored
        return stored

    async def get(self, doc_id: UUID, version: int | None = None) -> DocumentVersion:
        if (doc_id, version or 1) not in self.versions:
            raise DocumentNotFound(f"no document {doc_id}")
        return self.versions[doc_id, version or 1]


@dataclass
class FakeFiles:
    data: bytes

    async def get(self, key: str, version_id: str | None = None) -> bytes:
        return self.data


async def uploaded(events: FakeEvents, data: bytes) -> RecordedEvent:
    upload = ResumeUploaded(
        resume_id=uuid4(), user_id=uuid4(), filename="cv.txt", media_type="text/plain",
        size=len(data), sha256="f" * 64, file_key="sha256/f",
    )  # fmt: skip
    context = EventContext(actor="user:x", correlation_id="c", owner_id=upload.user_id)
    (recorded,) = await events.append(AggregateHistory("resume", str(upload.resume_id)),
                                      [upload], context)  # fmt: skip
    return recorded


def make_deps(data: bytes) -> tuple[ResumeDeps, FakeEvents, FakeDocuments]:
    events, documents = FakeEvents(), FakeDocuments()
    deps = ResumeDeps(events, documents, FakeFiles(data), 1 << 20)  # type: ignore[arg-type]
    return deps, events, documents


async def test_the_first_version_keeps_its_parse_report_in_its_metadata() -> None:
    deps, events, documents = make_deps(RESUME)
    recorded = await uploaded(events, RESUME)
    await parse_upload(recorded, deps)

    resume_id = recorded.event.resume_id  # type: ignore[attr-defined]
    stored = await documents.get(resume_id, 1)
    report = ParseReport.model_validate(stored.metadata[REPORT_KEY])
    assert report.parsed
    assert report.provenance.parser == "local"
    assert report.provenance.file_kind == "txt"
    assert "basics.email" in report.confidence
    assert stored.metadata["file_kind"] == "txt"


async def test_a_redelivery_that_parses_differently_keeps_the_stored_version() -> None:
    deps, events, documents = make_deps(RESUME)
    recorded = await uploaded(events, RESUME)
    resume_id: UUID = recorded.event.resume_id  # type: ignore[attr-defined]
    # An earlier attempt (another parser, or an LLM answering otherwise) stored version 1
    # and crashed before appending its events.
    earlier = await documents.put(
        NewDocumentVersion(
            doc_id=resume_id, version=1, kind="resume", source="import",
            content={"basics": {"name": "Jane Doe"}}, metadata={"file_kind": "txt"},
        )
    )  # fmt: skip

    await parse_upload(recorded, deps)

    parsed = [e.event for e in events.log if isinstance(e.event, ResumeParsed)]
    assert [p.sha256 for p in parsed] == [earlier.sha256]
    assert [e.envelope.type for e in events.log] == [
        "ResumeUploaded", "ResumeParsed", "ResumeVersionCreated", "ResumeVersionAccepted",
    ]  # fmt: skip
    assert (await documents.get(resume_id, 1)).content == {"basics": {"name": "Jane Doe"}}
