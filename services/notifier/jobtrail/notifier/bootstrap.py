"""The one place where the notifier's adapters are chosen and connected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail.eventlog import EventStore
from jobtrail.eventlog.aggregates import Repository
from jobtrail.eventlog.connection import jetstream
from jobtrail.eventlog.subscriptions import FaststreamConsumers, Subscription
from jobtrail.notifier import follow_ups, notices
from jobtrail.notifier.declarations import FOLLOW_UPS, NOTIFY, SERVICE
from jobtrail.notifier.settings import NotifierSettings
from jobtrail.notifier.tables import MIGRATIONS, SCHEMA
from jobtrail.runtime import ServiceParts
from jobtrail.runtime.migrations import upgrade_to_head


def migrate(database_url: str) -> None:
    upgrade_to_head(database_url, MIGRATIONS, SCHEMA)


@asynccontextmanager
async def setup(settings: NotifierSettings) -> AsyncIterator[ServiceParts]:
    """Connect NATS and PostgreSQL; run both consumers and the follow-up sweep."""
    async with jetstream(settings.nats_url, SERVICE.name, SERVICE.durables) as link:
        await asyncio.to_thread(migrate, settings.database_url)
        engine = create_async_engine(settings.database_url, pool_size=4, max_overflow=4)
        try:
            repository = Repository(EventStore(link.nc, declared=SERVICE))
            notify = Subscription(
                NOTIFY, notices.Notifier(repository, settings.strong_match_score), ordered=True
            )
            track = Subscription(
                FOLLOW_UPS, follow_ups.FollowUpTracker(repository, engine), ordered=True
            )
            consumers = FaststreamConsumers(
                link.nc, settings.nats_url, link.topology, [notify, track]
            )

            async def sweep(stop: asyncio.Event) -> None:
                await follow_ups.sweep_forever(
                    repository, engine, settings.follow_up_interval_seconds, stop
                )

            checks = {**link.checks, "postgres": lambda: _ping(engine)}
            yield ServiceParts(checks=checks, tasks=[consumers.run, sweep])
        finally:
            await engine.dispose()


async def _ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.exec_driver_sql("SELECT 1")
