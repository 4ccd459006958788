"""Creating, moving and annotating job applications, and reminding of follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import structlog

from jobtrail.docstore import DocumentNotFound
from jobtrail.domain.applications import Application, Draft, application_id_for
from jobtrail.eventlog import AggregateHistory
from jobtrail.events import uuid7
from jobtrail.events.applications import ApplicationStatus
from jobtrail.events.envelope import Event
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.errors import InvalidInput, NotFound
from jobtrail.gateway.readmodels import applications as read
from jobtrail.gateway.readmodels import queries
from jobtrail.gateway.security import Principal

log = structlog.get_logger("jobtrail.gateway.applications")

FOLLOW_UP_ACTOR = "service:gateway-followups"
# One sweep at a time across gateway copies: a transaction-scoped advisory lock on this key.
FOLLOW_UP_LOCK = 0x4A54_4655  # "JTFU"


@dataclass(frozen=True)
class Changes:
    """What a PATCH asks for; `None` in a `*_set` field means "not sent"."""

    status: ApplicationStatus | None = None
    note: str | None = None
    next_step_set: bool = False
    next_step: str | None = None
    follow_up_set: bool = False
    follow_up_on: date | None = None


async def create(
    deps: Deps,
    principal: Principal,
    draft: Draft,
    idempotency_key: str | None,
    correlation_id: str,
) -> tuple[UUID, bool]:
    """Record a new application; (its id, whether this was a repeat of a keyed request)."""
    await _check_references(deps, principal, draft)
    application_id = (
        application_id_for(principal.user_id, idempotency_key) if idempotency_key else uuid7()
    )
    # A repeat of the key finds the application created and decides nothing; the same key
    # with a different draft is refused by the decision.
    recorded = await deps.execute(
        Application,
        application_id,
        lambda application: application.create(principal.user_id, draft),
        principal,
        correlation_id,
    )
    return application_id, not recorded


async def _check_references(deps: Deps, principal: Principal, draft: Draft) -> None:
    """The resume version must be the caller's; so must the cover letter and the posting."""
    try:
        await queries.resume(deps.engine, principal.user_id, draft.resume_id)
        await queries.version(deps.engine, draft.resume_id, draft.resume_version)
    except NotFound:
        raise InvalidInput(
            f"you have no resume {draft.resume_id} with version {draft.resume_version}; "
            "pick one from GET /resumes and GET /resumes/{id}/versions"
        ) from None
    if draft.cover_letter_id is not None:
        try:
            letter = await deps.documents.get(draft.cover_letter_id)
        except DocumentNotFound:
            letter = None
        if letter is None or letter.owner_id != principal.user_id:
            raise InvalidInput(
                f"you have no cover letter document {draft.cover_letter_id}; "
                "leave cover_letter_id out or name one of your documents"
            )
    if not await read.posting_visible(deps.engine, principal.user_id, draft.job_id):
        raise InvalidInput(
            f"you have no job posting {draft.job_id}; add it first (POST /jobs) or name one "
            "from your postings"
        )


async def change(
    deps: Deps,
    principal: Principal,
    application_id: UUID,
    changes: Changes,
    correlation_id: str,
) -> None:
    """Apply a PATCH as one atomic batch of events (nothing if it changes nothing)."""

    def decide(application: Application) -> list[Event]:
        application.ensure_owned_by(principal.user_id)
        decided: list[Event] = []
        if changes.status is not None:
            decided += application.move(changes.status)  # refuses an illegal move
        if changes.note is not None:
            decided += application.add_note(uuid7(), changes.note)
        if changes.next_step_set:
            decided += application.set_next_step(changes.next_step)
        if changes.follow_up_set:
            decided += application.schedule_follow_up(changes.follow_up_on)
        return decided

    await deps.execute(Application, application_id, decide, principal, correlation_id)


async def load(
    deps: Deps, principal: Principal, application_id: UUID
) -> tuple[Application, AggregateHistory]:
    loaded = await deps.repository.load(Application, application_id)
    loaded.state.ensure_owned_by(principal.user_id)
    return loaded.state, loaded.history


def timeline(history: AggregateHistory) -> list[dict[str, Any]]:
    """The application's own events, oldest first, as the job seeker's history of it."""
    return [
        {
            "seq": r.seq, "type": r.envelope.type, "occurred_at": r.envelope.occurred_at,
            "actor": r.envelope.actor,
            "data": {k: v for k, v in r.envelope.data.items() if k != "application_id"},
        }
        for r in history.events
    ]  # fmt: skip
