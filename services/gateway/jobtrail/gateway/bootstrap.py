"""The one place where the gateway's adapters are chosen and connected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import create_async_engine

from jobtrail.blobs import BlobStore
from jobtrail.docstore import open_document_store
from jobtrail.events import EventStore, apply_topology, load_topology
from jobtrail.events.connection import connect_nats, stream_check
from jobtrail.events.subjects import ALL_EVENTS, EVENTS_STREAM
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.readmodels.audit import AuditTrail
from jobtrail.gateway.readmodels.projection import ReadModels
from jobtrail.gateway.readmodels.projector import Projector
from jobtrail.gateway.readmodels.tables import SCHEMA
from jobtrail.gateway.security import TokenIssuer
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.runtime.health import Check
from jobtrail.runtime.migrations import upgrade_to_head

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Gateway:
    deps: Deps
    nc: NATS
    projectors: list[Projector]
    checks: dict[str, Check]


def migrate(database_url: str) -> None:
    upgrade_to_head(database_url, MIGRATIONS, SCHEMA)


def projectors_for(deps: Deps) -> list[Projector]:
    return [
        Projector(deps.engine, deps.events, ReadModels()),
        Projector(deps.engine, deps.events, AuditTrail()),
    ]


@asynccontextmanager
async def bootstrap(settings: GatewaySettings) -> AsyncIterator[Gateway]:
    """Connect everything the gateway needs; make sure streams, tables and bucket exist."""
    nc = await connect_nats(settings.nats_url, name="gateway")
    engine = create_async_engine(settings.database_url, pool_size=10, max_overflow=10)
    documents = None
    try:
        await apply_topology(nc, load_topology())
        await asyncio.to_thread(migrate, settings.database_url)
        documents = await open_document_store(settings.effective_docstore_url)
        files = BlobStore.connect(
            settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value(),
            settings.s3_bucket, secure=settings.s3_secure, region=settings.s3_region,
            public_endpoint=settings.s3_public_endpoint,
        )  # fmt: skip
        await files.ensure_bucket()
        tokens = TokenIssuer(
            settings.jwt_secret.get_secret_value(),
            timedelta(minutes=settings.access_token_minutes),
            timedelta(days=settings.refresh_token_days),
        )
        deps = Deps(settings, EventStore(nc), engine, documents, files, tokens)
        projectors = projectors_for(deps)

        async def wake(_: Msg) -> None:
            for projector in projectors:
                projector.wake()

        await nc.subscribe(ALL_EVENTS, cb=wake)
        checks: dict[str, Check] = {
            "nats": stream_check(nc, EVENTS_STREAM),
            "postgres": lambda: _ping(deps),
            "s3": files.ping,
            "documents": documents.ping,
        }
        yield Gateway(deps, nc, projectors, checks)
    finally:
        if documents is not None:
            await documents.close()
        await engine.dispose()
        await nc.drain()


async def _ping(deps: Deps) -> None:
    async with deps.engine.connect() as connection:
        await connection.exec_driver_sql("SELECT 1")
