"""Read models of job applications, and the reads the API answers from them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.applications import (
    ApplicationCreated,
    ApplicationFollowUpDue,
    ApplicationFollowUpScheduled,
    ApplicationNextStepSet,
    ApplicationNoteAdded,
    ApplicationStatusChanged,
)
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.readmodels.jobs import jobs as postings
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import metadata

Row = dict[str, Any]

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("application_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("job_id", sa.Uuid, nullable=False),
    sa.Column("resume_id", sa.Uuid, nullable=False),
    sa.Column("resume_version", sa.Integer, nullable=False),
    sa.Column("cover_letter_id", sa.Uuid),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("next_step", sa.Text),
    sa.Column("follow_up_on", sa.Date),
    sa.Column("reminded_on", sa.Date),
    sa.Column("notes", sa.Integer, nullable=False),
    # The application's last event applied (its aggregate version): an event at or below
    # it is a redelivery or an overlapping replay, and changes nothing (notes is a count).
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_applications_user_created", "user_id", "created_at"),
    sa.Index("ix_applications_follow_up_on", "follow_up_on"),
)

# A follow-up is due while the application is open; final stages need none.
OPEN = ("saved", "applied", "interviewing", "offer", "no_response")


class Applications:
    tables: tuple[sa.Table, ...] = (applications,)

    def want(self, rows: BatchRows, event: Event) -> None:
        match event:
            case (
                ApplicationCreated() | ApplicationStatusChanged() | ApplicationNoteAdded()
                | ApplicationNextStepSet() | ApplicationFollowUpScheduled()
                | ApplicationFollowUpDue()
            ):  # fmt: skip
                rows.want(applications, event.application_id)

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        envelope = recorded.envelope
        if envelope.aggregate_type != "application":
            return
        if not isinstance(event, ApplicationCreated):
            row = rows.get(applications, UUID(envelope.aggregate_id))
            if row is None or envelope.aggregate_version <= row["version"]:
                return  # no such application, or this event was applied already
            rows.update(applications, (row["application_id"],), version=envelope.aggregate_version)
        self._apply(rows, event, recorded)

    def _apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        at = recorded.envelope.occurred_at
        match event:
            case ApplicationCreated():
                rows.insert(applications, {
                    "application_id": event.application_id, "user_id": event.user_id,
                    "job_id": event.job_id, "resume_id": event.resume_id,
                    "resume_version": event.resume_version,
                    "cover_letter_id": event.cover_letter_id, "status": event.status,
                    "next_step": None, "follow_up_on": None, "reminded_on": None, "notes": 0,
                    "version": recorded.envelope.aggregate_version,
                    "created_at": at, "updated_at": at,
                })  # fmt: skip
            case ApplicationStatusChanged():
                rows.update(applications, (event.application_id,), status=event.to_status,
                            updated_at=at)  # fmt: skip
            case ApplicationNoteAdded():
                row = rows.get(applications, event.application_id)
                if row is not None:
                    rows.update(applications, (event.application_id,), notes=row["notes"] + 1,
                                updated_at=at)  # fmt: skip
            case ApplicationNextStepSet():
                rows.update(applications, (event.application_id,), next_step=event.next_step,
                            updated_at=at)  # fmt: skip
            case ApplicationFollowUpScheduled():
                rows.update(applications, (event.application_id,),
                            follow_up_on=event.follow_up_on, updated_at=at)  # fmt: skip
            case ApplicationFollowUpDue():
                rows.update(applications, (event.application_id,),
                            reminded_on=event.follow_up_on)  # fmt: skip


async def _all(engine: AsyncEngine, query: sa.Select[Any]) -> list[Row]:
    async with engine.connect() as connection:
        return [row._asdict() for row in await connection.execute(query)]


async def application(engine: AsyncEngine, owner_id: UUID, application_id: UUID) -> Row:
    rows = await _all(
        engine,
        sa.select(applications).where(
            (applications.c.application_id == application_id) & (applications.c.user_id == owner_id)
        ),
    )
    if not rows:
        raise NotFound(f"no application {application_id}")
    return rows[0]


async def applications_of(
    engine: AsyncEngine,
    owner_id: UUID,
    statuses: list[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Row]:
    """Newest first."""
    query = sa.select(applications).where(applications.c.user_id == owner_id)
    if statuses:
        query = query.where(applications.c.status.in_(statuses))
    query = query.order_by(applications.c.created_at.desc(), applications.c.application_id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return await _all(engine, query)


async def posting_visible(engine: AsyncEngine, owner_id: UUID, job_id: UUID) -> bool:
    """Whether the caller may apply to this job posting: one of theirs, or a shared one."""
    query = sa.select(postings.c.job_id).where(
        (postings.c.job_id == job_id)
        & (postings.c.owner_id.is_(None) | (postings.c.owner_id == owner_id))
    )
    return bool(await _all(engine, query))
