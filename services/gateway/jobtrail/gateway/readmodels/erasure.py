"""`AccountErased` in the read models: every row of the account goes, in one statement per
table (the appliers change rows one by one; an erasure is a set)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from jobtrail.gateway.readmodels.attachments import attachment_versions, attachments
from jobtrail.gateway.readmodels.jobs import jobs
from jobtrail.gateway.readmodels.tables import events, job_requirements, resume_versions, resumes


async def erase_rows(
    connection: AsyncConnection, tables: Iterable[sa.Table], user: UUID, through_seq: int
) -> None:
    """Delete the account's rows from `tables`: children by their parent first, then every
    table with a `user_id` or `owner_id` column (feed postings, owned by no one, stay). The
    event list keeps what follows the erasure (`through_seq`: its own position)."""
    children = (
        (resume_versions, resume_versions.c.resume_id,
         sa.select(resumes.c.resume_id).where(resumes.c.user_id == user)),
        (attachment_versions, attachment_versions.c.attachment_id,
         sa.select(attachments.c.attachment_id).where(attachments.c.user_id == user)),
        (job_requirements, job_requirements.c.job_id,
         sa.select(jobs.c.job_id).where(jobs.c.owner_id == user)),
    )  # fmt: skip
    for child, key, parents in children:
        await connection.execute(child.delete().where(key.in_(parents)))
    for table in tables:
        owner = table.c.get("user_id")
        column = owner if owner is not None else table.c.get("owner_id")
        if column is None:
            continue
        where = column == user
        if table is events:
            where = sa.and_(where, events.c.seq <= through_seq)
        await connection.execute(table.delete().where(where))
