"""The one place where the exporter service's adapters are chosen and connected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from jobtrail.blobs import BlobStore, SealedBlobs
from jobtrail.docstore import DocumentStore, SealedDocuments, open_document_store
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.connection import JetStreamLink, jetstream
from jobtrail.eventlog.subscriptions import FaststreamConsumers, Subscription
from jobtrail.exporter.declarations import RENDER, SERVICE
from jobtrail.exporter.handlers import ExporterDeps, on_dead_letter, render_export
from jobtrail.exporter.pdf import warm_up
from jobtrail.exporter.settings import ExporterSettings
from jobtrail.privacy import keys_for
from jobtrail.runtime import ServiceParts


@asynccontextmanager
async def setup(settings: ExporterSettings) -> AsyncIterator[ServiceParts]:
    """Connect NATS, the document store and S3; run the render consumer."""
    await asyncio.to_thread(warm_up)
    async with jetstream(settings.nats_url, SERVICE.name, SERVICE.durables) as link:
        documents = SealedDocuments(
            await open_document_store(settings.effective_docstore_url), keys_for(link.nc)
        )
        try:
            yield _parts(
                settings,
                link,
                documents,
                SealedBlobs(await BlobStore.open(settings), keys_for(link.nc)),
            )
        finally:
            await documents.close()


def _parts(
    settings: ExporterSettings, link: JetStreamLink, documents: DocumentStore, files: SealedBlobs
) -> ServiceParts:
    deps = ExporterDeps(EventStore(link.nc, declared=SERVICE), documents, files)
    render = Subscription(
        RENDER, partial(render_export, deps=deps), on_dead_letter=on_dead_letter(deps),
        batch=4,  # renders at a time in this copy (typst and python-docx run in threads)
    )  # fmt: skip
    consumers = FaststreamConsumers(link.nc, settings.nats_url, link.topology, [render])
    checks = {**link.checks, "s3": files.ping, "documents": documents.ping}
    return ServiceParts(checks=checks, tasks=[consumers.run])
