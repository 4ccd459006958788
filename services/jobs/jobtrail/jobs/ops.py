"""The jobs service's operator surface: what `jobtrail` (the CLI) and deploy jobs may use."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.jobs.bootstrap import MIGRATIONS, connected
from jobtrail.jobs.declarations import SERVICE
from jobtrail.jobs.ingestion import RunResult
from jobtrail.jobs.replay import Rebuilt, rebuild
from jobtrail.jobs.settings import JobsSettings
from jobtrail.jobs.tables import SCHEMA, metadata, rescores

__all__ = [
    "MIGRATIONS",
    "SCHEMA",
    "SERVICE",
    "JobsSettings",
    "Rebuilt",
    "RunResult",
    "connected",
    "metadata",
    "rebuild",
    "rescore_status",
]


async def rescore_status(engine: AsyncEngine, rescore_id: UUID | None) -> dict[str, Any] | None:
    """A re-scoring run's progress (the latest run when no id is given); None before the
    service has picked the request up."""
    query = sa.select(rescores)
    if rescore_id is not None:
        query = query.where(rescores.c.rescore_id == rescore_id)
    query = query.order_by(rescores.c.requested_at.desc()).limit(1)
    async with engine.connect() as connection:
        row = (await connection.execute(query)).first()
    return row._asdict() if row is not None else None
