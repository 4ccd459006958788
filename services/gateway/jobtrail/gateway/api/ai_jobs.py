"""AI jobs: ask for tailoring, cover letters, summaries, research prompts and interview
notes; follow them (poll or Server-Sent Events); cancel them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field, model_validator
from sse_starlette.sse import EventSourceResponse

from jobtrail.events.ai import AIJobKind
from jobtrail.gateway.api.dependencies import (
    CorrelationId,
    CurrentUser,
    DepsDep,
    IdempotencyKey,
)
from jobtrail.gateway.api.inputs import INT32_MAX
from jobtrail.gateway.domain.ai_jobs import AIJobOrder
from jobtrail.gateway.errors import Conflict, NotFound
from jobtrail.gateway.handlers import ai_jobs as handle
from jobtrail.gateway.handlers import deletions
from jobtrail.gateway.readmodels import ai_jobs as read

router = APIRouter(prefix="/ai-jobs", tags=["ai"])

Status = Literal["PENDING", "PROCESSING", "SUCCESS", "FAILURE", "CANCELLED"]
SSE_POLL_SECONDS = 0.2
SSE_MAX_SECONDS = 600.0


class InlinePosting(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    company: str | None = Field(default=None, max_length=300)
    description: str = Field(default="", max_length=50_000)
    skills: list[str] = Field(default=[], max_length=200)


class NewAIJob(BaseModel):
    kind: AIJobKind
    resume_id: UUID
    resume_version: int | None = Field(
        default=None,
        ge=1,
        le=INT32_MAX,
        description="the version to work on; default: the current one",
    )
    job_id: UUID | None = Field(default=None, description="a job posting you added")
    job: InlinePosting | None = Field(default=None, description="or the posting itself")
    tone: Literal["professional", "warm", "enthusiastic", "concise"] | None = None
    length: Literal["short", "medium", "long"] | None = None

    @model_validator(mode="after")
    def _one_posting(self) -> NewAIJob:
        if self.job_id is not None and self.job is not None:
            raise ValueError("send either `job_id` or `job`, not both")
        return self


class AIJobAccepted(BaseModel):
    ai_job_id: UUID
    status: Status
    status_url: str
    events_url: str


class AIJobError(BaseModel):
    code: str
    reason: str
    invented: list[str]


class AIJobOut(BaseModel):
    ai_job_id: UUID
    kind: AIJobKind
    status: Status
    progress: int
    stage: str | None
    resume_id: UUID
    resume_version: int
    job_id: UUID | None
    result: dict[str, Any] | None = Field(
        description="references to the output: document, version, `stale` if the resume "
        "changed meanwhile, `cached`, tokens and cost"
    )
    error: AIJobError | None
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> AIJobOut:
        error = (
            AIJobError(code=row["error_code"], reason=row["error_reason"] or "",
                       invented=row["invented"] or [])
            if row["error_code"] else None
        )  # fmt: skip
        result = row["result"]
        if result is not None:
            result = {**result, "url": _output_url(row)}
        return cls(**{**row, "result": result}, error=error)


class AIJobPage(BaseModel):
    items: list[AIJobOut]
    next_before: UUID | None = Field(description="pass as `before` for the next page")


class AIOutput(BaseModel):
    ai_job_id: UUID
    kind: AIJobKind
    document_id: UUID
    document_version: int
    content: dict[str, Any]


def _output_url(row: dict[str, Any]) -> str:
    result = row["result"] or {}
    if row["kind"] == "tailor_resume":
        return f"/resumes/{row['resume_id']}/versions/{result.get('document_version')}"
    return f"/ai-jobs/{row['ai_job_id']}/output"


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def create_ai_job(
    body: NewAIJob,
    me: CurrentUser,
    deps: DepsDep,
    correlation_id: CorrelationId,
    response: Response,
    key: IdempotencyKey,
) -> AIJobAccepted:
    """Queue AI work (429 when a daily budget is spent); follow it at `status_url`."""
    order = AIJobOrder(
        kind=body.kind, resume_id=body.resume_id, resume_version=body.resume_version,
        job_id=body.job_id, job=body.job.model_dump() if body.job else None, tone=body.tone,
        length=body.length,
    )  # fmt: skip
    ai_job_id, repeated = await handle.enqueue(deps, me, order, correlation_id, key)
    if repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return AIJobAccepted(
        ai_job_id=ai_job_id, status="PENDING", status_url=f"/ai-jobs/{ai_job_id}",
        events_url=f"/ai-jobs/{ai_job_id}/events",
    )  # fmt: skip


@router.get("")
async def list_ai_jobs(
    me: CurrentUser,
    deps: DepsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: UUID | None = None,
    status: Status | None = None,
    kind: AIJobKind | None = None,
) -> AIJobPage:
    """The caller's AI jobs, newest first, optionally by status and kind."""
    rows = await read.ai_jobs_of(deps.engine, me.user_id, limit, before, status, kind)
    items = [AIJobOut.of(r) for r in rows]
    return AIJobPage(items=items, next_before=items[-1].ai_job_id if len(items) == limit else None)


