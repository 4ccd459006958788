"""Every error a request can meet becomes a problem response; a dependency down is a 503."""

from __future__ import annotations

from uuid import uuid4

import httpx
import pytest
import urllib3
from fastapi import FastAPI
from minio.error import S3Error
from nats.errors import MaxPayloadError, NoServersError
from nats.errors import TimeoutError as NatsTimeout
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from jobtrail.docstore import DocumentNotFound
from jobtrail.events import ConcurrencyConflict
from jobtrail.events.errors import EventLogError
from jobtrail.gateway.api import problems
from jobtrail.gateway.errors import StaleVersion

FAILURES: dict[str, Exception] = {
    "stale": StaleVersion("your edit is based on version 1, but the current version is 2"),
    "postgres": OperationalError("SELECT 1", {}, Exception("connection refused")),
    "nats": NoServersError(),
    "s3": urllib3.exceptions.MaxRetryError(None, "/bucket", "refused"),  # type: ignore[arg-type]
    "s3error": S3Error(None, "InternalError", "boom", "/x", "r", "h"),  # type: ignore[arg-type]
    "document": DocumentNotFound(uuid4(), 3, 2),
    "bug": ZeroDivisionError("division by zero"),
    "nats_timeout": NatsTimeout(),
    "load_timeout": TimeoutError(),  # asyncio.timeout while reading an aggregate
    "pool_timeout": PoolTimeout("QueuePool limit reached"),
    "event_log": EventLogError("reading JOBTRAIL_EVENTS failed"),
    "conflict": ConcurrencyConflict("resume", "r1", 3),
    "too_large": MaxPayloadError(),
    "out_of_range": DataError("SELECT", {}, Exception("integer out of range")),
}
EXPECTED = {"stale": 409, "postgres": 503, "nats": 503, "s3": 503, "s3error": 503,
            "document": 404, "bug": 500, "nats_timeout": 503, "load_timeout": 503,
            "pool_timeout": 503, "event_log": 503, "conflict": 409, "too_large": 413,
            "out_of_range": 422}  # fmt: skip


def failing_app() -> FastAPI:
    app = FastAPI()
    problems.install(app)
    for name, error in FAILURES.items():
        app.add_api_route(f"/{name}", raising(error))
    return app


def raising(error: Exception):  # type: ignore[no-untyped-def]
    async def fail() -> None:
        raise error

    return fail


@pytest.mark.parametrize("name", list(FAILURES))
async def test_each_failure_is_a_problem_with_the_right_status(name: str) -> None:
    transport = httpx.ASGITransport(app=failing_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get(f"/{name}")
    assert response.status_code == EXPECTED[name]
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == EXPECTED[name]
    assert body["detail"]
    assert "Traceback" not in response.text
    if name == "bug":
        assert "division" not in body["detail"]  # internals stay in the logs
    # An outage is worth repeating, and says when; nothing else invites a retry.
    assert ("retry-after" in response.headers) == (EXPECTED[name] == 503)
    if EXPECTED[name] == 503:
        assert int(response.headers["retry-after"]) > 0
