"""The AI worker's use case on fakes of its ports: event log and documents in memory, the
offline model, a cache in a dict. No server; the integration tests run the real ones."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID, uuid4

from jobtrail.ai_worker.handlers import AIDeps, Pricing, on_dead_letter, run_job
from jobtrail.ai_worker.llm import Completion
from jobtrail.ai_worker.offline import OfflineLLM
from jobtrail.ai_worker.reliability import CircuitBreaker, RateLimiter, RetryPolicy
from jobtrail.docstore import NewDocumentVersion
from jobtrail.docstore.memory import InMemoryDocumentStore
from jobtrail.domain.ai_jobs import AIJob
from jobtrail.domain.resumes import Resume
from jobtrail.eventlog.memory import InMemoryEventStore
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.ai import AIJobQueued
from jobtrail.events.resumes import ResumeVersionAccepted, ResumeVersionCreated

OWNER = UUID("0190b8a4-0000-7000-8000-00000000a1a1")
CONTEXT = EventContext(actor="user:test", correlation_id="c", owner_id=OWNER)
SAMPLE = json.loads(
    (Path(__file__).resolve().parents[4] / "tests/data/sample.resume.json").read_text()
)


@dataclass
class DictCache:
    entries: dict[str, Completion] = field(default_factory=dict)

    async def get(self, key: str, owner_id: UUID) -> Completion | None:
        return self.entries.get(key)

    async def put(self, key: str, kind: str, completion: Completion, owner_id: UUID) -> None:
        self.entries[key] = completion


@dataclass
class World:
    events: InMemoryEventStore
    documents: InMemoryDocumentStore
    deps: AIDeps


async def a_world() -> tuple[World, UUID]:
    """A resume with version 1 stored and current, as the resume service leaves it."""
    events, documents = InMemoryEventStore(), InMemoryDocumentStore()
    deps = AIDeps(
        events=events, documents=documents, cache=DictCache(), llm=OfflineLLM(),  # type: ignore[arg-type]
        limiter=RateLimiter(100, 100), breaker=CircuitBreaker(), retry=RetryPolicy(attempts=1),
        pricing=Pricing(),
    )  # fmt: skip
    resume_id = uuid4()
    stored = await documents.put(NewDocumentVersion(
        doc_id=resume_id, version=1, kind="resume", source="import", owner_id=OWNER,
        content=SAMPLE,
    ))  # fmt: skip
    created = ResumeVersionCreated(resume_id=resume_id, version=1, parent_version=None,
                                   source="import", sha256=stored.sha256)  # fmt: skip
    accepted = ResumeVersionAccepted(resume_id=resume_id, version=1)
    await events.append(await events.load("resume", resume_id), [created, accepted], CONTEXT)
    return World(events, documents, deps), resume_id


async def queued(world: World, kind: str, resume_id: UUID) -> RecordedEvent:
    job = AIJobQueued(ai_job_id=uuid4(), user_id=OWNER, kind=kind, resume_id=resume_id,
                      resume_version=1)  # fmt: skip
    history = await world.events.load("ai_job", job.ai_job_id)
    return (await world.events.append(history, [job], CONTEXT))[0]


async def test_a_job_ends_with_its_output_once_however_often_it_is_delivered() -> None:
    world, resume_id = await a_world()
    job = await queued(world, "summarize_resume", resume_id)

    await run_job(job, world.deps)
    await run_job(job, world.deps)  # a redelivery

    types = world.events.types(UUID(job.envelope.aggregate_id))
    assert types[0] == "AIJobQueued"
    assert types[-1] == "AIOutputReady"
    assert types.count("AIOutputReady") == 1
    assert "AIJobProgressed" in types


async def test_a_tailored_resume_is_a_proposal_on_top_of_every_version_never_current() -> None:
    world, resume_id = await a_world()
    job = await queued(world, "tailor_resume", resume_id)

    await run_job(job, world.deps)

    resume = Resume.fold(resume_id, (await world.events.load("resume", resume_id)).events)
    assert resume.current_version == 1
    assert resume.versions[2].proposal
    assert resume.versions[2].parent_version == 1
    stored = await world.documents.get(resume_id, 2)
    assert stored.metadata["ai_job_id"] == job.envelope.aggregate_id


async def test_a_cancelled_job_is_not_run() -> None:
    world, resume_id = await a_world()
    job = await queued(world, "summarize_resume", resume_id)
    ai_job_id = UUID(job.envelope.aggregate_id)
    history = await world.events.load("ai_job", ai_job_id)
    await world.events.append(history, AIJob.fold(ai_job_id, history.events).cancel(), CONTEXT)

    await run_job(job, world.deps)

    assert world.events.types(ai_job_id) == ["AIJobQueued", "AIJobCancelled"]


async def test_a_dead_letter_fails_the_job_once_and_names_an_input_that_is_gone() -> None:
    world, resume_id = await a_world()
    job = await queued(world, "summarize_resume", resume_id)
    gone = "PermanentFailure: the resume is not available: no document"

    await on_dead_letter(world.deps)(job, gone)
    await on_dead_letter(world.deps)(job, gone)

    history = (await world.events.load("ai_job", UUID(job.envelope.aggregate_id))).events
    failed = [r.envelope.data for r in history if r.envelope.type == "AIJobFailed"]
    assert [f["code"] for f in failed] == ["input_unavailable"]
    assert failed[0]["reason"].startswith("the resume is not available")
