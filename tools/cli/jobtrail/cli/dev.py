"""`jobtrail dev`: the whole system on its embedded default, until Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import structlog

from jobtrail.ai_worker.ops import AIWorkerSettings
from jobtrail.blobs import BlobStore
from jobtrail.cli.database import provision_database
from jobtrail.eventlog import apply_topology, load_topology
from jobtrail.eventlog.connection import connect_nats
from jobtrail.exporter.ops import ExporterSettings
from jobtrail.gateway.ops import GatewaySettings
from jobtrail.jobs.ops import JobsSettings
from jobtrail.notifier.ops import NotifierSettings
from jobtrail.resume.ops import ResumeSettings
from jobtrail.runtime import ServiceSettings, configure_logging
from jobtrail.stack import EmbeddedStack, StackConfig, StackEndpoints, StackError
from jobtrail.stack.ports import PortClaim, ensure_free
from jobtrail.stack.supervisor import ProcessSpec, Restart, Supervisor, serve_until_stopped


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
    Service("notifier", "jobtrail.notifier", NotifierSettings),
)


# Where `jobtrail dev` keeps the servers' data unless told otherwise (`jobtrail mail` reads it).
DATA_DIR = Path(".data")
SIGNING_KEY_FILE = "gateway-jwt-signing-key"
AUDIT_KEY_FILE = "audit-hmac-key"
MIN_KEY_CHARS = 32

log = structlog.get_logger("jobtrail.dev")


def run(data_dir: Path) -> int:
    """Start servers, provision them, start the services, keep them up until Ctrl-C, stop it all.

    A service or server that crashes is restarted with backoff (`Supervisor`).
    """
    started = time.monotonic()
    configure_logging("dev", os.environ.get("JOBTRAIL_LOG_LEVEL", "INFO"), "console")
    # The gateway refuses the public placeholder key outside tests: sign with our own.
    os.environ.setdefault("GATEWAY_JWT_SECRET", signing_key(data_dir))
    # The audit chain's MAC key lives outside the database it protects (`jobtrail audit
    # verify --key-file .data/audit-hmac-key`).
    os.environ.setdefault(
        "GATEWAY_AUDIT_HMAC_KEY_FILE", str(kept_secret(data_dir / AUDIT_KEY_FILE))
    )
    ports = {s.name: s.settings().http_port for s in SERVICES}
    for service in SERVICES:
        ensure_free(PortClaim(f"The {service.name} service's", "127.0.0.1", ports[service.name],
                              f"{service.prefix}HTTP_PORT"))  # fmt: skip
    stack = EmbeddedStack(StackConfig.from_env(data_dir))
    endpoints = stack.start()
    supervisor = Supervisor(on_restart=log_restart)
    try:
        urls = asyncio.run(provision(endpoints))
        env = {**os.environ, **endpoints.as_env(), **database_env(urls)}
        env.setdefault("JOBTRAIL_LOG_FORMAT", "console")
        supervisor.run(service_specs(env, ports), servers=stack.servers)
    except BaseException:
        supervisor.stop()
        stack.stop()
        raise
    _announce(endpoints, ports, time.monotonic() - started)
    code = serve_until_stopped(supervisor, stack)
    if restarts := supervisor.restart_counts:
        log.info("dev.restarts", **restarts)
    return code


def database_env(urls: dict[str, str]) -> dict[str, str]:
    """`<SERVICE>_DATABASE_URL` per service (its own role) and the audit projector's URL."""
    env = {f"{s.prefix}DATABASE_URL": urls[s.prefix.rstrip("_").lower()] for s in SERVICES}
    env["GATEWAY_AUDIT_DATABASE_URL"] = urls["audit"]
    return env


def service_specs(env: dict[str, str], ports: dict[str, int]) -> list[ProcessSpec]:
    """The six services as `python -m jobtrail.<service>` children, health-checked on /healthz."""
    return [
        ProcessSpec(
            name=s.name,
            argv=[sys.executable, "-m", s.module],
            env=env,
            health_url=f"http://127.0.0.1:{ports[s.name]}/healthz",
        )
        for s in SERVICES
    ]


def log_restart(restart: Restart) -> None:
    """One log line per restart: who, how it ended, which attempt in a row, the wait."""
    log.warning(
        "supervisor.restart",
        name=restart.name,
        exit_code=restart.exit_code,
        attempt=restart.attempt,
        delay_seconds=restart.delay,
    )


def signing_key(data_dir: Path) -> str:
    """The gateway's JWT signing key: random on first start, kept in `data_dir` (mode 0600)."""
    return kept_secret(data_dir / SIGNING_KEY_FILE).read_text().strip()


def kept_secret(path: Path) -> Path:
    """A random secret in `path` (mode 0600), written on first use and kept after that."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two starts racing never write two different keys.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        path.chmod(0o600)
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
    if len(path.read_text().strip()) < MIN_KEY_CHARS:
        raise StackError(f"{path} holds no usable key; delete it to make a new one")
    return path


async def provision(endpoints: StackEndpoints) -> dict[str, str]:
    """Streams, consumers, roles, schemas, tables and the bucket, before any service starts;
    returns each service's database URL (its own role, see `jobtrail.runtime.roles`)."""
    nc = await connect_nats(endpoints.nats_url, name="jobtrail-dev")
    try:
        await apply_topology(nc, load_topology())
    finally:
        await nc.close()
    # The embedded PostgreSQL trusts loopback connections (initdb --auth=trust): the roles
    # need no password here; a deployment sets them (deploy/runbooks/database-roles.md).
    urls = await asyncio.to_thread(provision_database, endpoints.database_url)
    files = BlobStore.connect(
        endpoints.s3_endpoint, endpoints.s3_access_key, endpoints.s3_secret_key, "jobtrail-files"
    )
    await files.ensure_bucket()
    return urls


def _announce(endpoints: StackEndpoints, ports: dict[str, int], seconds: float) -> None:
    api = f"http://127.0.0.1:{ports['gateway']}"
    lines = [
        f"Jobtrail is up in {seconds:.1f} s. Ctrl-C stops everything.",
        f"  API docs         {api}/docs   (OpenAPI: {api}/openapi.json)",
        f"  health           {api}/readyz   metrics: {api}/metrics",
        f"  NATS             {endpoints.nats_url}   monitoring: {endpoints.nats_monitor_url}",
        f"  PostgreSQL       {endpoints.database_url}   (admin; each service has its own role)",
        f"  S3               http://{endpoints.s3_endpoint}",
        f"  SMTP sink        {endpoints.smtp_host}:{endpoints.smtp_port}   (jobtrail mail)",
        f"  durability       {endpoints.durability}",
    ]
    print("\n".join(lines), flush=True)


def fail(error: StackError) -> int:
    print(f"jobtrail dev: {error}", file=sys.stderr)
    return 2
