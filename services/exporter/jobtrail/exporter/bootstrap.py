"""The one place where the exporter service's adapters are chosen and connected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from jobtrail.events import apply_topology, load_topology
from jobtrail.events.connection import connect_nats, consumers_check, stream_check
from jobtrail.events.subjects import EVENTS_STREAM
from jobtrail.exporter.settings import ExporterSettings
from jobtrail.runtime import ServiceParts

# Its features come in their own issue; until then it owns its durable consumers and
# reports them in /readyz, but fetches nothing, so no event is consumed unhandled.
CONSUMERS = ["exporter-render"]


@asynccontextmanager
async def setup(settings: ExporterSettings) -> AsyncIterator[ServiceParts]:
    """Connect to NATS and make sure the service's stream and consumers exist."""
    nc = await connect_nats(settings.nats_url, name="exporter")
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
