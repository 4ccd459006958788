"""Notifications: what happened that a job seeker should know, as a list and as a live stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from jobtrail.gateway.api.dependencies import CorrelationId, CurrentUser, DepsDep
from jobtrail.gateway.api.inputs import Sequence, parse_sequence
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.handlers import notifications as handle
from jobtrail.gateway.readmodels import notifications as read

router = APIRouter(prefix="/notifications", tags=["notifications"])

# How often an open stream looks for new notifications of its caller (an indexed query).
STREAM_POLL_SECONDS = 0.5


class NotificationOut(BaseModel):
    notification_id: UUID
    seq: int = Field(description="position in the event log; streams resume after it")
    kind: str = Field(
        description="export_ready, export_failed, ai_output_ready, ai_job_failed, "
        "strong_match or follow_up"
    )
    title: str
    subject_type: str = Field(description="what it is about: export, ai_job, job, application…")
    subject_id: str
    cause_type: str = Field(description="the event that caused it")
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> NotificationOut:
        return cls(**{k: v for k, v in row.items() if k in cls.model_fields})


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    unread: int = Field(description="how many of the caller's notifications are unread")
    next_before: int | None = Field(description="pass as `before` for the next page")


class ReadAll(BaseModel):
    marked: int


@router.get("")
async def list_notifications(
    me: CurrentUser,
    deps: DepsDep,
    unread: Annotated[bool, Query(description="only the unread ones")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[Sequence | None, Query(ge=1, description="`next_before` of a page")] = None,
) -> NotificationPage:
    """The caller's notifications, newest first."""
    rows = await read.notifications_of(
        deps.engine, me.user_id, unread=unread, before=before, limit=limit
    )
    items = [NotificationOut.of(r) for r in rows]
    return NotificationPage(
        items=items,
        unread=await read.unread_count(deps.engine, me.user_id),
        next_before=items[-1].seq if len(items) == limit else None,
    )


@router.get("/stream", response_class=EventSourceResponse)
async def stream_notifications(
    request: Request,
    me: CurrentUser,
    deps: DepsDep,
    last_event_id: Annotated[str | None, Header(description="resume after this `seq`")] = None,
    after: Annotated[Sequence | None, Query(description="start after this `seq`")] = None,
) -> EventSourceResponse:
    """Server-Sent Events: each new notification of the caller as a `notification` event."""
    start = after if after is not None else _seq(last_event_id)
    if start is None:
        start = await read.last_seq(deps.engine, me.user_id)
    return EventSourceResponse(_notifications(request, deps, me.user_id, start), ping=15)


async def _notifications(
    request: Request, deps: Deps, user_id: UUID, cursor: int
) -> AsyncIterator[ServerSentEvent]:
    while not await request.is_disconnected():
        rows = await read.notifications_of(deps.engine, user_id, after=cursor, limit=100)
        for row in rows:
            item = NotificationOut.of(row)
            cursor = item.seq
            yield ServerSentEvent(
                data=json.dumps(item.model_dump(mode="json")), event="notification", id=str(cursor)
            )
        if not rows:
            await asyncio.sleep(STREAM_POLL_SECONDS)


def _seq(value: str | None) -> int | None:
    return parse_sequence(value)


@router.post("/read-all")
async def read_all(me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId) -> ReadAll:
    """Mark every notification of the caller read."""
    return ReadAll(marked=await handle.mark_all_read(deps, me, correlation_id))


@router.post("/{notification_id}/read")
async def mark_read(
    notification_id: UUID, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> NotificationOut:
    """Mark one notification read (again changes nothing)."""
    await handle.mark_read(deps, me, notification_id, correlation_id)
    return NotificationOut.of(await read.notification(deps.engine, me.user_id, notification_id))
