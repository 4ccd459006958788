"""Creating, moving and annotating job applications, and reminding of follow-ups."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.docstore import DocumentNotFound
from jobtrail.eventlog import AggregateHistory
from jobtrail.events import EventContext, uuid7
from jobtrail.events.applications import ApplicationStatus
from jobtrail.events.envelope import Event
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.applications import Application, Draft, application_id_for
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


async def remind_due_follow_ups(
    deps: Deps, today: date, limit: int = 500, *, wait: bool = False
) -> int:
    """Append `ApplicationFollowUpDue` for every open application whose date has arrived.

    Runs under an advisory lock, so one sweep at a time across gateway copies; and each
    reminder is decided on the application's own events (once per date) and gets an id
    derived from the event that scheduled the follow-up, so a repeated sweep adds nothing.
    Returns how many reminders were appended (0 when another copy holds the lock, unless
    `wait`).
    """
    engine: AsyncEngine = deps.engine
    appended = 0
    async with engine.connect() as connection:
        if wait:  # queue behind a running sweep instead of leaving the work to it
            await connection.execute(
                sa.text("SELECT pg_advisory_lock(:key)"), {"key": FOLLOW_UP_LOCK}
            )
        else:
            locked = await connection.scalar(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": FOLLOW_UP_LOCK}
            )
            if not locked:
                return 0
        try:
            due = await read.due_follow_ups(connection, today, limit)
            await connection.rollback()  # release the snapshot; the lock is session-scoped
            for row in due:
                appended += await _remind(deps, row["application_id"], today)
        finally:
            await connection.scalar(
                sa.text("SELECT pg_advisory_unlock(:key)"), {"key": FOLLOW_UP_LOCK}
            )
            await connection.commit()
    return appended


async def _remind(deps: Deps, application_id: UUID, today: date) -> int:
    def context(application: Application) -> EventContext:
        assert application.follow_up_cause is not None  # due_reminder decided something
        caused = EventContext.caused_by(application.follow_up_cause, actor=FOLLOW_UP_ACTOR)
        return caused.with_owner(application.owner_id)

    def decide(application: Application) -> list[Event]:
        if application.follow_up_cause is None:
            return []
        return list(application.due_reminder(today))

    recorded = await deps.repository.execute(Application, application_id, decide, context)
    await deps.settled(recorded)
    return len(recorded)


async def run_follow_ups(deps: Deps, stop: asyncio.Event) -> None:
    """Sweep for due follow-ups every `follow_up_interval_seconds` until `stop` is set."""
    interval = deps.settings.follow_up_interval_seconds
    while not stop.is_set():
        try:
            reminded = await remind_due_follow_ups(deps, datetime.now(UTC).date())
            if reminded:
                log.info("follow_up.reminded", count=reminded)
        except Exception:  # a database or NATS hiccup: the next sweep tries again
            log.exception("follow_up.sweep_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
