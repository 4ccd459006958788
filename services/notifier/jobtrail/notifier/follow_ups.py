"""Follow-up reminders: a table of open applications' dates, and a sweep over it.

The tracker (consumer `notifier-follow-ups`) folds an application's own events each time
one of them arrives and writes the result as one row, guarded by the stream sequence: a
late or repeated delivery never overwrites a newer row. The sweep runs every
`follow_up_interval_seconds`, one notifier copy at a time (a PostgreSQL advisory lock),
and appends `ApplicationFollowUpDue` for each row whose date has arrived, decided again
on the application's events (once per date) with an id derived from the event that
scheduled it, so a repeated sweep adds nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.domain.applications import FINAL, Application
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.aggregates import Repository
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.applications import ApplicationFollowUpDue
from jobtrail.events.subjects import EVENTS_PREFIX
from jobtrail.events.users import AccountErased
from jobtrail.notifier.tables import follow_ups

log = structlog.get_logger("jobtrail.notifier")

ACTOR = "service:notifier"
LOCK = 0x4A54_4655  # "JTFU"
SWEEP_LIMIT = 500


class FollowUpTracker:
    """On an application's event: write its follow-up row from its whole history. On an
    erased account: drop its rows."""

    def __init__(self, repository: Repository, engine: AsyncEngine) -> None:
        self._repository = repository
        self._engine = engine

    async def __call__(self, recorded: RecordedEvent) -> None:
        event = recorded.event
        if isinstance(event, AccountErased):
            async with self._engine.begin() as connection:
                await connection.execute(
                    follow_ups.delete().where(follow_ups.c.owner_id == event.user_id)
                )
            return
        application_id = UUID(recorded.envelope.aggregate_id)
        loaded = await self._repository.load(Application, application_id)
        if not loaded.state.exists:  # deleted (or its owner erased): nothing to remind of
            async with self._engine.begin() as connection:
                await connection.execute(
                    follow_ups.delete().where(follow_ups.c.application_id == application_id)
                )
            return
        await record(self._engine, loaded.state, loaded.history.events[-1].seq)


async def record(engine: AsyncEngine, application: Application, seq: int) -> None:
    """Upsert the application's row unless a newer one is there already."""
    async with engine.begin() as connection:
        await connection.execute(_upsert(application, seq))


def _upsert(application: Application, seq: int) -> sa.Insert:
    on = application.follow_up_on
    row: dict[str, Any] = {
        "application_id": application.application_id,
        "owner_id": application.owner_id,
        "follow_up_on": on,
        "reminded": on is not None and on in application.reminded,
        "open": application.status not in FINAL,
        "seq": seq,
    }
    statement = insert(follow_ups).values(row)
    return statement.on_conflict_do_update(
        index_elements=[follow_ups.c.application_id],
        set_={k: statement.excluded[k] for k in row if k != "application_id"},
        where=follow_ups.c.seq < statement.excluded.seq,
    )


async def remind_due(
    repository: Repository, engine: AsyncEngine, today: date, *, wait: bool = False
) -> int:
    """Append `ApplicationFollowUpDue` for every open application whose date has arrived.

    Returns how many reminders were appended (0 when another copy holds the lock, unless
    `wait`, which queues behind a running sweep instead of leaving the work to it).
    """
    appended = 0
    async with engine.connect() as connection:
        if wait:
            await connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": LOCK})
        else:
            locked = await connection.scalar(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK}
            )
            if not locked:
                return 0
        try:
            due = await connection.execute(
                sa.select(follow_ups.c.application_id)
                .where(follow_ups.c.open, ~follow_ups.c.reminded)
                .where(follow_ups.c.follow_up_on <= today)
                .order_by(follow_ups.c.follow_up_on)
                .limit(SWEEP_LIMIT)
            )
            ids = [row.application_id for row in due]
            await connection.rollback()  # release the snapshot; the lock is session-scoped
            for application_id in ids:
                appended += await _remind(repository, engine, application_id, today)
        finally:
            await connection.scalar(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK})
            await connection.commit()
    return appended


async def _remind(
    repository: Repository, engine: AsyncEngine, application_id: UUID, today: date
) -> int:
    def decide(application: Application) -> list[ApplicationFollowUpDue]:
        return [] if application.follow_up_cause is None else application.due_reminder(today)

    def context(application: Application) -> EventContext:
        assert application.follow_up_cause is not None  # decide found something due
        caused = EventContext.caused_by(application.follow_up_cause, actor=ACTOR)
        return caused.with_owner(application.owner_id)

    executed = await repository.decide(Application, application_id, decide, context)
    if executed.recorded:  # the tracker will see it too; the row need not wait for it
        after = executed.loaded.refolded(Application)
        await record(engine, after.state, executed.recorded[-1].seq)
    return len(executed.recorded)


async def sweep_forever(
    repository: Repository, engine: AsyncEngine, interval: float, stop: asyncio.Event
) -> None:
    """Sweep every `interval` seconds until `stop` is set; a failed sweep is tried next time."""
    while not stop.is_set():
        try:
            reminded = await remind_due(repository, engine, datetime.now(UTC).date())
            if reminded:
                log.info("follow_up.reminded", count=reminded)
        except Exception:  # a database or NATS hiccup: the next sweep tries again
            log.exception("follow_up.sweep_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


async def rebuild(
    store: EventStore, engine: AsyncEngine, progress: Callable[[int, int], None] | None = None
) -> Rebuilt:
    """Rebuild `notifier.follow_ups` from the log (`jobtrail replay notifier`).

    Every application's events are folded aside, then merged in one transaction that
    never goes back in time: a row is replaced only by one built from a later event, and
    a row is dropped only if the application it names does not exist (never did, was
    deleted, or its account was erased) and nothing newer wrote it.
    The tracker keeps running meanwhile; what it writes after the read stays.
    """
    started = time.perf_counter()
    total = await store.last_sequence()
    histories: dict[UUID, list[RecordedEvent]] = {}
    async for chunk, last in store.read_chunks(
        subject=f"{EVENTS_PREFIX}.application.>", on_undecodable=lambda *_: None
    ):
        for recorded in chunk:
            histories.setdefault(UUID(recorded.envelope.aggregate_id), []).append(recorded)
        if progress is not None:
            progress(last, total)
    position = max((h[-1].seq for h in histories.values()), default=0)
    # A deleted application, or one of an erased account, folds to nothing: its row goes.
    existing = {
        application_id: (application, events[-1].seq)
        for application_id, events in histories.items()
        if (application := Application.fold(application_id, events)).exists
    }
    async with engine.begin() as connection:
        await connection.execute(sa.text("LOCK TABLE notifier.follow_ups IN EXCLUSIVE MODE"))
        for application, seq in existing.values():
            await connection.execute(_upsert(application, seq))
        stale = await connection.execute(
            sa.delete(follow_ups)
            .where(follow_ups.c.application_id.not_in(list(existing)) if existing else sa.true())
            .where(follow_ups.c.seq <= position)
        )
    return Rebuilt(len(histories), stale.rowcount, position, time.perf_counter() - started)


@dataclass(frozen=True)
class Rebuilt:
    applications: int
    dropped: int
    position: int
    seconds: float
