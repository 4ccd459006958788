"""Running a queued AI job: inputs → cache or model → faithfulness check → stored output.

Idempotent through the job's own events: a redelivered job that already ended decides
nothing; one whose worker died mid-way starts again, finds its cached output (or asks the
model again) and reuses the resume version it may already have stored. Cancellation is
checked before the work and at every progress step: each step is an append that conflicts
with an `AIJobCancelled` appended meanwhile. Only outcomes after the latest
`AIJobRetryRequested` count, so `jobtrail dlq retry` runs a failed job again. An outage
(database, NATS or S3 unavailable) is waited out by the consumer, never a failed job.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import structlog

from jobtrail.ai_worker.cache import ResultCache, cache_key
from jobtrail.ai_worker.faithfulness import check
from jobtrail.ai_worker.llm import LLM, Completion, LLMError, LLMRequest
from jobtrail.ai_worker.reliability import CircuitBreaker, RateLimiter, RetryPolicy, with_retries
from jobtrail.ai_worker.tasks import PROMPT_VERSION, SCHEMAS, Posting, TaskInput, render_prompt
from jobtrail.docstore import DocumentNotFound, DocumentStore, DocumentVersion, NewDocumentVersion
from jobtrail.domain.ai_jobs import AIJob
from jobtrail.domain.resumes import Resume
from jobtrail.eventlog import EventStore, PermanentFailure
from jobtrail.eventlog.aggregates import Loaded, Repository, dead_letter_decision
from jobtrail.events import ConcurrencyConflict, Event, EventContext, RecordedEvent
from jobtrail.events.ai import (
    AIJobFailed,
    AIJobProgressed,
    AIJobQueued,
    AIOutputReady,
)
from jobtrail.events.resumes import ResumeVersionCreated
from jobtrail.events.users import ProfileUpdated

ACTOR = "service:ai-worker"
GAVE_UP = (
    "The AI job failed on our side after several attempts ({why}). "
    "Our team has been alerted and can retry it, or you can try again later."
)

log = structlog.get_logger("jobtrail.ai_worker")


@dataclass
class Pricing:
    input_per_mtok: float = 0.0
    output_per_mtok: float = 0.0

    def cost(self, completion: Completion) -> float:
        return round(
            (completion.prompt_tokens * self.input_per_mtok
             + completion.completion_tokens * self.output_per_mtok) / 1_000_000, 8,
        )  # fmt: skip


@dataclass
class AIDeps:
    events: EventStore
    documents: DocumentStore
    cache: ResultCache
    llm: LLM
    limiter: RateLimiter
    breaker: CircuitBreaker
    retry: RetryPolicy
    pricing: Pricing

    @property
    def repository(self) -> Repository:
        return Repository(self.events)


class JobStopped(Exception):
    """The job ended meanwhile (cancelled, or finished by another worker copy)."""


class JobRun:
    """One attempt at one job: the job's state, and appends that notice a cancellation."""

    def __init__(self, deps: AIDeps, loaded: Loaded[AIJob], context: EventContext) -> None:
        self.deps, self.loaded, self.context = deps, loaded, context

    @property
    def ended(self) -> bool:
        return self.loaded.state.ended is not None

    async def append(self, events: list[Event]) -> None:
        """Append unless the job ended (cancelled, or finished by another worker copy)."""

        def decide(job: AIJob) -> list[Event]:
            if job.ended is not None:
                raise JobStopped
            return events

        try:
            executed = await self.deps.repository.decide(
                AIJob, self.loaded.state_id(), decide, self.context, start=self.loaded
            )
        except ConcurrencyConflict:  # another copy keeps appending: it has the job
            raise JobStopped from None
        self.loaded = executed.loaded.refolded(AIJob)

    async def progress(self, job: AIJobQueued, percent: int, stage: str) -> None:
        await self.append([AIJobProgressed(ai_job_id=job.ai_job_id, progress=percent, stage=stage)])


async def run_job(recorded: RecordedEvent, deps: AIDeps) -> None:
    """On AIJobQueued: do the work once, and record how it ended."""
    job = recorded.event
    if not isinstance(job, AIJobQueued):
        return
    loaded = await deps.repository.load(AIJob, job.ai_job_id)
    run = JobRun(deps, loaded, EventContext.caused_by(recorded.envelope, ACTOR))
    try:
        await _run(job, run)
    except JobStopped:
        log.info("ai_job.stopped", ai_job_id=str(job.ai_job_id))


