"""Deletions in the read models: a deleted resume, application, attachment, posting or AI
output leaves the tables in one statement per table, and an erased account leaves them all
(`erasure.erase_rows`). The appliers change rows one by one; a deletion is a set."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from jobtrail.events import Event
from jobtrail.events.ai import AIOutputDeleted
from jobtrail.events.applications import ApplicationDeleted
from jobtrail.events.attachments import AttachmentDeleted
from jobtrail.events.jobs import JobPostingDeleted
from jobtrail.events.resumes import ResumeDeleted
from jobtrail.events.users import AccountErased
from jobtrail.gateway.readmodels.ai_jobs import ai_jobs
from jobtrail.gateway.readmodels.applications import applications
from jobtrail.gateway.readmodels.attachments import attachment_versions, attachments
from jobtrail.gateway.readmodels.erasure import erase_rows
from jobtrail.gateway.readmodels.jobs import job_marks, jobs
from jobtrail.gateway.readmodels.tables import (
    job_requirements,
    match_runs,
    match_scores,
    resume_versions,
    resumes,
)

DELETIONS = (
    AccountErased, ResumeDeleted, ApplicationDeleted, AttachmentDeleted, JobPostingDeleted,
    AIOutputDeleted,
)  # fmt: skip


async def delete_rows(
    connection: AsyncConnection, event: Event, seq: int, tables: tuple[sa.Table, ...]
) -> None:
    """Apply one deletion (an event of `DELETIONS`) to the read models."""
    match event:
        case AccountErased():
            await erase_rows(connection, tables, event.user_id, seq)
        case ResumeDeleted():
            for table in (match_scores, match_runs, resume_versions, resumes):
                await connection.execute(table.delete().where(table.c.resume_id == event.resume_id))
        case ApplicationDeleted():
            await connection.execute(
                applications.delete().where(applications.c.application_id == event.application_id)
            )
        case AttachmentDeleted():
            for table in (attachment_versions, attachments):
                await connection.execute(
                    table.delete().where(table.c.attachment_id == event.attachment_id)
                )
        case JobPostingDeleted():
            for table in (match_scores, job_requirements, job_marks, jobs):
                await connection.execute(table.delete().where(table.c.job_id == event.job_id))
        case AIOutputDeleted():
            await connection.execute(
                ai_jobs.update()
                .where(ai_jobs.c.ai_job_id == event.ai_job_id)
                .values(result=None, stage="output deleted")
            )
