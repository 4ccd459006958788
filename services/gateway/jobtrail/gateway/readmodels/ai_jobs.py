"""Read model of AI jobs: status, progress, outcome, and tokens and cost per job.

The budgets of `POST /ai-jobs` are sums over this table (per user and overall, today).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.ai import (
    AIJobCancelled,
    AIJobFailed,
    AIJobProgressed,
    AIJobQueued,
    AIJobRetryRequested,
    AIOutputReady,
)
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import metadata

Row = dict[str, Any]

ai_jobs = sa.Table(
    "ai_jobs",
    metadata,
    sa.Column("ai_job_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("progress", sa.Integer, nullable=False),
    sa.Column("stage", sa.Text),
    sa.Column("resume_id", sa.Uuid, nullable=False),
    sa.Column("resume_version", sa.Integer, nullable=False),
    sa.Column("job_id", sa.Uuid),
    sa.Column("job_version", sa.Integer),
    sa.Column("result", JSONB),
    sa.Column("error_code", sa.Text),
    sa.Column("error_reason", sa.Text),
    sa.Column("invented", JSONB),
    sa.Column("prompt_tokens", sa.Integer, nullable=False),
    sa.Column("completion_tokens", sa.Integer, nullable=False),
    sa.Column("cost_usd", sa.Float, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_ai_jobs_user", "user_id", "ai_job_id"),
    sa.Index("ix_ai_jobs_updated", "updated_at"),
)

AIJobEvent = (
    AIJobQueued | AIJobProgressed | AIOutputReady | AIJobFailed | AIJobCancelled
    | AIJobRetryRequested
)  # fmt: skip
ENDED = ("SUCCESS", "FAILURE", "CANCELLED")


class AIJobs:
    tables: tuple[sa.Table, ...] = (ai_jobs,)

    def want(self, rows: BatchRows, event: Event) -> None:
        if isinstance(event, AIJobEvent):
            rows.want(ai_jobs, event.ai_job_id)

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        at = recorded.envelope.occurred_at
        match event:
            case AIJobQueued():
                rows.insert(ai_jobs, {
                    "ai_job_id": event.ai_job_id, "user_id": event.user_id, "kind": event.kind,
                    "status": "PENDING", "progress": 0, "stage": "queued",
                    "resume_id": event.resume_id, "resume_version": event.resume_version,
                    "job_id": event.job_id, "job_version": event.job_version, "result": None,
                    "error_code": None, "error_reason": None, "invented": None,
                    "prompt_tokens": 0, "completion_tokens": 0, "cost_usd": 0.0,
                    "created_at": at, "updated_at": at,
                })  # fmt: skip
            case AIJobProgressed():
                if _open(rows, event.ai_job_id):
                    rows.update(
                        ai_jobs, (event.ai_job_id,), status="PROCESSING",
                        progress=event.progress, stage=event.stage, updated_at=at,
                    )  # fmt: skip
            case AIOutputReady():
                result = event.model_dump(mode="json", exclude={"ai_job_id", "kind"})
                result["stale"] = event.latest_resume_version > event.based_on_version
                rows.update(ai_jobs, (event.ai_job_id,), status="SUCCESS", progress=100,
                            stage="done", result=result, updated_at=at,
                            **_usage(event))  # fmt: skip
            case AIJobFailed():
                rows.update(ai_jobs, (event.ai_job_id,), status="FAILURE", stage="failed",
                            error_code=event.code, error_reason=event.reason,
                            invented=event.invented, updated_at=at, **_usage(event))  # fmt: skip
            case AIJobCancelled():
                rows.update(ai_jobs, (event.ai_job_id,), status="CANCELLED", stage="cancelled",
                            updated_at=at)  # fmt: skip
            case AIJobRetryRequested():
                # A retry supersedes the failure; tokens already spent stay counted.
                rows.update(ai_jobs, (event.ai_job_id,), status="PENDING", progress=0,
                            stage="retrying", error_code=None, error_reason=None,
                            invented=None, updated_at=at)  # fmt: skip


def _open(rows: BatchRows, ai_job_id: UUID) -> bool:
    row = rows.get(ai_jobs, ai_job_id)
    return row is not None and row["status"] not in ENDED


def _usage(event: AIOutputReady | AIJobFailed) -> Row:
    return {
        "prompt_tokens": event.prompt_tokens,
        "completion_tokens": event.completion_tokens,
        "cost_usd": event.cost_usd,
    }


async def _all(engine: AsyncEngine, query: sa.Select[Any]) -> list[Row]:
    async with engine.connect() as connection:
        return [row._asdict() for row in await connection.execute(query)]


async def ai_job(engine: AsyncEngine, owner_id: UUID, ai_job_id: UUID) -> Row:
    """One of the caller's AI jobs; another user's is answered like a missing one."""
    query = sa.select(ai_jobs).where(
        (ai_jobs.c.ai_job_id == ai_job_id) & (ai_jobs.c.user_id == owner_id)
    )
    rows = await _all(engine, query)
    if not rows:
        raise NotFound(f"no AI job {ai_job_id}")
    return rows[0]


async def ai_jobs_of(
    engine: AsyncEngine, owner_id: UUID, limit: int, before: UUID | None,
    status: str | None, kind: str | None,
) -> list[Row]:  # fmt: skip
    """Newest first (ids are UUIDv7)."""
    query = sa.select(ai_jobs).where(ai_jobs.c.user_id == owner_id)
    if before is not None:
        query = query.where(ai_jobs.c.ai_job_id < before)
    if status is not None:
        query = query.where(ai_jobs.c.status == status)
    if kind is not None:
        query = query.where(ai_jobs.c.kind == kind)
    return await _all(engine, query.order_by(ai_jobs.c.ai_job_id.desc()).limit(limit))


async def spent_today(
    engine: AsyncEngine, owner_id: UUID
) -> tuple[tuple[int, float], tuple[int, float]]:
    """((tokens, USD) of one user, (tokens, USD) of everyone) since midnight UTC."""
    midnight = datetime.combine(datetime.now(UTC).date(), time(), tzinfo=UTC)
    tokens = ai_jobs.c.prompt_tokens + ai_jobs.c.completion_tokens
    mine = ai_jobs.c.user_id == owner_id
    query = sa.select(
        sa.func.coalesce(sa.func.sum(tokens).filter(mine), 0),
        sa.func.coalesce(sa.func.sum(ai_jobs.c.cost_usd).filter(mine), 0.0),
        sa.func.coalesce(sa.func.sum(tokens), 0),
        sa.func.coalesce(sa.func.sum(ai_jobs.c.cost_usd), 0.0),
    ).where(ai_jobs.c.updated_at >= midnight)
    async with engine.connect() as connection:
        row = (await connection.execute(query)).one()
    return (int(row[0]), float(row[1])), (int(row[2]), float(row[3]))


def pending_row(queued: AIJobQueued, at: datetime) -> Row:
    """The row of a job the read model does not show yet (it was just queued)."""
    return {
        "ai_job_id": queued.ai_job_id, "user_id": queued.user_id, "kind": queued.kind,
        "status": "PENDING", "progress": 0, "stage": "queued", "resume_id": queued.resume_id,
        "resume_version": queued.resume_version, "job_id": queued.job_id,
        "job_version": queued.job_version, "result": None, "error_code": None,
        "error_reason": None, "invented": None, "prompt_tokens": 0, "completion_tokens": 0,
        "cost_usd": 0.0, "created_at": at, "updated_at": at,
    }  # fmt: skip
