"""Events of the `job` aggregate (a posting) and the `ingestion` aggregate (a feed run).

A posting's raw JSON is a versioned document in the document store (doc id = job id);
events carry its id, version and hash. Postings added by hand belong to the user who
added them; ingested postings belong to no one and are visible to every user.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from jobtrail.events.envelope import Event


class PostingSummary(BaseModel):
    """The short fields of a posting that lists and filters need (the description, and
    the raw JSON the posting came in, stay in its document)."""

    model_config = ConfigDict(frozen=True)
    title: str = Field(max_length=500)
    company: str | None = Field(default=None, max_length=300)
    location: str | None = Field(default=None, max_length=300)
    remote: bool | None = None
    salary_min: int | None = Field(default=None, ge=0)
    salary_max: int | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, max_length=8)
    employment_type: str | None = Field(default=None, max_length=100)
    skills: list[str] = Field(default=[], max_length=200)
    posted_on: date | None = None
    url: str | None = Field(default=None, max_length=2000)


class JobPostingAdded(Event):
    """A job seeker added a posting by hand; its document is version 1."""

    type: ClassVar[str] = "JobPostingAdded"
    aggregate_type: ClassVar[str] = "job"
    job_id: UUID
    user_id: UUID
    document_version: int
    sha256: str
    summary: PostingSummary


class JobPostingIngested(Event):
    """A feed delivered a posting new to Jobtrail, or a changed copy of one it had."""

    type: ClassVar[str] = "JobPostingIngested"
    aggregate_type: ClassVar[str] = "job"
    job_id: UUID
    source: str
    source_id: str
    document_version: int
    sha256: str
    summary: PostingSummary
    duplicate_of: UUID | None = Field(
        default=None, description="an earlier posting this one repeats (shown once)"
    )


class JobPostingUpdated(Event):
    """The job seeker saved, dismissed or annotated a posting (their own short notes)."""

    type: ClassVar[str] = "JobPostingUpdated"
    aggregate_type: ClassVar[str] = "job"
    job_id: UUID
    user_id: UUID
    saved: bool | None = None
    dismissed: bool | None = None
    notes: str | None = Field(default=None, max_length=10_000)


class JobMatched(Event):
    """A posting scored above the job seeker's threshold for one resume version."""

    type: ClassVar[str] = "JobMatched"
    aggregate_type: ClassVar[str] = "job"
    job_id: UUID
    user_id: UUID
    resume_id: UUID
    resume_version: int
    score: int = Field(ge=0, le=100)
    model: str


class IngestionRequested(Event):
    """Someone asked to run one feed now (the scheduler runs them by itself too)."""

    type: ClassVar[str] = "IngestionRequested"
    aggregate_type: ClassVar[str] = "ingestion"
    ingestion_id: UUID
    source: str


class IngestionCompleted(Event):
    """One run of a feed ended: how many postings it brought, or why it failed."""

    type: ClassVar[str] = "IngestionCompleted"
    aggregate_type: ClassVar[str] = "ingestion"
    ingestion_id: UUID
    source: str
    fetched: int
    added: int
    updated: int
    duplicates: int
    error: str | None = None


class RescoreRequested(Event):
    """An operator asked to re-score every resume's latest version (after a change of the
    scoring formula or model); the jobs service does it in the background, in batches."""

    type: ClassVar[str] = "RescoreRequested"
    aggregate_type: ClassVar[str] = "rescore"
    rescore_id: UUID
    reason: str | None = Field(default=None, max_length=500)


class RescoreCompleted(Event):
    """A re-scoring run ended: how many postings and resume versions it re-scored, and with
    which formula."""

    type: ClassVar[str] = "RescoreCompleted"
    aggregate_type: ClassVar[str] = "rescore"
    rescore_id: UUID
    postings: int
    resumes: int
    formula: str
