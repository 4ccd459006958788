"""The one place where the resume service's adapters are chosen and connected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from jobtrail.blobs import BlobStore, SealedBlobs
from jobtrail.docstore import DocumentStore, SealedDocuments, open_document_store
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.connection import JetStreamLink, jetstream
from jobtrail.eventlog.subscriptions import FaststreamConsumers, Subscription
from jobtrail.privacy import keys_for
from jobtrail.resume.adapters.llm import LLMConfig, LLMPass
from jobtrail.resume.declarations import PARSE, SERVICE
from jobtrail.resume.handlers import ResumeDeps, on_dead_letter, parse_upload
from jobtrail.resume.settings import ResumeSettings
from jobtrail.runtime import ServiceParts


@asynccontextmanager
async def setup(settings: ResumeSettings) -> AsyncIterator[ServiceParts]:
    """Connect NATS, the document store and S3; run the parse consumer."""
    async with jetstream(settings.nats_url, SERVICE.name, SERVICE.durables) as link:
        documents = SealedDocuments(
            await open_document_store(settings.effective_docstore_url), keys_for(link.nc)
        )
        llm = _llm_pass(settings)
        try:
            yield _parts(
                settings,
                link,
                documents,
                SealedBlobs(await BlobStore.open(settings), keys_for(link.nc)),
                llm,
            )
        finally:
            await documents.close()
            if llm is not None:
                await llm.close()


def _llm_pass(settings: ResumeSettings) -> LLMPass | None:
    """The LLM pass when `RESUME_LLM_BASE_URL` and `RESUME_LLM_MODEL` are set; else None."""
    if not (settings.llm_base_url and settings.llm_model):
        return None
    return LLMPass(
        LLMConfig(
            base_url=settings.llm_base_url, model=settings.llm_model,
            api_key=settings.llm_api_key.get_secret_value(),
            structured=settings.llm_structured, timeout_seconds=settings.llm_timeout_seconds,
        )
    )  # fmt: skip


def _parts(
    settings: ResumeSettings,
    link: JetStreamLink,
    documents: DocumentStore,
    files: SealedBlobs,
    llm: LLMPass | None = None,
) -> ServiceParts:
    deps = ResumeDeps(
        EventStore(link.nc, declared=SERVICE), documents, files, settings.max_file_bytes,
        settings.ocr_limits(), llm,
    )  # fmt: skip
    parse = Subscription(
        PARSE,
        partial(parse_upload, deps=deps),
        on_dead_letter=on_dead_letter(deps),
        # OCR of a scan may take tens of seconds: tell the server the message is in hand.
        heartbeat=15.0,
        batch=2,  # uploads parsed at a time in this copy (parsing and OCR run in threads)
    )
    consumers = FaststreamConsumers(link.nc, settings.nats_url, link.topology, [parse])
    checks = {**link.checks, "s3": files.ping, "documents": documents.ping}
    return ServiceParts(checks=checks, tasks=[consumers.run])
