"""The one place where the resume service's adapters are chosen and connected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from jobtrail.blobs import BlobStore
from jobtrail.docstore import open_document_store
from jobtrail.events import EventConsumer, EventStore, apply_topology, load_topology
from jobtrail.events.connection import connect_nats, consumers_check, stream_check
from jobtrail.events.subjects import EVENTS_STREAM
from jobtrail.resume.handlers import ResumeDeps, give_up, parse_upload
from jobtrail.resume.settings import ResumeSettings
from jobtrail.runtime import ServiceParts

CONSUMER = "resume-parse"


@asynccontextmanager
async def setup(settings: ResumeSettings) -> AsyncIterator[ServiceParts]:
    """Connect NATS, the document store and S3; run the parse consumer."""
    nc = await connect_nats(settings.nats_url, name="resume")
    documents = None
    try:
        topology = load_topology()
        await apply_topology(nc, topology)
        documents = await open_document_store(settings.effective_docstore_url)
        files = BlobStore.connect(
            settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value(),
            settings.s3_bucket, secure=settings.s3_secure, region=settings.s3_region,
        )  # fmt: skip
        await files.ensure_bucket()
        deps = ResumeDeps(EventStore(nc), documents, files, settings.max_file_bytes)
        consumer = EventConsumer(
            nc,
            CONSUMER,
            partial(parse_upload, deps=deps),
            topology=topology,
            on_dead_letter=lambda recorded, reason: give_up(recorded, deps, reason),
        )
        yield ServiceParts(
            checks={
                "nats": stream_check(nc, EVENTS_STREAM),
                "consumers": consumers_check(nc, topology, [CONSUMER]),
                "s3": files.ping,
                "documents": documents.ping,
            },
            tasks=[consumer.run],
        )
    finally:
        if documents is not None:
            await documents.close()
        await nc.drain()
