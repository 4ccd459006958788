"""Asking for AI work (an enqueue: no AI work in the request) and cancelling it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from jobtrail.docstore import DocumentNotFound, NewDocumentVersion
from jobtrail.domain.ai_jobs import AIJob
from jobtrail.domain.resumes import Resume
from jobtrail.events import uuid7
from jobtrail.events.ai import AIJobCancelled, AIJobQueued
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.ai_jobs import AIJobOrder, check_budget
from jobtrail.gateway.errors import ConcurrentChange, Conflict, NotFound
from jobtrail.gateway.handlers import idempotency
from jobtrail.gateway.readmodels import ai_jobs as read
from jobtrail.gateway.security import Principal


async def enqueue(
    deps: Deps,
    principal: Principal,
    order: AIJobOrder,
    correlation_id: str,
    idempotency_key: str | None = None,
) -> tuple[UUID, bool]:
    """Check the inputs and the budgets, then record `AIJobQueued`; the worker does the rest.

    Returns (AI job id, whether this repeated an earlier request with the same key).
    """
    order.check()
    version = await _resume_version(deps, principal, order.resume_id, order.resume_version)
    job_id, job = order.job_id, order.job
    job_version = None if job_id is None else await _posting_version(deps, principal, job_id)
    ai_job_id = uuid7()
    if idempotency_key is not None:
        claim = await idempotency.claim(
            deps.engine, principal.user_id, "POST /ai-jobs", idempotency_key, order.as_request()
        )
        ai_job_id = claim.resource_id
        # Queued already: answer as the first time, even if a budget is spent since.
        if claim.repeated and (await deps.load(AIJob, ai_job_id)).owner_id is not None:
            return ai_job_id, True
    settings = deps.settings
    mine, everyone = await read.spent_today(deps.engine, principal.user_id)
    check_budget(
        mine,
        everyone,
        (settings.ai_daily_tokens_per_user, settings.ai_daily_usd_per_user,
         settings.ai_daily_tokens_global, settings.ai_daily_usd_global),
    )  # fmt: skip
    if job is not None:
        job_id, job_version = await _store_inline_posting(deps, principal, job), 1
    queued = AIJobQueued(
        ai_job_id=ai_job_id, user_id=principal.user_id, kind=order.kind,
        resume_id=order.resume_id, resume_version=version, job_id=job_id,
        job_version=job_version, tone=order.tone, length=order.length,
    )  # fmt: skip
    # No wait for the read model: this is an enqueue, and `job` answers from the log until
    # the read model shows the job.
    try:
        await deps.create(AIJob, ai_job_id, [queued], principal, correlation_id, settle=False)
    except ConcurrentChange:
        if idempotency_key is None:
            raise
        return ai_job_id, True  # a repeat of the same key won the race: the same job
    return ai_job_id, False


async def job(deps: Deps, principal: Principal, ai_job_id: UUID) -> dict[str, Any]:
    """The job from the read model, or, if it was queued a moment ago, from the log."""
    try:
        return await read.ai_job(deps.engine, principal.user_id, ai_job_id)
    except NotFound:
        history = await deps.events.load("ai_job", ai_job_id)
        for recorded in history.events[:1]:
            queued = recorded.event
            if isinstance(queued, AIJobQueued) and queued.user_id == principal.user_id:
                return read.pending_row(queued, recorded.envelope.occurred_at)
        raise


async def cancel(deps: Deps, principal: Principal, ai_job_id: UUID, correlation_id: str) -> None:
    """Cancel unless it ended; a worker appending meanwhile only makes us decide again."""

    def decide(job: AIJob) -> list[AIJobCancelled]:
        job.ensure_owned_by(principal.user_id)
        return job.cancel()

    await deps.execute(AIJob, ai_job_id, decide, principal, correlation_id)


async def _resume_version(
    deps: Deps, principal: Principal, resume_id: UUID, wanted: int | None
) -> int:
    resume = await deps.load(Resume, resume_id)
    resume.ensure_owned_by(principal.user_id)
    if wanted is None:
        if resume.current_version is None:
            raise Conflict(f"resume {resume_id} has no version yet; wait until it is parsed")
        return resume.current_version
    if wanted not in resume.versions:
        raise NotFound(f"resume {resume_id} has no version {wanted}")
    return wanted


async def _posting_version(deps: Deps, principal: Principal, job_id: UUID) -> int:
    try:
        document = await deps.documents.get(job_id)
    except DocumentNotFound:
        raise NotFound(f"no job posting {job_id}") from None
    if document.owner_id not in (None, principal.user_id):
        raise NotFound(f"no job posting {job_id}")
    return document.version


async def _store_inline_posting(deps: Deps, principal: Principal, job: dict[str, Any]) -> UUID:
    """An inline posting is stored first (claim check): events carry its id, never its text."""
    doc_id = uuid7()
    await deps.documents.put(
        NewDocumentVersion(
            doc_id=doc_id, version=1, kind="ai_input_posting", source="user",
            owner_id=principal.user_id, content={"posting": job, "format": "inline"},
        )
    )  # fmt: skip
    return doc_id
