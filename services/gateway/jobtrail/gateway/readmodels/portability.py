"""The read-model rows of one user, for the export of their data (`handlers/portability.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from jobtrail.gateway.readmodels.ai_jobs import ai_jobs
from jobtrail.gateway.readmodels.applications import applications
from jobtrail.gateway.readmodels.attachments import attachment_versions, attachments
from jobtrail.gateway.readmodels.jobs import jobs
from jobtrail.gateway.readmodels.tables import events, profiles, resume_versions, resumes, users

Row = dict[str, Any]


@dataclass(frozen=True)
class UserRows:
    account: Row | None
    profile: Any
    resumes: list[Row]
    versions: list[Row]
    applications: list[Row]
    ai_jobs: list[Row]
    attachments: list[Row]
    events: list[Row]  # envelopes, in log order


async def _rows(connection: AsyncConnection, query: sa.Select[Any]) -> list[Row]:
    return [dict(row._mapping) for row in await connection.execute(query)]


async def of_user(connection: AsyncConnection, user_id: UUID) -> UserRows:
    account = await _rows(connection, sa.select(users).where(users.c.user_id == user_id))
    profile = await connection.scalar(
        sa.select(profiles.c.profile).where(profiles.c.user_id == user_id)
    )
    own_resumes = await _rows(
        connection,
        sa.select(resumes).where(resumes.c.user_id == user_id).order_by(resumes.c.created_at),
    )
    versions = await _rows(
        connection,
        sa.select(resume_versions)
        .join(resumes, resumes.c.resume_id == resume_versions.c.resume_id)
        .where(resumes.c.user_id == user_id)
        .order_by(resume_versions.c.resume_id, resume_versions.c.version),
    )
    own_applications = await _rows(
        connection,
        sa.select(applications, jobs.c.title, jobs.c.company, jobs.c.url)
        .join(jobs, jobs.c.job_id == applications.c.job_id, isouter=True)
        .where(applications.c.user_id == user_id)
        .order_by(applications.c.created_at),
    )
    own_ai_jobs = await _rows(
        connection,
        sa.select(ai_jobs).where(ai_jobs.c.user_id == user_id).order_by(ai_jobs.c.created_at),
    )
    own_attachments = await _rows(
        connection,
        sa.select(attachments.c.attachment_id, attachments.c.filename, attachment_versions)
        .join(
            attachment_versions,
            attachment_versions.c.attachment_id == attachments.c.attachment_id,
        )
        .where(attachments.c.user_id == user_id)
        .order_by(attachments.c.attachment_id, attachment_versions.c.version),
    )
    envelopes = await connection.execute(
        sa.select(events.c.envelope).where(events.c.owner_id == user_id).order_by(events.c.seq)
    )
    return UserRows(
        account=account[0] if account else None,
        profile=profile,
        resumes=own_resumes,
        versions=versions,
        applications=own_applications,
        ai_jobs=own_ai_jobs,
        attachments=own_attachments,
        events=[dict(envelope) for envelope in envelopes.scalars()],
    )
