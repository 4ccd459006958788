"""`jobtrail dev`: the whole system on its embedded default, until Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from jobtrail.ai_worker.settings import AIWorkerSettings
from jobtrail.blobs import BlobStore
from jobtrail.docstore import migrate as migrate_documents
from jobtrail.events import apply_topology, load_topology
from jobtrail.events.connection import connect_nats
from jobtrail.exporter.settings import ExporterSettings
from jobtrail.gateway.bootstrap import migrate as migrate_gateway
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.jobs.settings import JobsSettings
from jobtrail.resume.settings import ResumeSettings
from jobtrail.runtime import ServiceSettings
from jobtrail.stack import EmbeddedStack, StackConfig, StackEndpoints, StackError
from jobtrail.stack.ports import PortClaim, ensure_free
from jobtrail.stack.supervisor import ProcessSpec, Supervisor, serve_until_stopped


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    settings: type[ServiceSettings]

    @property
    def prefix(self) -> str:
        return str(self.settings.model_config.get("env_prefix", ""))


SERVICES = (
    Service("gateway", "jobtrail.gateway", GatewaySettings),
    Service("resume", "jobtrail.resume", ResumeSettings),
    Service("jobs", "jobtrail.jobs", JobsSettings),
    Service("ai-worker", "jobtrail.ai_worker", AIWorkerSettings),
    Service("exporter", "jobtrail.exporter", ExporterSettings),
)


def run(data_dir: Path) -> int:
    """Start servers, provision them, start the services, wait for Ctrl-C, stop it all."""
    started = time.monotonic()
    ports = {s.name: s.settings().http_port for s in SERVICES}
    for service in SERVICES:
        ensure_free(PortClaim(f"The {service.name} service's", "127.0.0.1", ports[service.name],
                              f"{service.prefix}HTTP_PORT"))  # fmt: skip
    stack = EmbeddedStack(StackConfig.from_env(data_dir))
    endpoints = stack.start()
    supervisor = Supervisor()
    try:
        asyncio.run(provision(endpoints))
        env = {**os.environ, **endpoints.as_env()}
        env.setdefault("JOBTRAIL_LOG_FORMAT", "console")
        supervisor.run(
            [
                ProcessSpec(
                    name=s.name,
                    argv=[sys.executable, "-m", s.module],
                    env=env,
                    health_url=f"http://127.0.0.1:{ports[s.name]}/healthz",
                )
                for s in SERVICES
            ]
        )
    except BaseException:
        supervisor.stop()
        stack.stop()
        raise
    _announce(endpoints, ports, time.monotonic() - started)
    return serve_until_stopped(supervisor, stack)


async def provision(endpoints: StackEndpoints) -> None:
    """Streams, consumers, tables and the bucket, before any service starts."""
    nc = await connect_nats(endpoints.nats_url, name="jobtrail-dev")
    try:
        await apply_topology(nc, load_topology())
    finally:
        await nc.close()
    await asyncio.to_thread(migrate_gateway, endpoints.database_url)
    await asyncio.to_thread(migrate_documents, endpoints.database_url)
    files = BlobStore.connect(
        endpoints.s3_endpoint, endpoints.s3_access_key, endpoints.s3_secret_key, "jobtrail-files"
    )
    await files.ensure_bucket()


def _announce(endpoints: StackEndpoints, ports: dict[str, int], seconds: float) -> None:
    api = f"http://127.0.0.1:{ports['gateway']}"
    lines = [
        f"Jobtrail is up in {seconds:.1f} s. Ctrl-C stops everything.",
        f"  API docs         {api}/docs   (OpenAPI: {api}/openapi.json)",
        f"  health           {api}/readyz   metrics: {api}/metrics",
        f"  NATS             {endpoints.nats_url}   monitoring: {endpoints.nats_monitor_url}",
        f"  PostgreSQL       {endpoints.database_url}",
        f"  S3               http://{endpoints.s3_endpoint}",
        f"  durability       {endpoints.durability}",
    ]
    print("\n".join(lines), flush=True)


def fail(error: StackError) -> int:
    print(f"jobtrail dev: {error}", file=sys.stderr)
    return 2
