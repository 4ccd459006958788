"""The one embedded stack of a run, and the clean slates figures start from."""

from __future__ import annotations

import dataclasses
import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory

import nats
import psycopg
from nats.aio.client import Client as NATS
from nats.js.errors import NotFoundError
from psycopg import sql
from sqlalchemy.engine import make_url

from jobtrail.eventlog import apply_topology, load_topology
from jobtrail.events.subjects import EVENTS_STREAM
from jobtrail.stack import EmbeddedStack, StackConfig, StackEndpoints


@contextmanager
def running_stack(sync_interval: str | None) -> Iterator[StackEndpoints]:
    """A fresh NATS, PostgreSQL and S3 on free ports in a temporary folder."""
    with TemporaryDirectory(prefix="jobtrail-bench-") as folder:
        config = StackConfig.with_free_ports(Path(folder) / "stack")
        config = dataclasses.replace(config, jetstream_sync_interval=sync_interval)
        with EmbeddedStack(config) as endpoints:
            yield endpoints


async def connect(stack: StackEndpoints) -> NATS:
    return await nats.connect(stack.nats_url, name="bench")


async def fresh_log(nc: NATS) -> None:
    """Recreate the events stream empty, exactly as deploy/nats defines it (with consumers)."""
    with suppress(NotFoundError):
        await nc.jetstream().delete_stream(EVENTS_STREAM)
    await apply_topology(nc, load_topology())


def create_database(stack: StackEndpoints, name: str) -> str:
    """An empty database on the stack's PostgreSQL; returns its SQLAlchemy URL."""
    url = make_url(stack.database_url)
    with psycopg.connect(_conninfo(stack, url.database or "postgres"), autocommit=True) as pg:
        pg.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        pg.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.set(database=name).render_as_string(hide_password=False)


def with_fresh_database(stack: StackEndpoints, name: str) -> StackEndpoints:
    """The stack, pointed at an empty database of its own.

    Each figure recreates the event stream; a system figure sharing a database with an
    earlier one would find projector checkpoints past the new stream's sequences.
    """
    return replace(stack, database_url=create_database(stack, name))


def postgres_parts(stack: StackEndpoints) -> dict[str, str]:
    """Host, port and user of the stack's PostgreSQL."""
    url = make_url(stack.database_url)
    return {
        "host": url.host or "127.0.0.1",
        "port": str(url.port or 5432),
        "user": url.username or "",
    }


def server_versions(stack: StackEndpoints) -> dict[str, str]:
    """What actually ran: nats-server and PostgreSQL versions, as the servers report them."""
    with urllib.request.urlopen(f"{stack.nats_monitor_url}/varz", timeout=5) as reply:  # noqa: S310
        varz = json.load(reply)
    with psycopg.connect(_conninfo(stack, make_url(stack.database_url).database or "")) as pg:
        row = pg.execute("SHOW server_version").fetchone()
    return {"nats-server": str(varz.get("version")), "postgresql": str(row[0] if row else "?")}


def _conninfo(stack: StackEndpoints, database: str) -> str:
    parts = postgres_parts(stack)
    return f"host={parts['host']} port={parts['port']} user={parts['user']} dbname={database}"
