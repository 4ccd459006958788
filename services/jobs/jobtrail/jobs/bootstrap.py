"""The one place where the jobs service's adapters are chosen and connected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from jobtrail.events import apply_topology, load_topology
from jobtrail.events.connection import connect_nats, consumers_check, stream_check
from jobtrail.events.subjects import EVENTS_STREAM
from jobtrail.jobs.settings import JobsSettings
from jobtrail.runtime import ServiceParts

# Its features come in their own issue; until then it owns its durable consumers and
# reports them in /readyz, but fetches nothing, so no event is consumed unhandled.
CONSUMERS = ["jobs-postings", "jobs-match"]


@asynccontextmanager
async def setup(settings: JobsSettings) -> AsyncIterator[ServiceParts]:
    """Connect to NATS and make sure the service's stream and consumers exist."""
    nc = await connect_nats(settings.nats_url, name="jobs")
    try:
        topology = load_topology()
        await apply_topology(nc, topology)
        yield ServiceParts(
            checks={
                "nats": stream_check(nc, EVENTS_STREAM),
                "consumers": consumers_check(nc, topology, CONSUMERS),
            }
        )
    finally:
        await nc.drain()
