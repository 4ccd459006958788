"""Running a job feed now, and following its progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from jobtrail.gateway.api.dependencies import CorrelationId, CurrentUser, DepsDep
from jobtrail.gateway.handlers import jobs as handle

router = APIRouter(prefix="/ingestions", tags=["jobs"])


class IngestionIn(BaseModel):
    source: str = Field(
        min_length=1,
        max_length=100,
        description="a configured feed: adzuna, greenhouse, lever, file",
    )


class IngestionOut(BaseModel):
    ingestion_id: UUID
    source: str
    status: Literal["running", "completed", "failed"]
    result: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def run_ingestion(
    body: IngestionIn, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> IngestionOut:
    """Run one shared feed now (admins only: 403 otherwise); poll `GET /ingestions/{id}`."""
    ingestion_id = await handle.request_ingestion(deps, me, body.source, correlation_id)
    return await get_ingestion(ingestion_id, me, deps)


@router.get("/{ingestion_id}")
async def get_ingestion(ingestion_id: UUID, me: CurrentUser, deps: DepsDep) -> IngestionOut:
    """A run's status and counts (fetched, added, updated, duplicates, error); only the
    user who started it and admins see it (404 for anyone else)."""
    return IngestionOut(**await handle.ingestion(deps, me, ingestion_id))
