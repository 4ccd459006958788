"""The one place where the jobs service's adapters are chosen and connected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from jobtrail.events.connection import jetstream
from jobtrail.jobs.settings import JobsSettings
from jobtrail.runtime import ServiceParts

# Its features come in their own issue; until then it owns its durable consumers and
# reports them in /readyz, but fetches nothing, so no event is consumed unhandled.
CONSUMERS = ["jobs-postings", "jobs-match"]


@asynccontextmanager
async def setup(settings: JobsSettings) -> AsyncIterator[ServiceParts]:
    """Connect to NATS and make sure the service's stream and consumers exist."""
    async with jetstream(settings.nats_url, "jobs", CONSUMERS) as link:
        yield ServiceParts(checks=link.checks)
