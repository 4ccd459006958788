"""The one place where the ai-worker service's adapters are chosen and connected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from jobtrail.ai_worker.settings import AIWorkerSettings
from jobtrail.events.connection import jetstream
from jobtrail.runtime import ServiceParts

# Its features come in their own issue; until then it owns its durable consumers and
# reports them in /readyz, but fetches nothing, so no event is consumed unhandled.
CONSUMERS = ["ai-worker-run"]


@asynccontextmanager
async def setup(settings: AIWorkerSettings) -> AsyncIterator[ServiceParts]:
    """Connect to NATS and make sure the service's stream and consumers exist."""
    async with jetstream(settings.nats_url, "ai-worker", CONSUMERS) as link:
        yield ServiceParts(checks=link.checks)
