"""The `read-models` projection: users, profiles, resumes, versions and the event list."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from jobtrail.events import Event, RecordedEvent, UnknownEventType
from jobtrail.events.resumes import (
    ResumeParsed,
    ResumeRejected,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)
from jobtrail.events.users import ProfileUpdated, UserRegistered, UserUpdated
from jobtrail.gateway.readmodels.rows import BatchRows, event_columns
from jobtrail.gateway.readmodels.tables import events, profiles, resume_versions, resumes, users

NAME = "read-models"


class ReadModels:
    """Applies events to the read-model tables. Timestamps come from the events, so a
    replay rebuilds the tables exactly."""

    name = NAME

    async def apply(self, connection: AsyncConnection, batch: list[RecordedEvent]) -> None:
        await connection.execute(
            insert(events).on_conflict_do_nothing(), [_event_row(e) for e in batch]
        )
        decoded = []
        for recorded in batch:
            try:
                decoded.append((recorded, recorded.event))
            except UnknownEventType:  # a type this gateway does not know: listed, not projected
                continue
        rows = BatchRows()
        for _, event in decoded:
            _want(rows, event)
        await rows.load(connection)
        for recorded, event in decoded:
            _apply(rows, event, recorded)
        await rows.store(connection)


def _event_row(recorded: RecordedEvent) -> dict[str, Any]:
    envelope = recorded.envelope
    return {
        **event_columns(recorded),
        "correlation_id": envelope.correlation_id,
        "envelope": envelope.model_dump(mode="json"),
    }


def _want(rows: BatchRows, event: Event) -> None:
    match event:
        case UserRegistered() | UserUpdated():
            rows.want(users, event.user_id)
        case ProfileUpdated():
            rows.want(profiles, event.user_id)
        case ResumeUploaded() | ResumeParsed() | ResumeRejected():
            rows.want(resumes, event.resume_id)
        case ResumeVersionCreated() | ResumeVersionAccepted():
            rows.want(resumes, event.resume_id)
            rows.want(resume_versions, event.resume_id, event.version)


def _apply(rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
    at = recorded.envelope.occurred_at
    match event:
        case UserRegistered():
            rows.insert(users, {
                "user_id": event.user_id, "email": event.email, "display_name": event.display_name,
                "role": event.role, "created_at": at, "updated_at": at,
            })  # fmt: skip
        case UserUpdated():
            rows.update(users, (event.user_id,), display_name=event.display_name, updated_at=at)
        case ProfileUpdated():
            profile = event.profile.model_dump(mode="json")
            rows.upsert(profiles, {"user_id": event.user_id, "profile": profile, "updated_at": at})
        case ResumeUploaded():
            rows.insert(resumes, {
                "resume_id": event.resume_id, "user_id": event.user_id, "filename": event.filename,
                "media_type": event.media_type, "size": event.size, "sha256": event.sha256,
                "file_key": event.file_key, "file_version": event.file_version,
                "status": "processing", "file_kind": None, "reject_code": None,
                "reject_reason": None, "current_version": None, "latest_version": None,
                "created_at": at, "updated_at": at,
            })  # fmt: skip
        case ResumeParsed():
            rows.update(resumes, (event.resume_id,), status="parsed", file_kind=event.file_kind,
                        updated_at=at)  # fmt: skip
        case ResumeRejected():
            rows.update(resumes, (event.resume_id,), status="rejected", reject_code=event.code,
                        reject_reason=event.reason, updated_at=at)  # fmt: skip
        case ResumeVersionCreated():
            rows.insert(resume_versions, {
                "resume_id": event.resume_id, "version": event.version,
                "parent_version": event.parent_version, "source": event.source,
                "sha256": event.sha256, "proposal": event.proposal,
                "created_by": recorded.envelope.actor, "created_at": at, "accepted_at": None,
            })  # fmt: skip
            rows.update(resumes, (event.resume_id,), latest_version=event.version, updated_at=at)
        case ResumeVersionAccepted():
            rows.update(resumes, (event.resume_id,), current_version=event.version, updated_at=at)
            rows.update(resume_versions, (event.resume_id, event.version), accepted_at=at)
