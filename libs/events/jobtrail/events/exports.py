"""Events of the `export` aggregate: a PDF or DOCX of a resume version or cover letter.

The rendered file is stored in S3 under its sha256 before `ExportReady` names it; events
carry ids, versions and hashes, never the document or the file.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args
from uuid import UUID

from jobtrail.events.envelope import Event

ExportDocument = Literal["resume", "cover_letter"]
ExportFormat = Literal["pdf", "docx"]
# The export templates: one list for the gateway (which refuses others) and the exporter
# (which renders each in every format).
ExportTemplate = Literal["classic", "modern"]
TEMPLATES: tuple[str, ...] = get_args(ExportTemplate)


class ExportRequested(Event):
    """A job seeker asked for a resume version or cover letter as a PDF or DOCX file."""

    type: ClassVar[str] = "ExportRequested"
    aggregate_type: ClassVar[str] = "export"
    export_id: UUID
    user_id: UUID
    application_id: UUID | None = None
    resume_id: UUID
    version: int
    document: ExportDocument
    format: ExportFormat
    template: str
    cover_letter_id: UUID | None = None
    cover_letter_version: int | None = None


class ExportReady(Event):
    """The exporter rendered the file and stored it; `file_key` names it in S3."""

    type: ClassVar[str] = "ExportReady"
    aggregate_type: ClassVar[str] = "export"
    export_id: UUID
    user_id: UUID
    application_id: UUID | None = None
    resume_id: UUID
    version: int
    document: ExportDocument
    format: ExportFormat
    template: str
    file_key: str
    file_version: str | None = None
    sha256: str
    size: int
    filename: str


class ExportFailed(Event):
    """The file could not be rendered; `reason` tells the job seeker what to do."""

    type: ClassVar[str] = "ExportFailed"
    aggregate_type: ClassVar[str] = "export"
    export_id: UUID
    user_id: UUID
    application_id: UUID | None = None
    resume_id: UUID
    version: int
    document: ExportDocument
    format: ExportFormat
    template: str
    reason: str


class ExportRetryRequested(Event):
    """An operator sent the export back to be rendered again (`jobtrail dlq retry`).

    It supersedes an earlier `ExportFailed`: the exporter decides anew, and its next
    `ExportReady` or `ExportFailed` is the outcome. Nothing earlier is edited.
    """

    type: ClassVar[str] = "ExportRetryRequested"
    aggregate_type: ClassVar[str] = "export"
    export_id: UUID
    reason: str
