"""Read models of job postings (shared and per user), the caller's marks, ingestion runs,
and the queries behind `GET /jobs` and `GET /resumes/{id}/matches`.

Match scores, scoring runs and posting requirements are computed by the jobs service; the
gateway holds its own projection of them (readmodels/matches.py), built from the events
that service publishes, and never reads the `jobs` schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.jobs import (
    IngestionCompleted,
    IngestionRequested,
    JobPostingAdded,
    JobPostingIngested,
    JobPostingUpdated,
)
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import (
    job_requirements,
    match_runs,
    match_scores,
    metadata,
)

Row = dict[str, Any]

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("job_id", sa.Uuid, primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
    sa.Column("owner_id", sa.Uuid, index=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_id", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("company", sa.Text),
    sa.Column("location", sa.Text),
    sa.Column("remote", sa.Boolean),
    sa.Column("salary_min", sa.BigInteger),
    sa.Column("salary_max", sa.BigInteger),
    sa.Column("currency", sa.Text),
    sa.Column("employment_type", sa.Text),
    sa.Column("skills", ARRAY(sa.Text), nullable=False),
    sa.Column("skill_keys", ARRAY(sa.Text), nullable=False),
    sa.Column("posted_on", sa.Date),
    sa.Column("url", sa.Text),
    sa.Column("document_version", sa.Integer, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("duplicate_of", sa.Uuid),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

job_marks = sa.Table(
    "job_marks",
    metadata,
    sa.Column("job_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("saved", sa.Boolean, nullable=False),
    sa.Column("dismissed", sa.Boolean, nullable=False),
    sa.Column("notes", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

ingestions = sa.Table(
    "ingestions",
    metadata,
    sa.Column("ingestion_id", sa.Uuid, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("requested_by", sa.Uuid),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("result", JSONB),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


def skill_key(skill: str) -> str:
    """Case and spacing never make two skills differ in a filter."""
    return " ".join(skill.lower().split())


class Jobs:
    tables: tuple[sa.Table, ...] = (jobs, job_marks, ingestions)

    def want(self, rows: BatchRows, event: Event) -> None:
        match event:
            case JobPostingAdded() | JobPostingIngested():
                rows.want(jobs, event.job_id)
            case JobPostingUpdated():
                rows.want(job_marks, event.job_id, event.user_id)
            case IngestionRequested() | IngestionCompleted():
                rows.want(ingestions, event.ingestion_id)

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        at = recorded.envelope.occurred_at
        match event:
            case JobPostingAdded() | JobPostingIngested():
                self._posting(rows, event, recorded)
            case JobPostingUpdated():
                mark = rows.get(job_marks, event.job_id, event.user_id) or {
                    "job_id": event.job_id, "user_id": event.user_id, "saved": False,
                    "dismissed": False, "notes": None,
                }  # fmt: skip
                changes = {k: v for k in ("saved", "dismissed", "notes")
                           if (v := getattr(event, k)) is not None}  # fmt: skip
                rows.upsert(job_marks, {**mark, **changes, "updated_at": at})
            case IngestionRequested():
                rows.insert(ingestions, {
                    "ingestion_id": event.ingestion_id, "source": event.source,
                    "requested_by": recorded.envelope.owner_id, "status": "running",
                    "result": None, "created_at": at, "updated_at": at,
                })  # fmt: skip
            case IngestionCompleted():
                result = event.model_dump(mode="json", exclude={"ingestion_id", "source"})
                status = "failed" if event.error else "completed"
                if rows.get(ingestions, event.ingestion_id) is None:  # a scheduled run
                    rows.insert(ingestions, {
                        "ingestion_id": event.ingestion_id, "source": event.source,
                        "requested_by": None, "status": status, "result": result,
                        "created_at": at, "updated_at": at,
                    })  # fmt: skip
                else:
                    rows.update(ingestions, (event.ingestion_id,), status=status,
                                result=result, updated_at=at)  # fmt: skip

    def _posting(
        self, rows: BatchRows, event: JobPostingAdded | JobPostingIngested, recorded: RecordedEvent
    ) -> None:
        at = recorded.envelope.occurred_at
        summary = event.summary.model_dump()
        existing = rows.get(jobs, event.job_id)
        row = {
            **summary,
            "job_id": event.job_id,
            "skill_keys": sorted({skill_key(s) for s in event.summary.skills}),
            "document_version": event.document_version,
            "sha256": event.sha256,
            "updated_at": at,
        }
        if isinstance(event, JobPostingIngested):
            row |= {"source": event.source, "source_id": event.source_id, "owner_id": None,
                    "duplicate_of": event.duplicate_of}  # fmt: skip
        else:
            row |= {"source": "user", "source_id": None, "owner_id": event.user_id,
                    "duplicate_of": None}  # fmt: skip
        if existing is None:
            row |= {"seq": recorded.seq, "created_at": at}
        rows.upsert(jobs, row)


@dataclass(frozen=True)
class JobFilters:
    q: str | None = None
    location: str | None = None
    remote: bool | None = None
    salary_min: int | None = None
    salary_max: int | None = None
    posted_since: date | None = None
    skills: tuple[str, ...] = ()
    saved: bool | None = None
    dismissed: bool | None = False


def _visible(user_id: UUID) -> sa.ColumnElement[bool]:
    return sa.or_(jobs.c.owner_id == user_id, jobs.c.owner_id.is_(None))


def _listing(user_id: UUID, filters: JobFilters) -> sa.Select[Any]:
    mine = job_marks.alias("mine")
    query = (
        sa.select(
            jobs,
            sa.func.coalesce(mine.c.saved, False).label("saved"),
            sa.func.coalesce(mine.c.dismissed, False).label("dismissed"),
            mine.c.notes,
        )
        .select_from(
            jobs.outerjoin(mine, (mine.c.job_id == jobs.c.job_id) & (mine.c.user_id == user_id))
        )
        .where(_visible(user_id), jobs.c.duplicate_of.is_(None))
    )
    if filters.q:
        pattern = "%" + filters.q.replace("%", r"\%").replace("_", r"\_") + "%"
        query = query.where(
            sa.or_(
                jobs.c.title.ilike(pattern),
                jobs.c.company.ilike(pattern),
                sa.func.array_to_string(jobs.c.skills, " ").ilike(pattern),
            )
        )
    if filters.location:
        query = query.where(jobs.c.location.ilike(f"%{filters.location}%"))
    if filters.remote is not None:
        query = query.where(jobs.c.remote.is_(filters.remote))
    if filters.salary_min is not None:  # ranges overlap: the posting pays at least this
        query = query.where(sa.func.coalesce(jobs.c.salary_max, jobs.c.salary_min)
                            >= filters.salary_min)  # fmt: skip
    if filters.salary_max is not None:
        query = query.where(sa.func.coalesce(jobs.c.salary_min, jobs.c.salary_max)
                            <= filters.salary_max)  # fmt: skip
    if filters.posted_since is not None:
        query = query.where(jobs.c.posted_on >= filters.posted_since)
    if filters.skills:
        wanted = sorted({skill_key(s) for s in filters.skills})
        query = query.where(jobs.c.skill_keys.contains(sa.cast(wanted, ARRAY(sa.Text))))
    if filters.saved is not None:
        query = query.where(sa.func.coalesce(mine.c.saved, False).is_(filters.saved))
    if filters.dismissed is not None:
        query = query.where(sa.func.coalesce(mine.c.dismissed, False).is_(filters.dismissed))
    return query


async def _all(engine: AsyncEngine, query: sa.Select[Any]) -> list[Row]:
    async with engine.connect() as connection:
        return [row._asdict() for row in await connection.execute(query)]


async def job_list(
    engine: AsyncEngine, user_id: UUID, filters: JobFilters, limit: int, before: int | None
) -> list[Row]:
    """Newest first by log position; `before` is the last page's cursor."""
    query = _listing(user_id, filters)
    if before is not None:
        query = query.where(jobs.c.seq < before)
    return await _all(engine, query.order_by(jobs.c.seq.desc()).limit(limit))