async def _run(job: AIJobQueued, run: JobRun) -> None:
    deps = run.deps
    if run.ended:
        raise JobStopped
    task, versions = await _inputs(job, deps)
    key = cache_key(
        kind=job.kind, inputs=versions, model=deps.llm.model, provider=deps.llm.name,
        prompt=PROMPT_VERSION, tone=task.tone, length=task.length,
    )  # fmt: skip
    completion = await deps.cache.get(key, job.user_id)
    cached = completion is not None
    if completion is None:
        # Progress steps are appends: each one also notices a cancellation made meanwhile.
        # A cache hit skips them; its final append notices a cancellation just the same.
        await run.progress(job, 10, f"asking {deps.llm.name}")
        completion = await _ask(job, task, deps)
    invented = check(task, completion.output)
    spent = Completion({}, completion.model, 0, 0) if cached else completion
    if invented:
        log.warning("ai_job.unfaithful", ai_job_id=str(job.ai_job_id), invented=invented)
        await run.append([_failed(job, "unfaithful", _UNFAITHFUL, spent, deps, invented)])
        return
    if not cached:
        await deps.cache.put(key, job.kind, completion, job.user_id)
        await run.progress(job, 80, "saving the result")
    await run.append([await _store(job, run, completion.output, spent, cached)])
    log.info("ai_job.ready", ai_job_id=str(job.ai_job_id), kind=job.kind, cached=cached)


_UNFAITHFUL = (
    "The AI output named facts your resume does not contain, so it was not offered "
    "(see `invented`). Try again, or use the offline provider."
)


async def _ask(job: AIJobQueued, task: TaskInput, deps: AIDeps) -> Completion:
    system, user = render_prompt(task)
    request = LLMRequest(task, system, user, SCHEMAS[job.kind])
    await deps.limiter.acquire(str(job.user_id))
    try:
        return await with_retries(
            lambda: deps.breaker.call(lambda: deps.llm.complete(request)), deps.retry
        )
    except LLMError as error:
        if error.retryable:
            raise  # the consumer redelivers with its backoff, then dead-letters
        raise PermanentFailure(str(error)) from error


def _failed(
    job: AIJobQueued, code: str, reason: str, spent: Completion, deps: AIDeps,
    invented: list[str] | None = None,
) -> AIJobFailed:  # fmt: skip
    return AIJobFailed(
        ai_job_id=job.ai_job_id, code=code, reason=reason, invented=invented or [],
        prompt_tokens=spent.prompt_tokens, completion_tokens=spent.completion_tokens,
        cost_usd=deps.pricing.cost(spent),
    )  # fmt: skip


async def _inputs(job: AIJobQueued, deps: AIDeps) -> tuple[TaskInput, dict[str, Any]]:
    resume = await _document(deps, job.resume_id, job.resume_version, "resume")
    versions: dict[str, Any] = {"resume": [str(job.resume_id), resume.version, resume.sha256]}
    posting = None
    if job.job_id is not None:
        document = await _document(deps, job.job_id, job.job_version, "job posting")
        posting = Posting.from_document(document.content)
        versions["job"] = [str(job.job_id), document.version, document.sha256]
    preferences: dict[str, Any] = {}
    if job.kind == "research_prompt":
        preferences = await _preferences(deps, job.user_id)
        versions["preferences"] = preferences
    task = TaskInput(
        kind=job.kind, resume=resume.content, posting=posting, preferences=preferences,
        tone=job.tone or "professional", length=job.length or "medium",
    )  # fmt: skip
    return task, versions


async def _document(deps: AIDeps, doc_id: UUID, version: int | None, what: str) -> DocumentVersion:
    try:
        return await deps.documents.get(doc_id, version)
    except DocumentNotFound as missing:
        raise PermanentFailure(f"the {what} is not available: {missing}") from missing


async def _preferences(deps: AIDeps, user_id: UUID) -> dict[str, Any]:
    history = await deps.events.load("user", user_id)
    profile: dict[str, Any] = {}
    for recorded in history.events:
        if recorded.envelope.type == ProfileUpdated.type:
            event = recorded.event
            assert isinstance(event, ProfileUpdated)
            profile = event.profile.preferences.model_dump(mode="json")
    return profile


