"""Events of the `resume` aggregate: an uploaded file and the versions of its document.

The document of a resume has the resume's id as its doc id in the document store; the
file itself is in S3 under its sha256. Events carry ids and hashes, never the content.
"""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from jobtrail.events.envelope import Event

DocumentSource = Literal["user", "ai", "import"]


class ResumeUploaded(Event):
    """A job seeker uploaded a resume file; it is stored, not yet read."""

    type: ClassVar[str] = "ResumeUploaded"
    aggregate_type: ClassVar[str] = "resume"
    resume_id: UUID
    user_id: UUID
    filename: str
    media_type: str
    size: int
    sha256: str
    file_key: str
    file_version: str | None = None


class ResumeParsed(Event):
    """The resume service read the file and built a JSON Resume document from it."""

    type: ClassVar[str] = "ResumeParsed"
    aggregate_type: ClassVar[str] = "resume"
    resume_id: UUID
    file_kind: str
    document_version: int
    sha256: str
    text_chars: int


class ResumeRejected(Event):
    """The file could not be used; `reason` tells the job seeker what to do."""

    type: ClassVar[str] = "ResumeRejected"
    aggregate_type: ClassVar[str] = "resume"
    resume_id: UUID
    code: str
    reason: str


class ResumeVersionCreated(Event):
    """A new immutable version of the resume document was stored."""

    type: ClassVar[str] = "ResumeVersionCreated"
    aggregate_type: ClassVar[str] = "resume"
    resume_id: UUID
    version: int
    parent_version: int | None
    source: DocumentSource
    sha256: str
    proposal: bool = False


class ResumeVersionAccepted(Event):
    """The job seeker made a version the current one."""

    type: ClassVar[str] = "ResumeVersionAccepted"
    aggregate_type: ClassVar[str] = "resume"
    resume_id: UUID
    version: int


class ResumeRetryRequested(Event):
    """An operator sent the upload back to be read again (`jobtrail dlq retry`).

    It supersedes an earlier `ResumeRejected`: the resume service decides anew, and its
    next `ResumeParsed` or `ResumeRejected` is the outcome. Nothing earlier is edited.
    """

    type: ClassVar[str] = "ResumeRetryRequested"
    aggregate_type: ClassVar[str] = "resume"
    resume_id: UUID
    reason: str


class ResumeDeleted(Event):
    """The job seeker deleted a resume: its read models, matches and uploaded file go. The
    event names the resume and nothing of what it held."""

    type: ClassVar[str] = "ResumeDeleted"
    aggregate_type: ClassVar[str] = "resume"
    resume_id: UUID
    user_id: UUID
