"""The one place where the jobs service's adapters are chosen and connected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from jobtrail.docstore import SealedDocuments, open_document_store
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.connection import JetStreamLink, jetstream
from jobtrail.eventlog.subscriptions import FaststreamConsumers, Subscription
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.jobs import IngestionRequested
from jobtrail.jobs.adapters.feeds import (
    AdzunaSource,
    FileSource,
    GreenhouseSource,
    LeverSource,
    PoliteClient,
)
from jobtrail.jobs.adapters.store import PostgresJobsStore
from jobtrail.jobs.declarations import INGEST, MATCH, POSTINGS, PROFILES, RESCORE, SERVICE
from jobtrail.jobs.embedding import Embedder
from jobtrail.jobs.handlers import JobsDeps, on_posting, on_profile, on_resume_version
from jobtrail.jobs.ingestion import Ingestion
from jobtrail.jobs.settings import JobsSettings
from jobtrail.jobs.sources import JobSource
from jobtrail.jobs.tables import SCHEMA
from jobtrail.jobs.upkeep import on_rescore_requested, reembed_stale, rescore_in_background
from jobtrail.privacy import keys_for
from jobtrail.runtime import ServiceParts
from jobtrail.runtime.migrations import upgrade_to_head
from jobtrail.runtime.service import Task

MIGRATIONS = Path(__file__).parent / "migrations"
ACTOR = "service:jobs"


def make_embedder(settings: JobsSettings) -> Embedder:
    if settings.embedder == "openai":
        from jobtrail.jobs.adapters.openai import OpenAIEmbedder

        return OpenAIEmbedder(
            settings.openai_api_key.get_secret_value(),
            model=settings.openai_model,
            base_url=settings.openai_base_url,
        )
    if settings.embedder == "minilm":
        from jobtrail.jobs.adapters.minilm import MiniLMEmbedder

        return MiniLMEmbedder()
    from jobtrail.jobs.adapters.static import StaticEmbedder

    return StaticEmbedder()


def make_sources(settings: JobsSettings) -> dict[str, list[JobSource]]:
    """Every configured feed, by the name `POST /ingestions` and `jobtrail ingest` use."""

    def client(name: str, base_url: str) -> PoliteClient:
        return PoliteClient(name, base_url, min_interval=settings.feed_min_interval_seconds,
                            attempts=settings.feed_attempts,
                            backoff=settings.feed_backoff_seconds)  # fmt: skip

    sources: dict[str, list[JobSource]] = {}
    if settings.adzuna_app_id:
        sources["adzuna"] = [AdzunaSource(
            settings.adzuna_app_id, settings.adzuna_app_key.get_secret_value(),
            settings.adzuna_country, settings.adzuna_what, settings.adzuna_pages,
            client("adzuna", settings.adzuna_base_url),
        )]  # fmt: skip
    if settings.greenhouse_boards:
        greenhouse = client("greenhouse", settings.greenhouse_base_url)
        sources["greenhouse"] = [
            GreenhouseSource(b, greenhouse) for b in settings.greenhouse_boards
        ]
    if settings.lever_companies:
        lever = client("lever", settings.lever_base_url)
        sources["lever"] = [LeverSource(c, lever) for c in settings.lever_companies]
    if settings.import_files:
        sources["file"] = [FileSource(p) for p in settings.import_files]
    return sources


async def on_ingestion_requested(
    recorded: RecordedEvent, deps: JobsDeps, ingestion: Ingestion
) -> None:
    """On IngestionRequested: run the feed now (once: a completed run is not repeated)."""
    event = recorded.event
    if not isinstance(event, IngestionRequested):
        return
    history = await deps.events.load("ingestion", event.ingestion_id)
    if any(e.envelope.type == "IngestionCompleted" for e in history.events):
        return
    context = EventContext.caused_by(recorded.envelope, ACTOR)
    await ingestion.run(event.source, ingestion_id=event.ingestion_id, context=context)


@dataclass
class Connected:
    link: JetStreamLink
    deps: JobsDeps
    ingestion: Ingestion


@asynccontextmanager
async def connected(settings: JobsSettings) -> AsyncIterator[Connected]:
    """Migrated schema, NATS, PostgreSQL, the documents and the embedder (the service, the
    CLI's `jobtrail ingest` and the benchmarks share this)."""
    async with jetstream(settings.nats_url, SERVICE.name, SERVICE.durables) as link:
        await asyncio.to_thread(upgrade_to_head, settings.database_url, MIGRATIONS, SCHEMA)
        engine = create_async_engine(settings.database_url, pool_size=5, max_overflow=5)
        documents = SealedDocuments(
            await open_document_store(settings.effective_docstore_url), keys_for(link.nc)
        )
        try:
            embedder = await asyncio.to_thread(make_embedder, settings)
            events = EventStore(link.nc, declared=SERVICE)
            deps = JobsDeps(engine, events, documents, embedder, PostgresJobsStore(engine))
            ingestion = Ingestion(deps, make_sources(settings), settings.duplicate_similarity)
            yield Connected(link, deps, ingestion)
        finally:
            await documents.close()
            await engine.dispose()


@asynccontextmanager
async def setup(settings: JobsSettings) -> AsyncIterator[ServiceParts]:
    """Migrate the `jobs` schema, load the embedder, run the consumers and feed schedules."""
    async with connected(settings) as parts:
        link, deps, ingestion = parts.link, parts.deps, parts.ingestion
        # In stream order, one at a time, as each was written for (embedding and scoring
        # are CPU-bound here; a posting's update must not overtake its addition).
        subscriptions = [
            Subscription(POSTINGS, partial(on_posting, deps=deps), ordered=True),
            Subscription(MATCH, partial(on_resume_version, deps=deps), ordered=True),
            Subscription(PROFILES, partial(on_profile, deps=deps), ordered=True),
            Subscription(
                INGEST,
                partial(on_ingestion_requested, deps=deps, ingestion=ingestion),
                ordered=True,
                batch=1,  # a feed run takes minutes: fetch the next one after
            ),
            Subscription(RESCORE, partial(on_rescore_requested, deps=deps), ordered=True),
        ]
        consumers = FaststreamConsumers(link.nc, settings.nats_url, link.topology, subscriptions)
        tasks: list[Task] = [consumers.run]
        tasks.append(partial(reembed_stale, deps))
        tasks.append(partial(rescore_in_background, deps))
        if settings.ingest_every_minutes > 0:
            for name in ingestion.sources:
                tasks.append(partial(ingestion.schedule, name, settings.ingest_every_minutes))

        async def database() -> None:
            async with deps.engine.connect() as connection:
                await connection.execute(sa.text("SELECT 1"))

        checks = {**link.checks, "database": database, "documents": deps.documents.ping}
        # A job board being down is worth seeing, not a reason to take this copy out of service.
        feeds = {f"feed:{n}": ingestion.check(n) for n in ingestion.sources}
        yield ServiceParts(checks=checks, tasks=tasks, advisories=feeds)
