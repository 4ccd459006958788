"""Events of the `job` aggregate (a posting) and the `ingestion` aggregate (a feed run).

A posting's raw JSON is a versioned document in the document store (doc id = job id);
events carry its id, version and hash. Postings added by hand belong to the user who
added them; ingested postings belong to no one and are visible to every user.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
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


class MatchScore(BaseModel):
    """One posting's score against a resume version (0–100), and why."""

    model_config = ConfigDict(frozen=True)
    job_id: UUID
    score: int = Field(ge=0, le=100)
    explanation: dict[str, Any]


class MatchRun(BaseModel):
    """A resume version's own scoring run is complete: the postings it could see, those it
    scored (its candidate set), and those it left outside the set on purpose."""

    model_config = ConfigDict(frozen=True)
    visible: int = Field(ge=0)
    candidates: int = Field(ge=0)
    outside: int = Field(ge=0)


MAX_SCORES = 200  # per MatchesScored: a full run of explained scores stays far below 1 MiB


class MatchesScored(Event):
    """The jobs service scored postings against one resume version (part of one pass).

    A pass (a new version's run, a new posting, `jobtrail rescore`) is told in as many
    events as its scores need, at most MAX_SCORES each, in order; the last one of a
    version's own run carries `run`. A score replaces the one held for the same (resume,
    version, posting) unless that one was computed later. Scores are never withdrawn: a
    posting leaves a list by its own events (hidden as a duplicate, dismissed).
    """

    type: ClassVar[str] = "MatchesScored"
    aggregate_type: ClassVar[str] = "matches"  # aggregate id: "<resume id>-v<version>"
    owner_id: UUID
    resume_id: UUID
    resume_version: int
    model: str = Field(description="the embedding model the scores' similarities come from")
    formula: str = Field(description="the ranking formula that scored them")
    computed_at: datetime
    scores: list[MatchScore] = Field(max_length=MAX_SCORES)
    run: MatchRun | None = Field(
        default=None, description="set on the last event of a version's own run"
    )


class PostingRequirementsRead(Event):
    """The jobs service read what a posting asks for: skills required and nice to have,
    years, level and occupation (again when the ranking formula changed)."""

    type: ClassVar[str] = "PostingRequirementsRead"
    aggregate_type: ClassVar[str] = "requirements"  # aggregate id: the job id
    job_id: UUID
    formula: str
    requirements: dict[str, Any]


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


class JobPostingDeleted(Event):
    """The job seeker deleted a posting they had added (a feed's postings are nobody's to
    delete): it leaves the lists, and its scores go."""

    type: ClassVar[str] = "JobPostingDeleted"
    aggregate_type: ClassVar[str] = "job"
    job_id: UUID
    user_id: UUID
