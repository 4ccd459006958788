"""Read models of resumes and their document versions."""

from __future__ import annotations

import sqlalchemy as sa

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.resumes import (
    ResumeParsed,
    ResumeRejected,
    ResumeRetryRequested,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import resume_versions, resumes


class Resumes:
    tables: tuple[sa.Table, ...] = (resumes, resume_versions)

    def want(self, rows: BatchRows, event: Event) -> None:
        match event:
            case ResumeUploaded() | ResumeParsed() | ResumeRejected() | ResumeRetryRequested():
                rows.want(resumes, event.resume_id)
            case ResumeVersionCreated() | ResumeVersionAccepted():
                rows.want(resumes, event.resume_id)
                rows.want(resume_versions, event.resume_id, event.version)

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        at = recorded.envelope.occurred_at
        match event:
            case ResumeUploaded():
                rows.insert(resumes, {
                    "resume_id": event.resume_id, "user_id": event.user_id,
                    "filename": event.filename, "media_type": event.media_type,
                    "size": event.size, "sha256": event.sha256, "file_key": event.file_key,
                    "file_version": event.file_version, "status": "processing",
                    "file_kind": None, "reject_code": None, "reject_reason": None,
                    "current_version": None, "latest_version": None,
                    "created_at": at, "updated_at": at,
                })  # fmt: skip
            case ResumeParsed():
                rows.update(resumes, (event.resume_id,), status="parsed",
                            file_kind=event.file_kind, updated_at=at)  # fmt: skip
            case ResumeRejected():
                rows.update(resumes, (event.resume_id,), status="rejected",
                            reject_code=event.code, reject_reason=event.reason,
                            updated_at=at)  # fmt: skip
            case ResumeRetryRequested():
                # A retry supersedes the rejection: the resume is being read again.
                rows.update(resumes, (event.resume_id,), status="processing",
                            reject_code=None, reject_reason=None, updated_at=at)  # fmt: skip
            case ResumeVersionCreated():
                rows.insert(resume_versions, {
                    "resume_id": event.resume_id, "version": event.version,
                    "parent_version": event.parent_version, "source": event.source,
                    "sha256": event.sha256, "proposal": event.proposal,
                    "created_by": recorded.envelope.actor, "created_at": at,
                    "accepted_at": None,
                })  # fmt: skip
                rows.update(resumes, (event.resume_id,), latest_version=event.version,
                            updated_at=at)  # fmt: skip
            case ResumeVersionAccepted():
                rows.update(resumes, (event.resume_id,), current_version=event.version,
                            updated_at=at)  # fmt: skip
                rows.update(resume_versions, (event.resume_id, event.version), accepted_at=at)
