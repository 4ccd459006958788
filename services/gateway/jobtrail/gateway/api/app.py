"""The gateway's FastAPI application."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from jobtrail.gateway.api import admin as admin_api
from jobtrail.gateway.api import ai_jobs as ai_jobs_api
from jobtrail.gateway.api import applications as applications_api
from jobtrail.gateway.api import attachments as attachments_api
from jobtrail.gateway.api import auth, events, inputs, problems, resumes, users
from jobtrail.gateway.api import downloads as downloads_api
from jobtrail.gateway.api import exports as exports_api
from jobtrail.gateway.api import ingestions as ingestions_api
from jobtrail.gateway.api import jobs as jobs_api
from jobtrail.gateway.api import matches as matches_api
from jobtrail.gateway.api import notifications as notifications_api
from jobtrail.gateway.api import oidc as oidc_api
from jobtrail.gateway.api.middleware import BodyLimitMiddleware, CorrelationMiddleware
from jobtrail.gateway.api.rate_limits import RateLimitMiddleware
from jobtrail.gateway.bootstrap import bootstrap
from jobtrail.gateway.readmodels.projector import projections_report
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.runtime.health import metrics_response, readiness_response

DESCRIPTION = """Jobtrail's REST API. Every change is a domain event in an append-only log;
reads come from projections of that log. Errors are RFC 9457 problem details."""


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the app; adapters connect when it starts, not when it is built."""
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with bootstrap(settings) as gateway:
            app.state.deps = gateway.deps
            app.state.checks = gateway.checks
            app.state.projectors = gateway.projectors
            app.state.nats = gateway.nc
            stop = asyncio.Event()
            tasks = [asyncio.create_task(p.run(stop)) for p in gateway.projectors]
            tasks += [asyncio.create_task(task(stop)) for task in gateway.tasks]
            try:
                yield
            finally:
                stop.set()
                await asyncio.gather(*tasks, return_exceptions=True)

    app = FastAPI(
        title="Jobtrail API", version="0.1.0", description=DESCRIPTION, lifespan=lifespan,
        dependencies=[Depends(inputs.refuse_unstorable)],
    )  # fmt: skip
    for router in (auth.router, users.router, resumes.router, events.router):
        app.include_router(router)
    for router in (jobs_api.router, matches_api.router, ingestions_api.router):
        app.include_router(router)
    app.include_router(exports_api.router)
    app.include_router(admin_api.router)
    app.include_router(oidc_api.router)
    app.include_router(ai_jobs_api.router)
    app.include_router(downloads_api.router)
    for router in (applications_api.router, attachments_api.router, notifications_api.router):
        app.include_router(router)
    _ops_routes(app)
    app.openapi = problems.documented_openapi(app)  # type: ignore[method-assign]
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_upload_bytes + 256 * 1024)
    problems.install(app)  # its catch-all middleware wraps the body limit's own refusal
    app.add_middleware(problems.ReadDeadlineMiddleware, seconds=settings.read_deadline_seconds)
    app.add_middleware(RateLimitMiddleware, policies=settings.rate_limit_policies())
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
            allow_headers=["*"], expose_headers=["x-correlation-id"],
        )  # fmt: skip
    app.add_middleware(CorrelationMiddleware)
    return app


def _ops_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok", "service": "gateway"}

    not_ready = {
        "description": "A dependency fails: `checks` says which, and why.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }

    @app.get("/readyz", tags=["ops"], responses={503: not_ready})
    async def readyz(request: Request) -> JSONResponse:
        """NATS, PostgreSQL, S3 and the document store all answer; each projection's
        checkpoint, lag and recorded failures (events it passed over)."""
        response, projections = await asyncio.gather(
            readiness_response(request.app.state.checks),
            projections_report(request.app.state.projectors),
        )
        body = {**json.loads(response.body), "projections": projections}
        return JSONResponse(body, status_code=response.status_code)

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    async def metrics() -> Response:
        return metrics_response()