async def _store(
    job: AIJobQueued, run: JobRun, output: dict[str, Any], spent: Completion, cached: bool
) -> AIOutputReady:
    deps = run.deps
    if job.kind == "tailor_resume":
        stored, latest = await _store_proposal(job, run, output)
    else:
        stored = await deps.documents.put(
            NewDocumentVersion(
                doc_id=job.ai_job_id, version=1, kind=f"ai_{job.kind}", source="ai",
                owner_id=job.user_id, content=output, metadata=_links(job),
            )
        )  # fmt: skip
        latest = (await deps.repository.load(Resume, job.resume_id)).state.latest_version
    return AIOutputReady(
        ai_job_id=job.ai_job_id, kind=job.kind, document_id=stored.doc_id,
        document_version=stored.version, sha256=stored.sha256,
        based_on_version=job.resume_version, latest_resume_version=max(latest, job.resume_version),
        cached=cached, model=spent.model or deps.llm.model, prompt_tokens=spent.prompt_tokens,
        completion_tokens=spent.completion_tokens, cost_usd=deps.pricing.cost(spent),
    )  # fmt: skip


def _links(job: AIJobQueued) -> dict[str, Any]:
    return {
        "proposal": True, "based_on": job.resume_version, "ai_job_id": str(job.ai_job_id),
        "resume_id": str(job.resume_id), "job_id": str(job.job_id) if job.job_id else None,
        "job_version": job.job_version, "kind": job.kind,
    }  # fmt: skip


async def _store_proposal(
    job: AIJobQueued, run: JobRun, output: dict[str, Any]
) -> tuple[DocumentVersion, int]:
    """A new resume version marked as a proposal on top of the version used: never current.

    If the user edits meanwhile, the decision runs again and ours goes on top of theirs.
    """
    deps = run.deps
    stored: list[DocumentVersion] = []

    async def decide(resume: Resume) -> list[ResumeVersionCreated]:
        mine = await _earlier_proposal(deps, job)
        if mine is None:
            number = resume.next_version(await deps.documents.latest_version(job.resume_id))
            mine = await deps.documents.put(
                NewDocumentVersion(
                    doc_id=job.resume_id, version=number, parent_version=job.resume_version,
                    kind="resume", source="ai", owner_id=job.user_id, content=output,
                    metadata=_links(job),
                )
            )  # fmt: skip
        stored.append(mine)
        if mine.version in resume.versions:
            return []
        return [
            ResumeVersionCreated(
                resume_id=job.resume_id, version=mine.version, parent_version=job.resume_version,
                source="ai", sha256=mine.sha256, proposal=True,
            )
        ]  # fmt: skip

    executed = await deps.repository.decide(Resume, job.resume_id, decide, run.context)
    mine = stored[-1]
    return mine, executed.loaded.state.latest_version_except(mine.version)


async def _earlier_proposal(deps: AIDeps, job: AIJobQueued) -> DocumentVersion | None:
    """The version an earlier attempt of this job stored (a worker killed mid-job)."""
    for version in reversed(await deps.documents.list_versions(job.resume_id)):
        if version.metadata.get("ai_job_id") == str(job.ai_job_id):
            return version
    return None


def gave_up(job: AIJob, queued: AIJobQueued, reason: str) -> list[AIJobFailed]:
    """After the last attempt (or a hopeless input): tell the job seeker why."""
    if job.ended is not None:
        return []
    permanent = reason.startswith(f"{PermanentFailure.__name__}: ")
    text = reason.removeprefix(f"{PermanentFailure.__name__}: ")
    return [
        AIJobFailed(
            ai_job_id=queued.ai_job_id,
            code="input_unavailable" if permanent else "processing_failed",
            reason=text if permanent else GAVE_UP.format(why=text[:300]),
        )
    ]


def on_dead_letter(deps: AIDeps) -> Callable[[RecordedEvent, str], Awaitable[None]]:
    return dead_letter_decision(
        deps.repository, AIJob, AIJobQueued, lambda queued: queued.ai_job_id, gave_up, ACTOR
    )