class Spent(BaseModel):
    tokens: int
    usd: float


class Usage(BaseModel):
    today: Spent = Field(description="what the caller's AI jobs used since midnight UTC")
    limits: dict[str, float] = Field(description="the daily budgets in force")


@router.get("/usage")
async def ai_usage(me: CurrentUser, deps: DepsDep) -> Usage:
    """Tokens and cost of the caller's AI jobs today, and the daily budgets."""
    (tokens, usd), _ = await read.spent_today(deps.engine, me.user_id)
    settings = deps.settings
    return Usage(
        today=Spent(tokens=tokens, usd=usd),
        limits={
            "tokens_per_user": settings.ai_daily_tokens_per_user,
            "usd_per_user": settings.ai_daily_usd_per_user,
        },
    )


@router.get("/{ai_job_id}")
async def get_ai_job(ai_job_id: UUID, me: CurrentUser, deps: DepsDep) -> AIJobOut:
    """One AI job: status, progress, error with its reason, references to the result."""
    return AIJobOut.of(await handle.job(deps, me, ai_job_id))


@router.get("/{ai_job_id}/output")
async def get_ai_output(ai_job_id: UUID, me: CurrentUser, deps: DepsDep) -> AIOutput:
    """The output document of a finished job (a tailored resume is also a resume version)."""
    row = await read.ai_job(deps.engine, me.user_id, ai_job_id)
    if row["status"] != "SUCCESS":
        raise Conflict(f"AI job {ai_job_id} has no output: it is {row['status']}")
    result = row["result"]
    if result is None:
        raise NotFound(f"the output of AI job {ai_job_id} was deleted")
    document = await deps.documents.get(UUID(result["document_id"]), result["document_version"])
    return AIOutput(
        ai_job_id=ai_job_id, kind=row["kind"], document_id=document.doc_id,
        document_version=document.version, content=document.content,
    )  # fmt: skip


@router.get("/{ai_job_id}/events", response_class=EventSourceResponse)
async def follow_ai_job(ai_job_id: UUID, me: CurrentUser, deps: DepsDep) -> EventSourceResponse:
    """Server-Sent Events: `progress` on every change, then one `end` with the final state."""
    first = await handle.job(deps, me, ai_job_id)  # 404 before streaming

    async def stream() -> AsyncIterator[dict[str, str]]:
        row, seen = first, None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SSE_MAX_SECONDS
        while True:
            state = (row["status"], row["progress"], row["stage"])
            body = AIJobOut.of(row).model_dump_json()
            if row["status"] in read.ENDED:
                yield {"event": "end", "data": body}
                return
            if state != seen:
                seen = state
                yield {"event": "progress", "data": body}
            if loop.time() > deadline:
                yield {"event": "timeout", "data": json.dumps({"ai_job_id": str(ai_job_id)})}
                return
            await asyncio.sleep(SSE_POLL_SECONDS)
            row = await handle.job(deps, me, ai_job_id)

    return EventSourceResponse(stream())


@router.delete("/{ai_job_id}")
async def cancel_ai_job(
    ai_job_id: UUID, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> AIJobOut:
    """Cancel a pending or running job (409 if it already finished)."""
    await handle.cancel(deps, me, ai_job_id, correlation_id)
    return await get_ai_job(ai_job_id, me, deps)


@router.delete(
    "/{ai_job_id}/output", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
async def delete_ai_output(
    ai_job_id: UUID, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> Response:
    """Delete the output of a finished job (the job stays listed, without it)."""
    await deletions.delete_ai_output(deps, me, ai_job_id, correlation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
