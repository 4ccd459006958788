"""Streams and consumers as data: the JSON an operator passes to `nats … add --config`.

The files live in `deploy/nats/` (streams/*.json and consumers/<STREAM>/*.json) and are
applied idempotently at start-up through the JetStream API, exactly as written, so what
runs is what an operator reads and what `nats stream info` shows.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nats.aio.client import Client as NATS

from jobtrail.events.errors import InvalidTopology

DEFINITIONS_ENV = "JOBTRAIL_NATS_DEFINITIONS"


@dataclass(frozen=True)
class Topology:
    streams: dict[str, dict[str, Any]]
    consumers: dict[str, dict[str, dict[str, Any]]]  # stream -> durable -> config

    def consumer(self, durable: str) -> tuple[str, dict[str, Any]]:
        """The stream and config of a durable consumer, by name."""
        for stream, by_name in self.consumers.items():
            if durable in by_name:
                return stream, by_name[durable]
        raise InvalidTopology(f"no consumer named {durable} under deploy/nats/consumers")


def definitions_dir() -> Path:
    """`$JOBTRAIL_NATS_DEFINITIONS`, else the `deploy/nats` of the checkout this runs from."""
    configured = os.environ.get(DEFINITIONS_ENV)
    if configured:
        return Path(configured)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "deploy" / "nats"
        if (candidate / "streams").is_dir():
            return candidate
    raise InvalidTopology(
        f"cannot find deploy/nats; set {DEFINITIONS_ENV} to the folder holding streams/"
    )


def load_topology(directory: Path | None = None) -> Topology:
    root = directory or definitions_dir()
    streams = {cfg["name"]: cfg for cfg in _read_all(root / "streams")}
    consumers: dict[str, dict[str, dict[str, Any]]] = {}
    for stream_dir in sorted((root / "consumers").glob("*")):
        if stream_dir.name not in streams:
            raise InvalidTopology(f"consumers for unknown stream {stream_dir.name}")
        consumers[stream_dir.name] = {cfg["durable_name"]: cfg for cfg in _read_all(stream_dir)}
    return Topology(streams, consumers)


async def apply_topology(nc: NATS, topology: Topology) -> None:
    """Create or update every stream and consumer; running it twice changes nothing."""
    for name, config in topology.streams.items():
        existing = await _api(nc, f"STREAM.INFO.{name}", None, allow_missing=True)
        verb = "UPDATE" if existing else "CREATE"
        await _api(nc, f"STREAM.{verb}.{name}", config)
    for stream, by_name in topology.consumers.items():
        for durable, config in by_name.items():
            body = {"stream_name": stream, "config": config}
            await _api(nc, f"CONSUMER.CREATE.{stream}.{durable}", body)


async def _api(
    nc: NATS, verb: str, body: dict[str, Any] | None, *, allow_missing: bool = False
) -> dict[str, Any] | None:
    payload = json.dumps(body).encode() if body is not None else b""
    reply = await nc.request(f"$JS.API.{verb}", payload, timeout=5)
    answer: dict[str, Any] = json.loads(reply.data)
    error = answer.get("error")
    if error:
        if allow_missing and error.get("code") == 404:
            return None
        raise InvalidTopology(f"JetStream refused {verb}: {error.get('description', error)}")
    return answer


def _read_all(folder: Path) -> list[dict[str, Any]]:
    if not folder.is_dir():
        raise InvalidTopology(f"{folder} does not exist")
    configs = []
    for path in sorted(folder.glob("*.json")):
        try:
            configs.append(json.loads(path.read_text()))
        except json.JSONDecodeError as error:
            raise InvalidTopology(f"{path} is not valid JSON: {error}") from error
    return configs
