"""The running system for integration tests: the gateway and the resume service in-process,
on the real NATS, PostgreSQL and S3 of the embedded stack."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail.ai_worker.bootstrap import setup as ai_worker_setup
from jobtrail.ai_worker.settings import AIWorkerSettings
from jobtrail.cli.database import provision_database
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.declarations import Service
from jobtrail.exporter.bootstrap import setup as exporter_setup
from jobtrail.exporter.settings import ExporterSettings
from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.jobs.bootstrap import setup as jobs_setup
from jobtrail.jobs.settings import JobsSettings
from jobtrail.notifier.bootstrap import setup as notifier_setup
from jobtrail.notifier.settings import NotifierSettings
from jobtrail.resume.bootstrap import setup as resume_setup
from jobtrail.resume.settings import ResumeSettings
from jobtrail.runtime import ServiceParts, ServiceSettings
from jobtrail.stack import StackEndpoints

PASSWORD = "correct-horse-battery-staple"
# The gateway under test makes this account an admin when it registers.
ADMIN_EMAIL = "admin@example.com"


def connection_settings(stack: StackEndpoints) -> dict[str, Any]:
    return {
        "environment": "test",
        "nats_url": stack.nats_url,
        "database_url": stack.database_url,
        "s3_endpoint": stack.s3_endpoint,
        "s3_access_key": stack.s3_access_key,
        "s3_secret_key": stack.s3_secret_key,
        "log_format": "console",
    }


@dataclass
class System:
    api: httpx.AsyncClient
    deps: Deps
    stack: StackEndpoints
    # An engine per worker service, connected as its role (tests that act as a second copy),
    # and "admin" (the superuser: what operator commands such as `jobtrail replay` use).
    engines: dict[str, AsyncEngine] = field(default_factory=dict)

    def events_of(self, service: Service) -> EventStore:
        """The event store as `service` appends through it (its declaration checked), for a
        test that plays a copy of that service."""
        return EventStore(self.deps.events.client, declared=service)

    async def user(self, name: str = "Ada") -> Caller:
        """A newly registered, logged-in user with a unique email."""
        email = f"{name.lower()}-{uuid4().hex[:10]}@example.com"
        registered = await self.api.post(
            "/auth/register", json={"email": email, "password": PASSWORD, "display_name": name}
        )
        assert registered.status_code == 201, registered.text
        tokens = await self.api.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
        body = tokens.json()
        return Caller(self.api, email, registered.json()["user_id"], body["access_token"], body)


@dataclass
class Caller:
    api: httpx.AsyncClient
    email: str
    user_id: str
    token: str
    tokens: dict[str, Any]

    @property
    def auth(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.api.get(path, headers=self.auth, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.api.post(path, headers=self.auth, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.api.put(path, headers=self.auth, **kwargs)

    async def upload(self, filename: str, data: bytes) -> str:
        response = await self.post("/resumes", files={"file": (filename, data)})
        assert response.status_code == 202, response.text
        return str(response.json()["resume_id"])

    async def settled_resume(self, resume_id: str, timeout: float = 20.0) -> dict[str, Any]:
        """Poll until the resume is parsed or rejected (a 404 while the read models catch
        up with a backlog the previous test left is "not yet", within the timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            response = await self.get(f"/resumes/{resume_id}")
            assert response.status_code in (200, 404), response.text
            body: dict[str, Any] = response.json()
            if response.status_code == 200 and body["status"] != "processing":
                return body
            assert time.monotonic() < deadline, f"resume {resume_id}: {body}"
            await asyncio.sleep(0.05)


_provisioned: dict[str, dict[str, str]] = {}


def provisioned(admin_url: str) -> dict[str, str]:
    """The services' roles and schemas on this database (once per process); their URLs."""
    if admin_url not in _provisioned:
        _provisioned[admin_url] = provision_database(admin_url)
    return _provisioned[admin_url]


def service_name(settings_class: type[ServiceSettings]) -> str:
    """`AI_WORKER_` -> `ai_worker`: the key of its role in `SERVICE_ROLES`."""
    return str(settings_class.model_config.get("env_prefix", "")).rstrip("_").lower()


# Every service but the gateway, as (settings class, setup): each runs its real bootstrap.
WORKERS: tuple[
    tuple[type[ServiceSettings], Callable[[Any], AbstractAsyncContextManager[ServiceParts]]], ...
] = (
    (ResumeSettings, resume_setup),
    (JobsSettings, jobs_setup),
    (AIWorkerSettings, ai_worker_setup),
    (ExporterSettings, exporter_setup),
    (NotifierSettings, notifier_setup),
)


@asynccontextmanager
async def running_system(stack: StackEndpoints, **gateway: Any) -> AsyncIterator[System]:
    """Start the gateway (with its projectors) and every other service; stop them after."""
    common = connection_settings(stack)
    # Least privilege: each service connects as its own role, never as the superuser.
    urls = await asyncio.to_thread(provisioned, stack.database_url)
    own = {"database_url": urls["gateway"], "audit_database_url": urls["audit"]}
    settings = GatewaySettings(
        **{
            "max_upload_bytes": 2 * 1024 * 1024, "admin_emails": (ADMIN_EMAIL,),
            # Every test request comes from one address; test_rate_limits.py runs its own.
            "rate_limit_per_user": 0, "rate_limit_per_address": 0,
            "smtp_host": stack.smtp_host, "smtp_port": stack.smtp_port,
            **common, **own, **gateway,
        }
    )  # fmt: skip
    app = create_app(settings)
    stop = asyncio.Event()
    async with AsyncExitStack() as running:
        await running.enter_async_context(app.router.lifespan_context(app))
        tasks = []
        for settings_class, setup in WORKERS:
            database_url = urls[service_name(settings_class)]
            worker = settings_class(**{**common, "database_url": database_url})
            parts = await running.enter_async_context(setup(worker))
            tasks += [asyncio.create_task(task(stop)) for task in parts.tasks]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as api:
            try:
                engines = {
                    name: create_async_engine(urls[name])
                    for name in ("jobs", "ai_worker", "notifier")
                }
                engines["admin"] = create_async_engine(stack.database_url)
                for engine in engines.values():
                    running.push_async_callback(engine.dispose)
                yield System(api, app.state.deps, stack, engines)
            finally:
                stop.set()
                await asyncio.gather(*tasks, return_exceptions=True)
