"""Applications: track each job application through its stages, with notes and follow-ups."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response, status
from pydantic import BaseModel, Field

from jobtrail.domain.applications import STATUSES, Application, Draft, allowed_moves
from jobtrail.events.applications import ApplicationStatus
from jobtrail.gateway.api.dependencies import CorrelationId, CurrentUser, DepsDep
from jobtrail.gateway.api.inputs import INT32_MAX, INT64_MAX
from jobtrail.gateway.errors import InvalidInput
from jobtrail.gateway.handlers import applications as handle
from jobtrail.gateway.handlers import deletions
from jobtrail.gateway.readmodels import applications as read

router = APIRouter(prefix="/applications", tags=["applications"])


class NewApplication(BaseModel):
    job_id: UUID = Field(description="the job posting applied to")
    resume_id: UUID
    resume_version: int = Field(ge=1, le=INT32_MAX, description="the version of the resume sent")
    cover_letter_id: UUID | None = Field(
        default=None, description="a cover letter document of yours, if one is sent"
    )
    status: Literal["saved", "applied"] = Field(
        default="saved", description="saved (not sent yet) or applied (already sent)"
    )


class ApplicationChange(BaseModel):
    """Only the fields sent change; `next_step` or `follow_up_on` null clears them."""

    status: ApplicationStatus | None = None
    note: str | None = Field(default=None, min_length=1, max_length=5000,
                             description="a note to add to the application")  # fmt: skip
    next_step: str | None = Field(default=None, max_length=500)
    follow_up_on: date | None = Field(
        default=None, description="the day to follow up; one reminder once it arrives"
    )


class ApplicationOut(BaseModel):
    application_id: UUID
    job_id: UUID
    resume_id: UUID
    resume_version: int
    cover_letter_id: UUID | None
    status: ApplicationStatus
    allowed_moves: list[ApplicationStatus]
    next_step: str | None
    follow_up_on: date | None
    notes: int = Field(description="how many notes it has (their texts are in the timeline)")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> ApplicationOut:
        fields = {k: v for k, v in row.items() if k in cls.model_fields}
        return cls(**fields, allowed_moves=list(allowed_moves(row["status"])))


class TimelineEntry(BaseModel):
    seq: int
    type: str
    occurred_at: datetime
    actor: str
    data: dict[str, Any]


class ApplicationDetail(ApplicationOut):
    timeline: list[TimelineEntry] = Field(description="the application's events, oldest first")


class ApplicationPage(BaseModel):
    items: list[ApplicationOut]
    next_offset: int | None = Field(description="pass as `offset` for the next page")


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_application(
    body: NewApplication,
    me: CurrentUser,
    deps: DepsDep,
    correlation_id: CorrelationId,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(max_length=200, description="repeat a request safely: same key, same answer"),
    ] = None,
) -> ApplicationDetail:
    """Start tracking an application (saved or applied) with the resume version sent."""
    draft = Draft(body.job_id, body.resume_id, body.resume_version, body.cover_letter_id,
                  body.status)  # fmt: skip
    key = idempotency_key.strip() if idempotency_key else None
    application_id, repeated = await handle.create(deps, me, draft, key or None, correlation_id)
    if repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return await get_application(application_id, me, deps)


@router.get("", response_model=None)
async def list_applications(
    me: CurrentUser,
    deps: DepsDep,
    status_filter: Annotated[
        list[ApplicationStatus] | None,
        Query(alias="status", description="only these stages (repeat for several)"),
    ] = None,
    view: Annotated[
        Literal["list", "board"], Query(description="board: {stage: [applications]}")
    ] = "list",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=INT64_MAX)] = 0,
) -> ApplicationPage | dict[str, list[ApplicationOut]]:
    """The caller's applications, newest first; `view=board` groups them by stage."""
    if view == "board":
        rows = await read.applications_of(deps.engine, me.user_id, list(status_filter or []))
        shown = status_filter or list(STATUSES)
        board: dict[str, list[ApplicationOut]] = {s: [] for s in shown}
        for row in rows:
            board[row["status"]].append(ApplicationOut.of(row))
        return board
    rows = await read.applications_of(
        deps.engine, me.user_id, list(status_filter or []), limit, offset
    )
    items = [ApplicationOut.of(r) for r in rows]
    return ApplicationPage(items=items, next_offset=offset + limit if len(items) == limit else None)


@router.get("/{application_id}")
async def get_application(
    application_id: UUID, me: CurrentUser, deps: DepsDep
) -> ApplicationDetail:
    """One application with its timeline (every event of it, from the log)."""
    row = await read.application(deps.engine, me.user_id, application_id)
    _, history = await handle.load(deps, me, application_id)
    summary = ApplicationOut.of(row)
    entries = [TimelineEntry(**e) for e in handle.timeline(history)]
    return ApplicationDetail(**summary.model_dump(), timeline=entries)


@router.patch("/{application_id}")
async def change_application(
    application_id: UUID,
    body: ApplicationChange,
    me: CurrentUser,
    deps: DepsDep,
    correlation_id: CorrelationId,
) -> ApplicationDetail:
    """Move the stage (409 names the allowed moves), add a note, set next step or follow-up."""
    sent = body.model_fields_set
    if not sent:
        raise InvalidInput("nothing to change: send status, note, next_step or follow_up_on")
    if "status" in sent and body.status is None:
        raise InvalidInput("status cannot be null; send one of " + ", ".join(STATUSES))
    changes = handle.Changes(
        status=body.status, note=body.note,
        next_step_set="next_step" in sent, next_step=(body.next_step or "").strip() or None,
        follow_up_set="follow_up_on" in sent, follow_up_on=body.follow_up_on,
    )  # fmt: skip
    await handle.change(deps, me, application_id, changes, correlation_id)
    return await get_application(application_id, me, deps)


@router.delete("/{application_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_application(
    application_id: UUID, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> Response:
    """Delete an application from the tracker, with its history and reminders."""
    await deletions.delete_owned(deps, Application, application_id, me, correlation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
