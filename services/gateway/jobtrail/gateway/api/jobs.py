"""Job postings: add them by hand, list and filter them, save, dismiss and annotate."""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Body, Query, Response, status
from pydantic import BaseModel, Field

from jobtrail.domain.postings import Posting
from jobtrail.gateway.api.dependencies import (
    CorrelationId,
    CurrentUser,
    DepsDep,
    IdempotencyKey,
)
from jobtrail.gateway.api.inputs import CURSOR_PATTERN, INT64_MAX, Amount
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.errors import InvalidInput, NotFound
from jobtrail.gateway.handlers import deletions
from jobtrail.gateway.handlers import jobs as handle
from jobtrail.gateway.readmodels import jobs as read
from jobtrail.gateway.readmodels import queries
from jobtrail.gateway.security import Principal

router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobIn(BaseModel):
    """A posting in Jobtrail's fields (a JSON Resume job document is accepted as is)."""

    title: str = Field(min_length=1, max_length=500)
    company: str | None = None
    description: str | None = Field(default=None, max_length=200_000)
    url: str | None = None
    location: str | None = None
    remote: bool | None = None
    salary_min: Amount | None = None
    salary_max: Amount | None = None
    currency: str | None = None
    employment_type: str | None = None
    skills: list[str] = []
    posted_on: date | None = None


class JobPatch(BaseModel):
    saved: bool | None = None
    dismissed: bool | None = None
    notes: str | None = Field(default=None, max_length=10_000)


class Match(BaseModel):
    score: int = Field(ge=0, le=100)
    model: str
    explanation: dict[str, Any] = Field(
        description="matched and missing skills (required and nice-to-have), which resume "
        "bullets support which requirement, title fit (O*NET occupations), seniority fit, "
        "years asked vs shown, each component's value and the `formula` that scored it"
    )
    formula: str | None = Field(default=None, description="the scoring formula's version")


class JobOut(BaseModel):
    job_id: UUID
    source: str
    source_id: str | None
    shared: bool = Field(description="ingested from a feed: visible to every user")
    title: str
    company: str | None
    location: str | None
    remote: bool | None
    salary_min: int | None
    salary_max: int | None
    currency: str | None
    employment_type: str | None
    skills: list[str]
    posted_on: date | None
    url: str | None
    document_version: int
    saved: bool
    dismissed: bool
    notes: str | None
    created_at: datetime
    updated_at: datetime
    match: Match | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> JobOut:
        match = None
        if row.get("score") is not None:
            match = Match(score=row["score"], model=row["model"], explanation=row["explanation"],
                          formula=row.get("formula"))  # fmt: skip
        return cls(**{k: v for k, v in row.items() if k != "match"},
                   shared=row["owner_id"] is None, match=match)  # fmt: skip


class Requirements(BaseModel):
    """What the posting asks, as the jobs service read it from its fields and description."""

    required: list[str] = Field(description="skills the posting requires")
    nice_to_have: list[str] = Field(description="skills it names as a plus, bonus, preferred")
    years_min: int | None = Field(description="years of experience asked, if it says")
    seniority: str | None = Field(
        description="intern, junior, mid, senior, lead or executive (from the title, else "
        "from the years asked)"
    )
    occupation: str | None = Field(description="the O*NET-SOC code its title maps to")
    occupation_title: str | None = None


class JobDetail(JobOut):
    description: str
    posting: dict[str, Any] = Field(description="the posting's raw JSON as it was received")
    requirements: Requirements | None = Field(
        default=None,
        description="extracted in the background a moment after the posting is added "
        "(null until then)",
    )


