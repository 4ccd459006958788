"""The one place where the resume service's adapters are chosen and connected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from jobtrail.blobs import BlobStore
from jobtrail.docstore import DocumentStore, open_document_store
from jobtrail.events import EventConsumer, EventStore
from jobtrail.events.connection import JetStreamLink, jetstream
from jobtrail.resume.handlers import ResumeDeps, give_up, parse_upload
from jobtrail.resume.settings import ResumeSettings
from jobtrail.runtime import ServiceParts

CONSUMER = "resume-parse"


@asynccontextmanager
async def setup(settings: ResumeSettings) -> AsyncIterator[ServiceParts]:
    """Connect NATS, the document store and S3; run the parse consumer."""
    async with jetstream(settings.nats_url, "resume", [CONSUMER]) as link:
        documents = await open_document_store(settings.effective_docstore_url)
        try:
            yield _parts(settings, link, documents, await BlobStore.open(settings))
        finally:
            await documents.close()


def _parts(
    settings: ResumeSettings, link: JetStreamLink, documents: DocumentStore, files: BlobStore
) -> ServiceParts:
    deps = ResumeDeps(EventStore(link.nc), documents, files, settings.max_file_bytes)
    consumer = EventConsumer(
        link.nc,
        CONSUMER,
        partial(parse_upload, deps=deps),
        topology=link.topology,
        on_dead_letter=lambda recorded, reason: give_up(recorded, deps, reason),
    )
    checks = {**link.checks, "s3": files.ping, "documents": documents.ping}
    return ServiceParts(checks=checks, tasks=[consumer.run])