async def job(engine: AsyncEngine, user_id: UUID, job_id: UUID) -> Row:
    query = _listing(user_id, JobFilters(dismissed=None)).where(jobs.c.job_id == job_id)
    rows = await _all(engine, query)
    if not rows:
        raise NotFound(f"no job posting {job_id}")
    return rows[0]


async def requirements(engine: AsyncEngine, job_id: UUID) -> dict[str, Any] | None:
    """What the jobs service extracted from the posting (None until it has read it, or
    when it was read before requirements were extracted)."""
    query = sa.select(job_requirements.c.requirements).where(job_requirements.c.job_id == job_id)
    async with engine.connect() as connection:
        found = (await connection.execute(query)).scalar()
    return found if isinstance(found, dict) and "required" in found else None


@dataclass(frozen=True)
class MatchProgress:
    status: str  # scoring | complete
    scored: int
    pending: int
    outside: int


async def match_progress(
    engine: AsyncEngine, user_id: UUID, resume_id: UUID, version: int
) -> MatchProgress:
    """How far the scoring of one resume version against the caller's visible postings
    is: scored, pending, and outside its candidate set (never scored, on purpose).

    A version's own run scores its candidate set and records how many visible postings it
    left out; postings that arrive later are scored against each resume's newest version,
    so for an older version those count as outside too."""
    visible = _visible(user_id) & jobs.c.duplicate_of.is_(None)
    total_q = sa.select(sa.func.count()).select_from(jobs).where(visible)
    scored_q = (
        sa.select(sa.func.count())
        .select_from(jobs.join(match_scores, match_scores.c.job_id == jobs.c.job_id))
        .where(visible, match_scores.c.resume_id == resume_id,
               match_scores.c.resume_version == version, match_scores.c.owner_id == user_id)
    )  # fmt: skip
    # Only complete runs are announced: a version without one is still being scored.
    runs_q = sa.select(match_runs.c.version, match_runs.c.outside).where(
        match_runs.c.resume_id == resume_id, match_runs.c.owner_id == user_id
    )
    async with engine.connect() as connection:
        total = int((await connection.execute(total_q)).scalar() or 0)
        scored = int((await connection.execute(scored_q)).scalar() or 0)
        runs = {r.version: r for r in await connection.execute(runs_q)}
    run = runs.get(version)
    if run is None:
        pending = max(0, total - scored)
        return MatchProgress("scoring", scored, pending, 0)
    if any(v > version for v in runs):  # superseded: no longer scored against new postings
        return MatchProgress("complete", scored, 0, max(0, total - scored))
    outside = min(int(run.outside), max(0, total - scored))
    pending = max(0, total - scored - outside)
    return MatchProgress("complete" if pending == 0 else "scoring", scored, pending, outside)


async def matched_jobs(
    engine: AsyncEngine, user_id: UUID, resume_id: UUID, version: int,
    filters: JobFilters, limit: int, offset: int,
) -> list[Row]:  # fmt: skip
    """The caller's visible postings scored against one resume version, best first."""
    query = (
        _listing(user_id, filters)
        .add_columns(
            match_scores.c.score,
            match_scores.c.explanation,
            match_scores.c.model,
            match_scores.c.formula,
        )
        .join(match_scores, match_scores.c.job_id == jobs.c.job_id)
        .where(
            match_scores.c.resume_id == resume_id,
            match_scores.c.resume_version == version,
            match_scores.c.owner_id == user_id,
        )
        .order_by(match_scores.c.score.desc(), jobs.c.seq.desc())
        .limit(limit)
        .offset(offset)
    )
    return await _all(engine, query)


async def ingestion(engine: AsyncEngine, ingestion_id: UUID) -> Row:
    rows = await _all(
        engine, sa.select(ingestions).where(ingestions.c.ingestion_id == ingestion_id)
    )
    if not rows:
        raise NotFound(f"no ingestion {ingestion_id}")
    return rows[0]
