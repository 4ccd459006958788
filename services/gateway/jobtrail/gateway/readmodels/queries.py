"""Reads the API answers from the read models, always scoped to the caller."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.readmodels.tables import audit_log, events, resume_versions, resumes

Row = dict[str, Any]


async def _all(engine: AsyncEngine, query: sa.Select[Any]) -> list[Row]:
    async with engine.connect() as connection:
        return [row._asdict() for row in await connection.execute(query)]


async def resume(engine: AsyncEngine, owner_id: UUID, resume_id: UUID) -> Row:
    rows = await _all(
        engine,
        sa.select(resumes).where(
            (resumes.c.resume_id == resume_id) & (resumes.c.user_id == owner_id)
        ),
    )
    if not rows:
        raise NotFound(f"no resume {resume_id}")
    return rows[0]


async def resumes_of(
    engine: AsyncEngine, owner_id: UUID, limit: int, before: UUID | None
) -> list[Row]:
    """Newest first; resume ids are UUIDv7, so they sort by upload time."""
    query = sa.select(resumes).where(resumes.c.user_id == owner_id)
    if before is not None:
        query = query.where(resumes.c.resume_id < before)
    return await _all(engine, query.order_by(resumes.c.resume_id.desc()).limit(limit))


async def versions(engine: AsyncEngine, resume_id: UUID) -> list[Row]:
    query = (
        sa.select(resume_versions)
        .where(resume_versions.c.resume_id == resume_id)
        .order_by(resume_versions.c.version)
    )
    return await _all(engine, query)


async def version(engine: AsyncEngine, resume_id: UUID, number: int) -> Row:
    rows = await _all(
        engine,
        sa.select(resume_versions).where(
            (resume_versions.c.resume_id == resume_id) & (resume_versions.c.version == number)
        ),
    )
    if not rows:
        raise NotFound(f"resume {resume_id} has no version {number}")
    return rows[0]


async def events_of(
    engine: AsyncEngine, owner_id: UUID | None, after: int, limit: int
) -> list[Row]:
    """The caller's events in log order; `owner_id=None` (an admin) sees everyone's."""
    query = sa.select(events.c.seq, events.c.envelope).where(events.c.seq > after)
    if owner_id is not None:
        query = query.where(events.c.owner_id == owner_id)
    return await _all(engine, query.order_by(events.c.seq).limit(limit))


async def audit_of(engine: AsyncEngine, entity_id: str, owner_id: UUID | None) -> list[Row]:
    query = sa.select(audit_log).where(audit_log.c.aggregate_id == entity_id)
    if owner_id is not None:
        query = query.where(audit_log.c.owner_id == owner_id)
    return await _all(engine, query.order_by(audit_log.c.seq))
