"""The `read-models` projection: users, profiles, resumes, versions and the event list."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.resumes import (
    ResumeParsed,
    ResumeRejected,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)
from jobtrail.events.users import ProfileUpdated, UserRegistered, UserUpdated
from jobtrail.gateway.readmodels.tables import (
    events,
    profiles,
    resume_versions,
    resumes,
    users,
)

NAME = "read-models"


class ReadModels:
    """Applies events to the read-model tables; timestamps come from the events, so a
    replay rebuilds the tables byte for byte."""

    name = NAME

    async def apply(self, connection: AsyncConnection, batch: list[RecordedEvent]) -> None:
        await connection.execute(insert(events).on_conflict_do_nothing(), [_event_row(e) for e in batch])
        for recorded in batch:
            try:
                event = recorded.event
            except Exception:  # an event type this gateway does not know: listed, not projected
                continue
            await _apply(connection, event, recorded)


def _event_row(recorded: RecordedEvent) -> dict[str, Any]:
    envelope = recorded.envelope
    return {
        "seq": recorded.seq,
        "event_id": envelope.event_id,
        "type": envelope.type,
        "aggregate_type": envelope.aggregate_type,
        "aggregate_id": envelope.aggregate_id,
        "owner_id": envelope.owner_id,
        "actor": envelope.actor,
        "correlation_id": envelope.correlation_id,
        "occurred_at": envelope.occurred_at,
        "envelope": envelope.model_dump(mode="json"),
    }


async def _apply(connection: AsyncConnection, event: Event, recorded: RecordedEvent) -> None:
    at = recorded.envelope.occurred_at
    match event:
        case UserRegistered():
            await connection.execute(
                insert(users)
                .values(
                    user_id=event.user_id, email=event.email, display_name=event.display_name,
                    role=event.role, created_at=at, updated_at=at,
                )
                .on_conflict_do_nothing()
            )  # fmt: skip
        case UserUpdated():
            await connection.execute(
                users.update()
                .where(users.c.user_id == event.user_id)
                .values(display_name=event.display_name, updated_at=at)
            )
        case ProfileUpdated():
            row = {"user_id": event.user_id, "profile": event.profile.model_dump(mode="json")}
            statement = insert(profiles).values(**row, updated_at=at)
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[profiles.c.user_id],
                    set_={"profile": statement.excluded.profile, "updated_at": at},
                )
            )
        case ResumeUploaded():
            await connection.execute(
                insert(resumes)
                .values(
                    resume_id=event.resume_id, user_id=event.user_id, filename=event.filename,
                    media_type=event.media_type, size=event.size, sha256=event.sha256,
                    file_key=event.file_key, file_version=event.file_version,
                    status="processing", created_at=at, updated_at=at,
                )
                .on_conflict_do_nothing()
            )  # fmt: skip
        case ResumeParsed():
            await _update_resume(connection, event.resume_id, at, status="parsed", file_kind=event.file_kind)
        case ResumeRejected():
            await _update_resume(
                connection, event.resume_id, at,
                status="rejected", reject_code=event.code, reject_reason=event.reason,
            )  # fmt: skip
        case ResumeVersionCreated():
            await connection.execute(
                insert(resume_versions)
                .values(
                    resume_id=event.resume_id, version=event.version,
                    parent_version=event.parent_version, source=event.source,
                    sha256=event.sha256, proposal=event.proposal,
                    created_by=recorded.envelope.actor, created_at=at,
                )
                .on_conflict_do_nothing()
            )  # fmt: skip
            await _update_resume(connection, event.resume_id, at, latest_version=event.version)
        case ResumeVersionAccepted():
            await _update_resume(connection, event.resume_id, at, current_version=event.version)
            await connection.execute(
                resume_versions.update()
                .where(
                    (resume_versions.c.resume_id == event.resume_id)
                    & (resume_versions.c.version == event.version)
                )
                .values(accepted_at=at)
            )


async def _update_resume(connection: AsyncConnection, resume_id: object, at: object, **values: Any) -> None:
    await connection.execute(
        resumes.update().where(resumes.c.resume_id == resume_id).values(**values, updated_at=at)
    )
