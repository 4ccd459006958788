"""Liveness, readiness and Prometheus metrics over HTTP, for every service."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Check = Callable[[], Awaitable[object]]


async def run_checks(
    checks: Mapping[str, Check], timeout: float = 2.0
) -> tuple[bool, dict[str, str]]:
    """Run every dependency check at once; each answers "ok" or what went wrong."""

    async def one(check: Check) -> str:
        try:
            await asyncio.wait_for(check(), timeout)
        except TimeoutError:
            return f"error: no answer within {timeout:g}s"
        except Exception as error:
            return f"error: {type(error).__name__}: {error}"
        return "ok"

    results = await asyncio.gather(*(one(c) for c in checks.values()))
    detail = dict(zip(checks, results, strict=True))
    return all(r == "ok" for r in results), detail


async def readiness_response(
    checks: Mapping[str, Check], advisories: Mapping[str, Check] | None = None
) -> JSONResponse:
    """503 when a dependency the service cannot work without fails. Advisories (an
    external job feed, say) are reported but never take a healthy copy out of service."""
    (ready, detail), (_, advice) = await asyncio.gather(
        run_checks(checks), run_checks(advisories or {})
    )
    body: dict[str, object] = {"status": "ready" if ready else "not ready", "checks": detail}
    if advice:
        body["advisories"] = advice
    return JSONResponse(body, status_code=200 if ready else 503)


def metrics_response() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def ops_app(
    service: str, checks: Mapping[str, Check], advisories: Mapping[str, Check] | None = None
) -> Starlette:
    """/healthz (the process answers), /readyz (its dependencies answer), /metrics."""

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "service": service})

    async def readyz(_: Request) -> JSONResponse:
        return await readiness_response(checks, advisories)

    async def metrics(_: Request) -> Response:
        return metrics_response()

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
        ]
    )
