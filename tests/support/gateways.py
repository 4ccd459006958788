"""A gateway copy of a test's own (no workers), for settings the shared system lacks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx

from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.stack import StackEndpoints
from tests.support.system import connection_settings, provisioned


@asynccontextmanager
async def gateway(stack: StackEndpoints, **settings: Any) -> AsyncIterator[Any]:
    """A gateway copy alone (no workers), with these settings; yields its app."""
    urls = await asyncio.to_thread(provisioned, stack.database_url)
    own = {"database_url": urls["gateway"], "audit_database_url": urls["audit"]}
    app = create_app(GatewaySettings(**{**connection_settings(stack), **own, **settings}))
    async with app.router.lifespan_context(app):
        yield app


def client(app: Any, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


@asynccontextmanager
async def clients(
    stack: StackEndpoints, *addresses: str, **settings: Any
) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Clients at these addresses of one gateway copy with these settings."""
    async with gateway(stack, **settings) as app, AsyncExitStack() as opened:
        yield [await opened.enter_async_context(client(app, a)) for a in addresses]
