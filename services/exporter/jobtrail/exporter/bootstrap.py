"""The one place where the exporter service's adapters are chosen and connected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from jobtrail.blobs import BlobStore
from jobtrail.docstore import DocumentStore, open_document_store
from jobtrail.eventlog import EventConsumer, EventStore
from jobtrail.eventlog.connection import JetStreamLink, jetstream
from jobtrail.exporter.handlers import ExporterDeps, on_dead_letter, render_export
from jobtrail.exporter.pdf import warm_up
from jobtrail.exporter.settings import ExporterSettings
from jobtrail.runtime import ServiceParts

CONSUMER = "exporter-render"
CONSUMERS = [CONSUMER]


@asynccontextmanager
async def setup(settings: ExporterSettings) -> AsyncIterator[ServiceParts]:
    """Connect NATS, the document store and S3; run the render consumer."""
    await asyncio.to_thread(warm_up)
    async with jetstream(settings.nats_url, "exporter", CONSUMERS) as link:
        documents = await open_document_store(settings.effective_docstore_url)
        try:
            yield _parts(link, documents, await BlobStore.open(settings))
        finally:
            await documents.close()


def _parts(link: JetStreamLink, documents: DocumentStore, files: BlobStore) -> ServiceParts:
    deps = ExporterDeps(EventStore(link.nc), documents, files)
    consumer = EventConsumer(
        link.nc,
        CONSUMER,
        partial(render_export, deps=deps),
        topology=link.topology,
        on_dead_letter=on_dead_letter(deps),
    )
    checks = {**link.checks, "s3": files.ping, "documents": documents.ping}
    return ServiceParts(checks=checks, tasks=[consumer.run])
