"""The life of a service process: logs, ops endpoints, background tasks, clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import structlog
import uvicorn
from starlette.types import ASGIApp

from jobtrail import privacy
from jobtrail.runtime.health import Check, ops_app
from jobtrail.runtime.logging import configure_logging
from jobtrail.runtime.settings import ServiceSettings

Task = Callable[[asyncio.Event], Coroutine[Any, Any, None]]

log = structlog.get_logger("jobtrail.runtime")


@dataclass
class ServiceParts:
    """What a service's bootstrap hands the runtime: its checks and its long-running tasks."""

    checks: Mapping[str, Check]
    tasks: list[Task] = field(default_factory=list)
    app: ASGIApp | None = None  # the service's own HTTP app; ops routes are served otherwise
    advisories: Mapping[str, Check] = field(default_factory=dict)  # reported, never fatal


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the runtime owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def run_service(
    name: str,
    settings: ServiceSettings,
    setup: Callable[[], AbstractAsyncContextManager[ServiceParts]],
) -> None:
    """Run a service until SIGINT or SIGTERM, then stop its tasks and its HTTP server."""
    configure_logging(name, settings.log_level, settings.log_format)
    privacy.configure(settings.master())
    asyncio.run(_serve(name, settings, setup))


async def _serve(
    name: str,
    settings: ServiceSettings,
    setup: Callable[[], AbstractAsyncContextManager[ServiceParts]],
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    failed: list[str] = []
    async with setup() as parts:
        app = parts.app or ops_app(name, parts.checks, parts.advisories)
        config = uvicorn.Config(
            app, host=settings.http_host, port=settings.http_port, log_config=None,
            access_log=False, lifespan="off",
        )  # fmt: skip
        server = _QuietServer(config)
        running = [asyncio.create_task(task(stop), name=f"{name}-task") for task in parts.tasks]
        http = asyncio.create_task(server.serve(), name=f"{name}-http")
        log.info("service.started", port=settings.http_port, tasks=len(running))
        async with _watch(running, stop, failed):
            await stop.wait()
        server.should_exit = True
        await asyncio.gather(http, *running, return_exceptions=True)
    log.info("service.stopped", failed=failed)
    if failed:
        raise SystemExit(f"{name} stopped because a task failed: {', '.join(failed)}")


@contextlib.asynccontextmanager
async def _watch(
    tasks: list[asyncio.Task[None]], stop: asyncio.Event, failed: list[str]
) -> AsyncIterator[None]:
    """A task that dies takes the service down with it, rather than leaving it half alive."""

    def on_done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None and not stop.is_set():
            log.error("service.task_failed", task=task.get_name(), exc_info=task.exception())
            failed.append(task.get_name())
            stop.set()

    for task in tasks:
        task.add_done_callback(on_done)
    yield
