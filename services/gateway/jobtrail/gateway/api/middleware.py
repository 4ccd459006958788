"""Correlation ids and request metrics, as plain ASGI middleware (no per-request task)."""

from __future__ import annotations

import json
import re
import time

import structlog
from prometheus_client import Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobtrail.events import uuid7

HEADER = "x-correlation-id"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

REQUESTS = Counter(
    "jobtrail_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "jobtrail_http_request_seconds",
    "HTTP request latency.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


class CorrelationMiddleware:
    """Takes X-Correlation-ID (or X-Request-ID) from the caller or makes one, binds it to
    every log line and event of the request, and returns it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        given = (headers.get(HEADER.encode()) or headers.get(b"x-request-id") or b"").decode(
            "latin-1"
        )
        correlation_id = given if _VALID.match(given) else str(uuid7())
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        started = time.perf_counter()
        status = 500

        async def send_with_header(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((HEADER.encode(), correlation_id.encode()))
            await send(message)

        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
            try:
                await self.app(scope, receive, send_with_header)
            finally:
                route = scope.get("route")
                template = getattr(route, "path", "unmatched")
                elapsed = time.perf_counter() - started
                REQUESTS.labels(scope["method"], template, str(status)).inc()
                LATENCY.labels(scope["method"], template).observe(elapsed)


class BodyLimitMiddleware:
    """Refuses a request body over `max_bytes` while it streams in, before it is parsed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(413, self._detail())
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await self._refuse(send)

    def _detail(self) -> str:
        limit_mib = self.max_bytes / (1024 * 1024)
        return f"the request is larger than {limit_mib:.0f} MiB; upload a smaller file"

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {"type": "urn:jobtrail:problem:payload_too_large", "title": "payload too large",
             "status": 413, "code": "payload_too_large", "detail": self._detail()}
        ).encode()  # fmt: skip
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/problem+json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(HTTPException):
    """Raised while the body streams in: FastAPI passes an HTTPException on as it is (any
    other error reading the body it turns into a 400), so the problem handler answers 413."""
