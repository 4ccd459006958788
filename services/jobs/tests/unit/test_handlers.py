"""The jobs service's consumers on fakes of their ports: the tables in memory
(`FakeJobsStore`), the event log and documents in memory, the shipped static embedder.
What is under test is the use cases: what gets indexed, scored, stored and announced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID, uuid4

import numpy as np
import pytest

from jobtrail.docstore import NewDocumentVersion
from jobtrail.docstore.memory import InMemoryDocumentStore
from jobtrail.eventlog import PermanentFailure
from jobtrail.eventlog.memory import InMemoryEventStore
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.envelope import Event
from jobtrail.events.jobs import JobPostingAdded, JobPostingDeleted, MatchesScored, PostingSummary
from jobtrail.events.resumes import ResumeDeleted, ResumeVersionCreated
from jobtrail.events.users import AccountErased, JobPreferences, Profile, ProfileUpdated
from jobtrail.jobs import handlers, replay
from jobtrail.jobs.adapters.static import StaticEmbedder
from jobtrail.jobs.embedding import Embedder
from jobtrail.jobs.ports import Candidate, IndexedPosting, PostingText, VersionNear

ADA = UUID("0190b8a4-0000-7000-8000-0000000000ad")
RESUME = {
    "basics": {"name": "Ada", "label": "Backend engineer"},
    "work": [{"name": "Acme", "position": "Senior backend engineer", "startDate": "2019-01",
              "highlights": ["Built Python services on PostgreSQL and FastAPI",
                             "Ran them on Docker and Kubernetes"]}],
    "skills": [{"name": "Backend", "keywords": ["Python", "PostgreSQL", "FastAPI", "Docker"]}],
}  # fmt: skip
BACKEND = ("Python backend engineer", "Build Python services on PostgreSQL with FastAPI.")
PASTRY = ("Pastry chef", "Laminated doughs and plated desserts for a hotel kitchen.")


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return float(np.dot(np.asarray(a), np.asarray(b)))  # both are unit vectors


@dataclass
class FakeJobsStore:
    """The jobs tables in memory, with the semantics of the PostgreSQL adapter."""

    postings: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    vectors: dict[tuple[UUID, int], dict[str, Any]] = field(default_factory=dict)
    scores: dict[tuple[UUID, int, UUID], dict[str, Any]] = field(default_factory=dict)
    runs: dict[tuple[UUID, int], dict[str, Any]] = field(default_factory=dict)
    thresholds: dict[UUID, int] = field(default_factory=dict)

    async def posting_fingerprint(self, job_id: UUID) -> tuple[str | None, str | None] | None:
        row = self.postings.get(job_id)
        return None if row is None else (row["sha256"], row["formula"])

    async def save_posting(self, row: dict[str, Any]) -> None:
        self.postings[row["job_id"]] = dict(row)

    async def posting(self, job_id: UUID) -> IndexedPosting | None:
        row = self.postings.get(job_id)
        if row is None:
            return None
        return IndexedPosting(title=row["title"], company=row["company"],
                              location=row["location"], skills=row["skills"], text=row["text"],
                              job_id=job_id, requirements=row["requirements"],
                              embedding=row["embedding"])  # fmt: skip

    def _visible(self, owner: UUID | None) -> list[dict[str, Any]]:
        return [p for p in self.postings.values()
                if p["owner_id"] in (None, owner) and p["duplicate_of"] is None]  # fmt: skip

    async def reference_postings(
        self, posting: IndexedPosting, owner: UUID | None, limit: int
    ) -> list[PostingText]:
        others = [p for p in self._visible(owner) if p["job_id"] != posting.job_id]
        others.sort(key=lambda p: -cosine(p["embedding"], posting.embedding))
        return [PostingText(p["title"], p["company"], p["location"], p["skills"], p["text"])
                for p in others[:limit]]  # fmt: skip

    async def versions_near(self, job_id: UUID, owner: UUID | None) -> list[VersionNear]:
        posting = self.postings[job_id]
        if posting["duplicate_of"] is not None:
            return []
        latest: dict[UUID, dict[str, Any]] = {}
        for (resume_id, _), row in sorted(self.vectors.items(), key=lambda kv: kv[0][1]):
            if owner is None or row["owner_id"] == owner:
                latest[resume_id] = row
        return [VersionNear(r["resume_id"], r["version"], r["owner_id"], r["skills"],
                            r["bullets"], r["facts"], r["text"],
                            cosine(r["embedding"], posting["embedding"]))
                for r in latest.values()]  # fmt: skip

    async def save_version(self, vector: dict[str, Any], run: dict[str, Any] | None) -> None:
        self.vectors[vector["resume_id"], vector["version"]] = dict(vector)
        if run is not None:
            self.runs.setdefault((run["resume_id"], run["version"]), dict(run))

    async def vector_model(self, resume_id: UUID, version: int) -> str | None:
        row = self.vectors.get((resume_id, version))
        return None if row is None else str(row["model"])

    async def candidates(
        self, vector: list[float], owner: UUID, limit: int, own_limit: int
    ) -> tuple[list[Candidate], int]:
        visible = self._visible(owner)
        nearest = sorted(visible, key=lambda p: -cosine(p["embedding"], vector))
        chosen = nearest[:limit]
        chosen += [p for p in nearest if p["owner_id"] == owner and p not in chosen][:own_limit]
        return [Candidate(title=p["title"], company=p["company"], location=p["location"],
                          skills=p["skills"], text=p["text"], job_id=p["job_id"],
                          requirements=p["requirements"],
                          similarity=cosine(p["embedding"], vector))
                for p in chosen], len(visible)  # fmt: skip

    async def save_scores(
        self, rows: Sequence[dict[str, Any]], run: dict[str, Any] | None
    ) -> dict[UUID, int]:
        for row in rows:
            self.scores[row["resume_id"], row["resume_version"], row["job_id"]] = dict(row)
        if run is not None:
            self.runs[run["resume_id"], run["version"]] = dict(run)
        owners = {row["owner_id"] for row in rows}
        return {user: limit for user, limit in self.thresholds.items() if user in owners}

    async def project_scores(self, event: MatchesScored) -> int:
        raise NotImplementedError  # the replay's; not a consumer's

    async def save_threshold(self, user_id: UUID, threshold: int) -> None:
        self.thresholds[user_id] = threshold

    async def forget_resume(self, resume_id: UUID) -> None:
        for table in (self.vectors, self.scores, self.runs):
            for key in [k for k in table if k[0] == resume_id]:
                del table[key]

    async def forget_posting(self, job_id: UUID) -> None:
        self.postings.pop(job_id, None)
        for key in [k for k in self.scores if k[2] == job_id]:
            del self.scores[key]

    async def forget_owner(self, user_id: UUID) -> None:
        for table in (self.postings, self.vectors, self.scores, self.runs):
            for key in [k for k, row in table.items() if row.get("owner_id") == user_id]:
                del table[key]
        self.thresholds.pop(user_id, None)

    async def requirements(self, job_ids: Sequence[UUID]) -> list[tuple[UUID, str | None, Any]]:
        return [(j, self.postings[j]["formula"], self.postings[j]["requirements"])
                for j in job_ids if j in self.postings]  # fmt: skip


@dataclass
class FakeDeps:
    store: FakeJobsStore = field(default_factory=FakeJobsStore)
    events: InMemoryEventStore = field(default_factory=InMemoryEventStore)
    documents: InMemoryDocumentStore = field(default_factory=InMemoryDocumentStore)
    embedder: Embedder = field(default_factory=StaticEmbedder)


async def recorded(deps: FakeDeps, event: Event, aggregate_id: UUID,
                   owner: UUID | None = ADA) -> RecordedEvent:  # fmt: skip
    history = await deps.events.load(event.aggregate_type, aggregate_id)
    context = EventContext(actor="test", correlation_id="c", owner_id=owner)
    return (await deps.events.append(history, [event], context))[0]


async def add_posting(deps: FakeDeps, title: str, description: str,
                      owner: UUID = ADA) -> RecordedEvent:  # fmt: skip
    job_id = uuid4()
    summary = PostingSummary(title=title, company="Initech", location="Remote")
    content = {"posting": {**summary.model_dump(mode="json"), "description": description}}
    stored = await deps.documents.put(NewDocumentVersion(
        doc_id=job_id, version=1, kind="job_posting", source="user", content=content,
        owner_id=owner))  # fmt: skip
    added = JobPostingAdded(job_id=job_id, user_id=owner, document_version=1,
                            sha256=stored.sha256, summary=summary)  # fmt: skip
    return await recorded(deps, added, job_id)


async def add_version(deps: FakeDeps, resume_id: UUID, version: int = 1,
                      proposal: bool = False) -> RecordedEvent:  # fmt: skip
    stored = await deps.documents.put(NewDocumentVersion(
        doc_id=resume_id, version=version, kind="resume", source="import", content=RESUME,
        owner_id=ADA))  # fmt: skip
    created = ResumeVersionCreated(
        resume_id=resume_id, version=version, parent_version=None, source="import",
        sha256=stored.sha256, proposal=proposal,
    )  # fmt: skip
    return await recorded(deps, created, resume_id)


def job_of(posting: RecordedEvent) -> UUID:
    return UUID(posting.envelope.aggregate_id)


async def indexed(deps: FakeDeps, *added: RecordedEvent) -> None:
    """Postings indexed (as their own delivery would) before what the test does next."""
    for posting in added:
        event = posting.event
        assert isinstance(event, JobPostingAdded)
        await handlers.ensure_indexed(deps, event, event.user_id)


def types(deps: FakeDeps, kind: str) -> list[RecordedEvent]:
    return [r for r in deps.events.log if r.envelope.type == kind]


async def test_a_new_version_is_scored_against_the_postings_it_may_see_and_its_run_completes(
) -> None:  # fmt: skip
    deps = FakeDeps()
    backend, pastry = (await add_posting(deps, *BACKEND)), (await add_posting(deps, *PASTRY))
    someone_elses = await add_posting(deps, "Python developer", "Python and SQL.", owner=uuid4())
    await indexed(deps, backend, pastry, someone_elses)
    resume_id = uuid4()

    await handlers.on_resume_version(await add_version(deps, resume_id), deps)

    held = {job: row["score"] for (_, _, job), row in deps.store.scores.items()}
    assert set(held) == {job_of(backend), job_of(pastry)}
    assert held[job_of(backend)] > held[job_of(pastry)] + 20
    run = deps.store.runs[resume_id, 1]
    assert (run["status"], run["visible"], run["candidates"]) == ("complete", 2, 2)
    [told] = types(deps, "MatchesScored")
    assert {s["job_id"] for s in told.envelope.data["scores"]} == {str(j) for j in held}


async def test_a_strong_match_is_announced_once_however_often_the_version_arrives() -> None:
    deps = FakeDeps()
    backend = await add_posting(deps, *BACKEND)
    await indexed(deps, backend)
    version = await add_version(deps, uuid4())
    deps.store.thresholds[ADA] = 10

    await handlers.on_resume_version(version, deps)
    await handlers.on_resume_version(version, deps)  # a redelivery

    [matched] = types(deps, "JobMatched")
    assert matched.envelope.data["job_id"] == str(job_of(backend))


async def test_the_job_seekers_threshold_decides_what_is_announced() -> None:
    deps = FakeDeps()
    backend = await add_posting(deps, *BACKEND)
    await indexed(deps, backend)
    strict = ProfileUpdated(user_id=ADA, profile=Profile(
        preferences=JobPreferences(match_threshold=100)))  # fmt: skip
    await handlers.on_profile(await recorded(deps, strict, ADA), deps)

    await handlers.on_resume_version(await add_version(deps, uuid4()), deps)

    assert deps.store.thresholds[ADA] == 100
    assert deps.store.scores  # scored and stored ...
    assert types(deps, "JobMatched") == []  # ... but below her threshold


async def test_an_erased_account_leaves_nothing_behind_in_the_jobs_tables() -> None:
    deps = FakeDeps()
    backend = await add_posting(deps, *BACKEND)
    await indexed(deps, backend)
    deps.store.thresholds[ADA] = 10
    await handlers.on_resume_version(await add_version(deps, uuid4()), deps)
    assert deps.store.scores
    assert deps.store.vectors
    assert deps.store.runs

    await handlers.on_profile(await recorded(deps, AccountErased(user_id=ADA), ADA), deps)

    owned = [row for table in (deps.store.vectors, deps.store.scores, deps.store.runs)
             for row in table.values() if row.get("owner_id") == ADA]  # fmt: skip
    assert owned == []
    assert ADA not in deps.store.thresholds
    assert job_of(backend) not in deps.store.postings  # the posting she added goes too


async def test_a_proposed_version_is_scored_but_never_announced() -> None:
    deps = FakeDeps()
    backend = await add_posting(deps, *BACKEND)
    await indexed(deps, backend)
    deps.store.thresholds[ADA] = 0

    await handlers.on_resume_version(await add_version(deps, uuid4(), proposal=True), deps)

    assert deps.store.scores
    assert types(deps, "JobMatched") == []


async def test_a_new_posting_is_indexed_once_and_scored_against_existing_versions() -> None:
    deps = FakeDeps()
    resume_id = uuid4()
    await handlers.on_resume_version(await add_version(deps, resume_id), deps)  # nothing yet
    backend = await add_posting(deps, *BACKEND)

    await handlers.on_posting(backend, deps)
    first = dict(deps.store.postings[job_of(backend)])
    await handlers.on_posting(backend, deps)  # a redelivery: not indexed again

    assert deps.store.postings[job_of(backend)] == first
    assert (resume_id, 1, job_of(backend)) in deps.store.scores
    [read] = {r.envelope.event_id: r for r in types(deps, "PostingRequirementsRead")}.values()
    assert "python" in [s.lower() for s in read.envelope.data["requirements"]["required"]]


async def test_a_posting_whose_document_is_gone_is_a_permanent_failure() -> None:
    deps = FakeDeps()
    backend = await add_posting(deps, *BACKEND)
    gone = replace(backend, envelope=backend.envelope.model_copy(
        update={"data": {**backend.envelope.data, "document_version": 7}}))  # fmt: skip

    with pytest.raises(PermanentFailure, match="document is gone"):
        await handlers.on_posting(gone, deps)
    assert deps.store.postings == {}


async def test_a_replay_leaves_what_was_deleted_deleted() -> None:
    deps = FakeDeps()
    backend = await add_posting(deps, *BACKEND)
    resume_id = uuid4()
    await add_version(deps, resume_id)
    await recorded(deps, ResumeDeleted(resume_id=resume_id, user_id=ADA), resume_id)
    job_id = job_of(backend)
    await recorded(deps, JobPostingDeleted(job_id=job_id, user_id=ADA), job_id)

    report = await replay.rebuild(deps)  # type: ignore[arg-type]  # the fakes of the ports

    assert (report.postings, report.versions) == (1, 1)  # read, and known to be deleted ahead
    assert (report.postings_indexed, report.versions_embedded) == (0, 0)  # so not rebuilt
    assert job_id not in deps.store.postings
    assert [key for key in deps.store.vectors if key[0] == resume_id] == []
