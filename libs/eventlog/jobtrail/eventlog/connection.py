"""Connecting a service to NATS, and the readiness checks of its JetStream resources."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import nats
import structlog
from nats.aio.client import Client as NATS

from jobtrail.eventlog.topology import Topology, apply_topology, load_topology
from jobtrail.events.subjects import EVENTS_STREAM

log = structlog.get_logger("jobtrail.eventlog.connection")


async def connect_nats(url: str, name: str) -> NATS:
    """A connection that keeps reconnecting, and says so in the logs.

    `url` may list several servers of a cluster, comma-separated.
    """

    async def disconnected() -> None:
        log.warning("nats.disconnected", url=url)

    async def reconnected() -> None:
        log.info("nats.reconnected", url=url)

    async def error(exc: Exception) -> None:
        log.warning("nats.error", error=str(exc))

    return await nats.connect(
        servers=[server.strip() for server in url.split(",") if server.strip()],
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
        error_cb=error,
    )


def stream_check(nc: NATS, stream: str) -> Callable[[], Awaitable[object]]:
    """Ready when JetStream answers for the stream."""

    async def check() -> object:
        return await nc.jetstream().stream_info(stream)

    return check


def consumers_check(
    nc: NATS, topology: Topology, durables: Sequence[str]
) -> Callable[[], Awaitable[object]]:
    """Ready when every durable consumer the service reads from exists."""

    async def check() -> object:
        js = nc.jetstream()
        return [await js.consumer_info(topology.consumer(d)[0], d) for d in durables]

    return check


@dataclass
class JetStreamLink:
    """A service's connection, the topology it applied, and the checks for its /readyz."""

    nc: NATS
    topology: Topology
    checks: dict[str, Callable[[], Awaitable[object]]]


@asynccontextmanager
async def jetstream(
    url: str, name: str, consumers: Sequence[str] = ()
) -> AsyncIterator[JetStreamLink]:
    """Connect, make sure the streams and consumers exist, and drain on the way out."""
    nc = await connect_nats(url, name=name)
    try:
        topology = load_topology()
        await apply_topology(nc, topology)
        checks = {"nats": stream_check(nc, EVENTS_STREAM)}
        if consumers:
            checks["consumers"] = consumers_check(nc, topology, consumers)
        yield JetStreamLink(nc, topology, checks)
    finally:
        await nc.drain()
