"""libs/eventlog on the real NATS server: deploy/nats applied once, a connection per test."""

from collections.abc import AsyncIterator

import nats
import pytest
from nats.aio.client import Client

from jobtrail.eventlog.store import EventStore
from jobtrail.eventlog.topology import apply_topology, load_topology
from jobtrail.stack.endpoints import StackEndpoints


@pytest.fixture(scope="session")
async def nats_url(stack: StackEndpoints) -> str:
    """The stack's NATS, with the streams and consumers of deploy/nats in place."""
    client = await nats.connect(stack.nats_url)
    try:
        await apply_topology(client, load_topology())
    finally:
        await client.close()
    return stack.nats_url


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await nats.connect(nats_url)
    yield client
    await client.close()


@pytest.fixture
def store(nc: Client) -> EventStore:
    return EventStore(nc)
