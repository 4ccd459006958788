"""Events of the `ai_job` aggregate: AI work a job seeker asked for, and how it ended.

Inputs and outputs are documents in the document store; the events carry their ids,
versions and hashes. A tailored resume is a new version of the RESUME aggregate
(`ResumeVersionCreated`, source `ai`, `proposal=True`), never made current by the worker.
"""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from jobtrail.events.envelope import Event

AIJobKind = Literal[
    "tailor_resume", "cover_letter", "summarize_resume", "research_prompt", "interview_prep"
]
KINDS_WITH_POSTING: frozenset[str] = frozenset({"tailor_resume", "cover_letter", "interview_prep"})


class AIJobQueued(Event):
    """A job seeker asked for AI work on a resume version (and a job posting)."""

    type: ClassVar[str] = "AIJobQueued"
    aggregate_type: ClassVar[str] = "ai_job"
    ai_job_id: UUID
    user_id: UUID
    kind: AIJobKind
    resume_id: UUID
    resume_version: int
    job_id: UUID | None = Field(
        default=None, description="the job posting: its raw JSON is the document `job_id`"
    )
    job_version: int | None = None
    tone: str | None = None
    length: str | None = None


class AIJobProgressed(Event):
    """A worker made progress on an AI job (0-100)."""

    type: ClassVar[str] = "AIJobProgressed"
    aggregate_type: ClassVar[str] = "ai_job"
    ai_job_id: UUID
    progress: int = Field(ge=0, le=100)
    stage: str


class AIOutputReady(Event):
    """The AI job's output passed the faithfulness check and is stored as a document."""

    type: ClassVar[str] = "AIOutputReady"
    aggregate_type: ClassVar[str] = "ai_job"
    ai_job_id: UUID
    kind: AIJobKind
    document_id: UUID
    document_version: int
    sha256: str
    based_on_version: int
    latest_resume_version: int = Field(
        description="the resume's newest version when the output was ready: if greater than "
        "`based_on_version`, the output is based on an older version"
    )
    cached: bool
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


class AIJobFailed(Event):
    """The AI job ended without an output; `reason` says why and what to do."""

    type: ClassVar[str] = "AIJobFailed"
    aggregate_type: ClassVar[str] = "ai_job"
    ai_job_id: UUID
    code: str
    reason: str
    invented: list[str] = Field(
        default=[], description="facts in the refused output the resume does not support"
    )
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


class AIJobCancelled(Event):
    """The job seeker cancelled the AI job before it finished."""

    type: ClassVar[str] = "AIJobCancelled"
    aggregate_type: ClassVar[str] = "ai_job"
    ai_job_id: UUID


class AIJobRetryRequested(Event):
    """An operator sent the AI job back to be run again (`jobtrail dlq retry`).

    It supersedes an earlier `AIJobFailed`: the worker runs the job anew, and its next
    `AIOutputReady` or `AIJobFailed` is the outcome. Nothing earlier is edited.
    """

    type: ClassVar[str] = "AIJobRetryRequested"
    aggregate_type: ClassVar[str] = "ai_job"
    ai_job_id: UUID
    reason: str


class AIOutputDeleted(Event):
    """The job seeker deleted an AI job's output (a cover letter, a summary …): the job stays
    listed as deleted, its text is no longer served."""

    type: ClassVar[str] = "AIOutputDeleted"
    aggregate_type: ClassVar[str] = "ai_job"
    ai_job_id: UUID
    user_id: UUID
