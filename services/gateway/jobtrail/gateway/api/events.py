"""The caller's events, and the audit trail of one entity."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import jsonpatch
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from jobtrail.docstore import DocumentNotFound
from jobtrail.events import Envelope, RecordedEvent
from jobtrail.gateway.api.dependencies import CurrentUser, DepsDep
from jobtrail.gateway.api.inputs import Sequence
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.readmodels import queries

router = APIRouter(tags=["events"])

# Fields that stay in the log but never leave the API.
SECRET_FIELDS = frozenset({"password_hash"})


class StoredEvent(BaseModel):
    seq: int = Field(description="position in the event stream")
    event: dict[str, Any] = Field(description="the event envelope")


class EventPage(BaseModel):
    items: list[StoredEvent]
    next_after: int | None = Field(description="pass as `after` for the next page")


class AuditEntry(BaseModel):
    seq: int
    occurred_at: datetime
    actor: str
    type: str
    data: dict[str, Any]
    hash: str
    changes: list[dict[str, Any]] | None = Field(
        default=None,
        description="JSON Patch (RFC 6902) from the parent version, where a document changed",
    )


class AuditTrail(BaseModel):
    entity_id: str
    entries: list[AuditEntry]


@router.get("/events")
async def list_events(
    me: CurrentUser,
    deps: DepsDep,
    after: Annotated[Sequence, Query(description="stream sequence to start after")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventPage:
    """The caller's own events in log order (an admin sees everyone's)."""
    owner = None if me.is_admin else me.user_id
    rows = await queries.events_of(deps.engine, owner, after, limit)
    items = [StoredEvent(seq=r["seq"], event=redact(r["envelope"])) for r in rows]
    return EventPage(items=items, next_after=items[-1].seq if len(items) == limit else None)


@router.get("/audit/{entity_id}")
async def audit(entity_id: str, me: CurrentUser, deps: DepsDep) -> AuditTrail:
    """Who did what to an entity and when, with what changed between document versions."""
    owner = None if me.is_admin else me.user_id
    rows = await queries.audit_of(deps.engine, entity_id, owner)
    if not rows:
        raise NotFound(f"no audit trail for {entity_id}")
    entries = []
    for r in rows:
        # The trail keeps events as the log does, personal data sealed: opened to be shown.
        event = await _opened(deps, r["seq"], r["event"])
        entries.append(
            AuditEntry(
                seq=r["seq"], occurred_at=r["occurred_at"], actor=r["actor"], type=event["type"],
                data=redact(event)["data"], hash=r["hash"], changes=await _changes(deps, event),
            )
        )  # fmt: skip
    return AuditTrail(entity_id=entity_id, entries=entries)


async def _opened(deps: Deps, seq: int, stored: dict[str, Any]) -> dict[str, Any]:
    recorded = RecordedEvent(Envelope.model_validate(stored), seq)
    opened = await deps.events.sealer.open(recorded)
    return opened.envelope.model_dump(mode="json")


def redact(envelope: dict[str, Any]) -> dict[str, Any]:
    data = {k: ("<redacted>" if k in SECRET_FIELDS else v) for k, v in envelope["data"].items()}
    return {**envelope, "data": data}


async def _changes(deps: Deps, event: dict[str, Any]) -> list[dict[str, Any]] | None:
    if event["type"] != "ResumeVersionCreated":
        return None
    data = event["data"]
    doc_id, version, parent = UUID(data["resume_id"]), data["version"], data["parent_version"]
    try:
        after = (await deps.documents.get(doc_id, version)).content
        before = (await deps.documents.get(doc_id, parent)).content if parent else {}
    except DocumentNotFound:
        return None
    patch: list[dict[str, Any]] = jsonpatch.make_patch(before, after).patch
    return patch
