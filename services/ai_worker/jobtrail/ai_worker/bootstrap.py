"""The one place where the ai-worker service's adapters are chosen and connected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from functools import partial

from sqlalchemy.ext.asyncio import create_async_engine

from jobtrail.ai_worker.cache import MIGRATIONS, SCHEMA, ResultCache
from jobtrail.ai_worker.declarations import RUN, SERVICE
from jobtrail.ai_worker.handlers import AIDeps, Pricing, on_dead_letter, run_job
from jobtrail.ai_worker.llm import LLM
from jobtrail.ai_worker.offline import OfflineLLM
from jobtrail.ai_worker.reliability import CircuitBreaker, RateLimiter, RetryPolicy
from jobtrail.ai_worker.settings import AIWorkerSettings
from jobtrail.docstore import SealedDocuments, open_document_store
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.connection import jetstream
from jobtrail.eventlog.subscriptions import FaststreamConsumers, Subscription
from jobtrail.privacy import keys_for
from jobtrail.runtime import ServiceParts
from jobtrail.runtime.migrations import upgrade_to_head


@asynccontextmanager
async def setup(settings: AIWorkerSettings, llm: LLM | None = None) -> AsyncIterator[ServiceParts]:
    """Connect NATS, PostgreSQL (schema `ai`: the cache) and the document store; run the
    job consumer. `llm` overrides the provider the settings choose (tests, benchmarks)."""
    await asyncio.to_thread(upgrade_to_head, settings.database_url, MIGRATIONS, SCHEMA)
    async with AsyncExitStack() as stack:
        link = await stack.enter_async_context(
            jetstream(settings.nats_url, SERVICE.name, SERVICE.durables)
        )
        engine = create_async_engine(settings.database_url, pool_size=5)
        stack.push_async_callback(engine.dispose)
        documents = SealedDocuments(
            await open_document_store(settings.effective_docstore_url), keys_for(link.nc)
        )
        stack.push_async_callback(documents.close)
        deps = AIDeps(
            events=EventStore(link.nc, declared=SERVICE),
            documents=documents,
            cache=ResultCache(engine, keys_for(link.nc)),
            llm=llm or await _llm(settings, stack),
            limiter=RateLimiter(settings.rate_per_second, settings.rate_per_user_per_second),
            breaker=CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_seconds),
            retry=RetryPolicy(
                settings.llm_attempts,
                settings.llm_backoff_base_seconds,
                settings.llm_backoff_cap_seconds,
            ),
            pricing=_pricing(settings, llm),
        )
        run = Subscription(
            RUN, partial(run_job, deps=deps), on_dead_letter=on_dead_letter(deps),
            heartbeat=settings.heartbeat_seconds, batch=settings.concurrency,
        )  # fmt: skip
        consumers = FaststreamConsumers(link.nc, settings.nats_url, link.topology, [run])
        checks = {**link.checks, "documents": documents.ping, "cache": deps.cache.ping}
        yield ServiceParts(checks=checks, tasks=[consumers.run])


async def _llm(settings: AIWorkerSettings, stack: AsyncExitStack) -> LLM:
    if settings.provider == "offline":
        return OfflineLLM()
    from jobtrail.ai_worker.adapters.openai import OpenAILLM

    llm = OpenAILLM(
        settings.openai_base_url, settings.openai_api_key.get_secret_value() or "none",
        settings.openai_model, settings.openai_timeout_seconds,
    )  # fmt: skip
    stack.push_async_callback(llm.close)
    return llm


def _pricing(settings: AIWorkerSettings, llm: LLM | None) -> Pricing:
    if llm is None and settings.provider == "offline":
        return Pricing()  # it runs here: nothing to pay
    return Pricing(settings.price_input_per_mtok, settings.price_output_per_mtok)