class JobPage(BaseModel):
    items: list[JobOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class MatchPage(JobPage):
    """Scored postings, and how complete the scoring of this resume version is."""

    resume_version: int | None = Field(description="the version scored (null: none parsed yet)")
    status: Literal["scoring", "complete"] = Field(
        description="`scoring` while postings you can see still wait for a score: poll "
        "until `complete`"
    )
    scored: int = Field(description="your visible postings scored for this version")
    pending: int = Field(description="your visible postings not scored yet")
    outside: int = Field(
        description="your visible postings deliberately not scored: outside the version's "
        "candidate set (the nearest postings), or added after a newer version"
    )


class Filters(BaseModel):
    q: str | None = None
    location: str | None = None
    remote: bool | None = None
    salary_min: Amount | None = None
    salary_max: Amount | None = None
    posted_since: date | None = None
    skills: list[str] = []
    saved: bool | None = None
    dismissed: bool | None = Field(
        default=False,
        description="dismissed postings are hidden "
        "unless asked for (true), or shown with the rest (null)",
    )

    def to_query(self) -> read.JobFilters:
        return read.JobFilters(**{**self.model_dump(), "skills": tuple(self.skills)})


FiltersDep = Annotated[Filters, Query()]


@router.post("", status_code=status.HTTP_201_CREATED)
async def add_job(
    me: CurrentUser,
    deps: DepsDep,
    correlation_id: CorrelationId,
    posting: Annotated[
        dict[str, Any],
        Body(description="JobIn's fields, or a posting in the JSON Resume job schema",
             openapi_examples={"jobtrail": {"value": {"title": "Backend engineer",
                                                      "skills": ["Python"]}}}),
    ],
    response: Response,
    key: IdempotencyKey,
) -> JobDetail:  # fmt: skip
    """Add a posting by hand; it is yours alone, and is embedded and scored in the
    background."""
    job_id, repeated = await handle.add(deps, me, posting, correlation_id, key)
    if repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return await _created(job_id, me, deps)


# After a posting is added, how long to keep looking for it in the read models when they
# lag past the read-your-writes wait (a loaded machine): the posting exists, so a 404
# would tell the caller something false.
CREATED_VISIBLE_SECONDS = 15.0


async def _created(job_id: UUID, me: Principal, deps: Deps) -> JobDetail:
    deadline = time.monotonic() + CREATED_VISIBLE_SECONDS
    while True:
        try:
            return await get_job(job_id, me, deps)
        except NotFound:
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(0.05)


@router.get("")
async def list_jobs(
    me: CurrentUser,
    deps: DepsDep,
    filters: FiltersDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(pattern=CURSOR_PATTERN)] = None,
    match_for: Annotated[
        UUID | None, Query(description="a resume id: order by its current version's score")
    ] = None,
) -> JobPage:
    """Your postings and the shared ones, newest first; filters combine with AND."""
    if match_for is not None:
        page = await matched_page(me, deps, filters, match_for, None, limit, cursor)
        return JobPage(items=page.items, next_cursor=page.next_cursor)
    before = _cursor(cursor)
    rows = await read.job_list(deps.engine, me.user_id, filters.to_query(), limit, before)
    items = [JobOut.of(r) for r in rows]
    last = str(rows[-1]["seq"]) if len(rows) == limit else None
    return JobPage(items=items, next_cursor=last)


@router.get("/{job_id}")
async def get_job(job_id: UUID, me: CurrentUser, deps: DepsDep) -> JobDetail:
    """One posting, with its description and the raw JSON it came in."""
    row = await read.job(deps.engine, me.user_id, job_id)
    document = await deps.documents.get(job_id, row["document_version"])
    content = document.content
    wanted = await read.requirements(deps.engine, job_id)
    extracted = Requirements.model_validate(wanted) if wanted else None
    return JobDetail(**JobOut.of(row).model_dump(),
                     description=content.get("posting", {}).get("description", ""),
                     posting=content.get("raw", {}), requirements=extracted)  # fmt: skip


@router.patch("/{job_id}")
async def patch_job(
    job_id: UUID, body: JobPatch, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> JobDetail:
    """Save, dismiss (or bring back) a posting, or replace your notes on it."""
    await handle.mark(deps, me, job_id, body.model_dump(exclude_unset=True), correlation_id)
    return await get_job(job_id, me, deps)


async def matched_page(
    me: Principal, deps: Deps, filters: Filters, resume_id: UUID, version: int | None,
    limit: int, cursor: str | None,
) -> MatchPage:  # fmt: skip
    """One resume version's scored postings, best first (`cursor` is an offset here), and
    how complete its scoring is."""
    resume = await queries.resume(deps.engine, me.user_id, resume_id)
    number = version or resume["current_version"] or resume["latest_version"]
    if number is None:  # not parsed yet (scoring starts then), or rejected (never will)
        waiting = resume.get("status") != "rejected"
        return MatchPage(items=[], next_cursor=None, resume_version=None,
                         status="scoring" if waiting else "complete", scored=0, pending=0,
                         outside=0)  # fmt: skip
    offset = _cursor(cursor) or 0
    rows = await read.matched_jobs(deps.engine, me.user_id, resume_id, number,
                                   filters.to_query(), limit, offset)  # fmt: skip
    progress = await read.match_progress(deps.engine, me.user_id, resume_id, number)
    items = [JobOut.of(r) for r in rows]
    after = str(offset + limit) if len(rows) == limit else None
    return MatchPage(items=items, next_cursor=after, resume_version=number,
                     status=progress.status, scored=progress.scored, pending=progress.pending,
                     outside=progress.outside)  # fmt: skip


def _cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not (cursor.isascii() and cursor.isdigit()) or int(cursor) > INT64_MAX:
        raise InvalidInput("cursor is not one this API gave: pass `next_cursor` as it came")
    return int(cursor)


@router.delete("/{job_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_job(
    job_id: UUID, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> Response:
    """Delete a posting you added, with its scores (409 for a feed's posting: dismiss it)."""
    await deletions.delete_owned(deps, Posting, job_id, me, correlation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
