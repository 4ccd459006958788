"""The follow-up tracker and sweep on real NATS and PostgreSQL, as the notifier's own role."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import cast
from uuid import UUID, uuid4

import nats
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail.domain.applications import Application, Draft
from jobtrail.eventlog import EventStore, apply_topology, load_topology
from jobtrail.eventlog.aggregates import Repository
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.notifier.follow_ups import FollowUpTracker, rebuild, record, remind_due
from jobtrail.notifier.tables import follow_ups
from jobtrail.stack.endpoints import StackEndpoints
from tests.support.system import provisioned

pytestmark = pytest.mark.integration

OWNER = UUID("0190b8a4-0000-7000-8000-00000000f011")
CONTEXT = EventContext(actor="test", correlation_id="notifier-tests", owner_id=OWNER)
TODAY = date(2026, 11, 28)


@pytest.fixture
async def repository(stack: StackEndpoints) -> AsyncIterator[Repository]:
    client = await nats.connect(stack.nats_url)
    await apply_topology(client, load_topology())
    yield Repository(EventStore(client))
    await client.close()


@pytest.fixture
async def engine(stack: StackEndpoints) -> AsyncIterator[AsyncEngine]:
    urls = await asyncio.to_thread(provisioned, stack.database_url)
    engine = create_async_engine(urls["notifier"])
    yield engine
    await engine.dispose()


async def an_application(repository: Repository, follow_up_on: date | None) -> UUID:
    application_id = uuid4()
    draft = Draft(job_id=uuid4(), resume_id=uuid4(), resume_version=1, cover_letter_id=None,
                  status="applied")  # fmt: skip
    await repository.execute(Application, application_id, lambda a: a.create(OWNER, draft), CONTEXT)
    await repository.execute(
        Application, application_id, lambda a: a.schedule_follow_up(follow_up_on), CONTEXT
    )
    return application_id


async def track(repository: Repository, engine: AsyncEngine, application_id: UUID) -> None:
    """What the consumer does on the application's latest event."""
    history = (await repository.load(Application, application_id)).history
    await FollowUpTracker(repository, engine)(history.events[-1])


async def row(engine: AsyncEngine, application_id: UUID) -> sa.Row[tuple[object, ...]]:
    async with engine.connect() as connection:
        query = sa.select(follow_ups).where(follow_ups.c.application_id == application_id)
        found = (await connection.execute(query)).first()
    assert found is not None
    return found


async def due_reminders(repository: Repository, application_id: UUID) -> list[RecordedEvent]:
    history = (await repository.load(Application, application_id)).history
    return [r for r in history.events if r.envelope.type == "ApplicationFollowUpDue"]


async def test_a_late_delivery_never_overwrites_a_newer_row(
    repository: Repository, engine: AsyncEngine
) -> None:
    application_id = await an_application(repository, TODAY - timedelta(days=1))
    loaded = await repository.load(Application, application_id)
    await record(engine, loaded.state, loaded.history.events[-1].seq)
    older = Application.fold(application_id, loaded.history.events[:1])  # no date yet

    await record(engine, older, loaded.history.events[0].seq)

    assert (await row(engine, application_id)).follow_up_on == TODAY - timedelta(days=1)


async def test_a_due_date_is_reminded_once_and_a_closed_application_not_at_all(
    repository: Repository, engine: AsyncEngine
) -> None:
    due = await an_application(repository, TODAY - timedelta(days=2))
    closed = await an_application(repository, TODAY - timedelta(days=2))
    await repository.execute(Application, closed, lambda a: a.move("rejected"), CONTEXT)
    later = await an_application(repository, TODAY + timedelta(days=5))
    for application_id in (due, closed, later):
        await track(repository, engine, application_id)

    await remind_due(repository, engine, TODAY, wait=True)
    await remind_due(repository, engine, TODAY, wait=True)  # a second sweep, or copy

    assert len(await due_reminders(repository, due)) == 1
    assert (await row(engine, due)).reminded
    assert await due_reminders(repository, closed) == []
    assert not (await row(engine, closed)).open
    assert await due_reminders(repository, later) == []
    reminder = (await due_reminders(repository, due))[0].envelope
    assert reminder.owner_id == OWNER
    assert reminder.actor == "service:notifier"


async def test_a_rebuild_restores_lost_rows_and_never_overwrites_a_newer_one(
    repository: Repository, engine: AsyncEngine, stack: StackEndpoints
) -> None:
    lost = await an_application(repository, TODAY + timedelta(days=3))
    newer = await an_application(repository, TODAY + timedelta(days=4))
    for application_id in (lost, newer):
        await track(repository, engine, application_id)
    async with engine.begin() as connection:  # a row lost, and one written by a later event
        await connection.execute(sa.delete(follow_ups).where(follow_ups.c.application_id == lost))
        await connection.execute(
            sa.update(follow_ups).where(follow_ups.c.application_id == newer)
            .values(seq=10**12, follow_up_on=TODAY)
        )  # fmt: skip
    admin = create_async_engine(stack.database_url)
    try:
        rebuilt = await rebuild(cast(EventStore, repository.store), admin)
    finally:
        await admin.dispose()

    assert rebuilt.applications >= 2
    assert (await row(engine, lost)).follow_up_on == TODAY + timedelta(days=3)
    assert (await row(engine, newer)).follow_up_on == TODAY  # the newer row stays


async def test_a_deleted_application_loses_its_follow_up_now_and_in_a_rebuild(
    repository: Repository, engine: AsyncEngine, stack: StackEndpoints
) -> None:
    deleted = await an_application(repository, TODAY + timedelta(days=3))
    await track(repository, engine, deleted)
    assert (await row(engine, deleted)).follow_up_on == TODAY + timedelta(days=3)

    await repository.execute(Application, deleted, lambda a: a.delete(OWNER), CONTEXT)
    await track(repository, engine, deleted)  # the consumer, on ApplicationDeleted
    async with engine.connect() as connection:
        query = sa.select(follow_ups).where(follow_ups.c.application_id == deleted)
        assert (await connection.execute(query)).first() is None

    loaded = await repository.load(Application, deleted)  # a stale row the rebuild must drop
    before = Application.fold(deleted, loaded.history.events[:2])
    await record(engine, before, loaded.history.events[1].seq)
    admin = create_async_engine(stack.database_url)
    try:
        await rebuild(cast(EventStore, repository.store), admin)
    finally:
        await admin.dispose()
    async with engine.connect() as connection:
        query = sa.select(follow_ups).where(follow_ups.c.application_id == deleted)
        assert (await connection.execute(query)).first() is None
