"""The one place where the notifier's adapters are chosen and connected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail.eventlog import EventConsumer, EventStore
from jobtrail.eventlog.aggregates import Repository
from jobtrail.eventlog.connection import jetstream
from jobtrail.notifier import follow_ups, notices
from jobtrail.notifier.settings import NotifierSettings
from jobtrail.notifier.tables import MIGRATIONS, SCHEMA
from jobtrail.runtime import ServiceParts
from jobtrail.runtime.migrations import upgrade_to_head

CONSUMERS = (notices.CONSUMER, follow_ups.CONSUMER)


def migrate(database_url: str) -> None:
    upgrade_to_head(database_url, MIGRATIONS, SCHEMA)


@asynccontextmanager
async def setup(settings: NotifierSettings) -> AsyncIterator[ServiceParts]:
    """Connect NATS and PostgreSQL; run both consumers and the follow-up sweep."""
    async with jetstream(settings.nats_url, "notifier", CONSUMERS) as link:
        await asyncio.to_thread(migrate, settings.database_url)
        engine = create_async_engine(settings.database_url, pool_size=4, max_overflow=4)
        try:
            repository = Repository(EventStore(link.nc))
            notifier = EventConsumer(
                link.nc, notices.CONSUMER,
                notices.Notifier(repository, settings.strong_match_score),
                topology=link.topology,
            )  # fmt: skip
            tracker = EventConsumer(
                link.nc, follow_ups.CONSUMER,
                follow_ups.FollowUpTracker(repository, engine), topology=link.topology,
            )  # fmt: skip

            async def sweep(stop: asyncio.Event) -> None:
                await follow_ups.sweep_forever(
                    repository, engine, settings.follow_up_interval_seconds, stop
                )

            checks = {**link.checks, "postgres": lambda: _ping(engine)}
            yield ServiceParts(checks=checks, tasks=[notifier.run, tracker.run, sweep])
        finally:
            await engine.dispose()


async def _ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.exec_driver_sql("SELECT 1")
