"""Errors as RFC 9457 problem details: what went wrong and what to do, never a stack trace."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import structlog
import urllib3
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from minio.error import S3Error
from nats.errors import Error as NatsError
from nats.errors import MaxPayloadError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobtrail.blobs import BlobNotFound
from jobtrail.docstore import (
    DocumentIntegrityError,
    DocumentNotFound,
    DocumentStoreError,
    VersionConflict,
)
from jobtrail.docstore.errors import InvalidDocument
from jobtrail.events import ConcurrencyConflict
from jobtrail.events.errors import EventLogError, UnknownEventType
from jobtrail.gateway.errors import DomainError

log = structlog.get_logger("jobtrail.gateway.api")

MEDIA_TYPE = "application/problem+json"
# What a client waits before repeating a request that met an outage.
RETRY_AFTER_SECONDS = 5


class FieldError(BaseModel):
    location: str = Field(description="where: `body.<field>`, `query.<name>`, `path.<name>`")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem detail: what went wrong and what to do about it."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="urn:jobtrail:problem:<code>")
    title: str
    status: int
    detail: str = Field(description="what went wrong and what to do about it")
    code: str = Field(description="a stable, machine-readable reason")
    errors: list[FieldError] | None = Field(
        default=None, description="for invalid input: each field refused and why"
    )


def problem(
    status: int, code: str, detail: str, retry_after: int | None = None, **extra: Any
) -> JSONResponse:
    body = {"type": f"urn:jobtrail:problem:{code}", "title": code.replace("_", " "),
            "status": status, "detail": detail, "code": code, **extra}  # fmt: skip
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def unavailable(what: str) -> JSONResponse:
    """An outage: never the caller's fault, and worth repeating after Retry-After."""
    return problem(503, "unavailable", f"{what}; nothing is lost, try again in a moment",
                   retry_after=RETRY_AFTER_SECONDS)  # fmt: skip


def install(app: FastAPI) -> None:
    """Map every error a request can meet to a problem response."""

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        return problem(error.status, error.code, error.message, retry_after=error.retry_after)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in error.errors()
        ]
        summary = "; ".join(f"{e['location']}: {e['message']}" for e in errors[:5])
        return problem(422, "invalid_input", f"the request is not valid: {summary}", errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized",
                 413: "payload_too_large", 400: "bad_request"}  # fmt: skip
        code = codes.get(error.status_code, "http_error")
        return problem(error.status_code, code, str(error.detail))

    @app.exception_handler(VersionConflict)
    async def version_conflict(_: Request, error: VersionConflict) -> JSONResponse:
        return problem(409, "version_conflict", str(error))

    @app.exception_handler(ConcurrencyConflict)
    async def concurrent_change(_: Request, error: ConcurrencyConflict) -> JSONResponse:
        return problem(409, "concurrent_change", str(error))

    @app.exception_handler(DocumentNotFound)
    async def document_missing(_: Request, error: DocumentNotFound) -> JSONResponse:
        return problem(404, "not_found", str(error))

    @app.exception_handler(InvalidDocument)
    async def invalid_document(_: Request, error: InvalidDocument) -> JSONResponse:
        return problem(422, "invalid_document", str(error))

    @app.exception_handler(DocumentIntegrityError)
    async def document_tampered(_: Request, error: DocumentIntegrityError) -> JSONResponse:
        # Logged at error level where it was found (docstore.integrity_failed); never served.
        # Not the caller's fault and not an outage: no Retry-After, an operator must restore it.
        return problem(503, "document_integrity_failed", f"{error}; the operators were "
                       "alerted (`jobtrail docs verify` lists every such version)",
                       doc_id=str(error.doc_id), version=error.version)  # fmt: skip

    @app.exception_handler(DocumentStoreError)
    async def store_error(_: Request, error: DocumentStoreError) -> JSONResponse:
        log.error("docstore.error", error=str(error))
        return unavailable("the document store is not answering")

    @app.exception_handler(BlobNotFound)
    async def file_missing(_: Request, error: BlobNotFound) -> JSONResponse:
        return problem(404, "not_found", str(error))

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(PoolTimeout)
    async def database_down(_: Request, error: Exception) -> JSONResponse:
        log.error("postgres.unavailable", error=str(error))
        return unavailable("the database is not answering")

    @app.exception_handler(DataError)
    async def unstorable(_: Request, error: DataError) -> JSONResponse:
        # api/inputs.py refuses such values first; this is the net under it.
        log.warning("postgres.data_error", error=str(error.orig))
        return problem(422, "invalid_input", "a value in the request is outside what can be "
                       "stored (too large a number, or a NUL character); correct it")  # fmt: skip

    @app.exception_handler(MaxPayloadError)
    async def too_large_for_the_log(request: Request, _: Exception) -> JSONResponse:
        limit = getattr(getattr(request.app.state, "nats", None), "max_payload", None)
        size = f"{limit} bytes" if limit else "the event log's message size limit"
        return problem(413, "payload_too_large", f"the change is too large to record: an event "
                       f"may hold at most {size}; send less data", limit=limit)  # fmt: skip

    @app.exception_handler(TimeoutError)
    async def timed_out(_: Request, error: Exception) -> JSONResponse:
        log.error("dependency.timeout", error=repr(error))
        return unavailable("a backing service did not answer in time")

    @app.exception_handler(NatsError)
    @app.exception_handler(EventLogError)
    async def event_log_down(_: Request, error: Exception) -> JSONResponse:
        if isinstance(error, UnknownEventType):
            return await unexpected(error)
        log.error("nats.unavailable", error=repr(error))
        return unavailable("the event log is not answering")

    @app.exception_handler(S3Error)
    @app.exception_handler(urllib3.exceptions.HTTPError)
    async def files_down(_: Request, error: Exception) -> JSONResponse:
        log.error("s3.unavailable", error=repr(error))
        return unavailable("file storage is not answering")

    app.add_middleware(UnexpectedErrorMiddleware)


async def unexpected(error: Exception) -> JSONResponse:
    log.error("request.failed", error=repr(error), exc_info=error)
    return problem(500, "internal_error", "something went wrong on our side; it was logged")


class UnexpectedErrorMiddleware:
    """Answers an error no handler knows with a 500 problem, and keeps the connection open.

    Starlette's catch-all handler re-raises after answering, and the server then closes
    the keep-alive connection, failing the client's next request; so errors stop here.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as error:
            if started:
                raise  # half a response went out: only closing the connection says so
            response = await unexpected(error)
            await response(scope, receive, send)


class ReadDeadlineMiddleware:
    """Answers a read (GET, HEAD) that has not begun to answer within `seconds` with 503.

    A frozen database or event log does not fail a query, it never answers it, and even a
    cancelled query's cleanup waits for it; so the request runs as a task of its own that
    is left to finish (cancelled) while the client already has its answer. Reads change
    nothing, so answering one early is always safe; writes keep their own bounded waits.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds
        self._abandoned: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        started = asyncio.Event()
        abandoned = False

        async def guarded_send(message: Message) -> None:
            if abandoned:
                return  # too late: the client has had its 503
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        request = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        answering = asyncio.ensure_future(started.wait())
        try:
            done, _ = await asyncio.wait(
                {request, answering}, timeout=self.seconds, return_when=asyncio.FIRST_COMPLETED
            )
        except asyncio.CancelledError:
            request.cancel()
            raise
        finally:
            answering.cancel()
        if done:
            await request  # finishes the answer, or raises what the request raised
            return
        abandoned = True
        request.cancel()
        self._abandoned.add(request)
        request.add_done_callback(self._abandoned.discard)
        log.error("request.deadline", path=scope.get("path"), seconds=self.seconds)
        response = unavailable("a backing service did not answer in time")
        await response(scope, receive, send)


# What each status means to a client, declared on every operation that can answer it.
_MEANINGS = {
    400: "The body could not be read: send UTF-8 JSON (or the form the operation names).",
    401: "Not logged in, or the access token expired: log in (again).",
    403: "Logged in, but this is not yours or needs another role.",
    404: "No such resource, or not one you can see.",
    409: "The resource changed meanwhile, or the change conflicts with its state.",
    410: "The link expired: ask for a new one.",
    413: "The request, or the event it would record, is too large.",
    415: "The file's type is not one accepted here.",
    422: "A field or parameter is invalid or cannot be stored; `errors` names each.",
    429: "Too many requests, or a budget is spent: wait for Retry-After.",
    500: "A bug on our side; it was logged.",
    503: "A backing service (event log, database, file storage) is unavailable: nothing "
    "changed; repeat after Retry-After.",
}
_WRITES = {"post", "put", "patch", "delete"}


def declare_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare on every operation the problem responses it can give, as problem+json."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    content = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    retry = {"Retry-After": {"description": "seconds to wait before repeating the request",
                             "schema": {"type": "integer"}}}  # fmt: skip
    limits = {
        "RateLimit-Policy": {"description": "the rate limits that apply (IETF draft)",
                             "schema": {"type": "string"}},
        "RateLimit": {"description": "what is left of the tightest one",
                      "schema": {"type": "string"}},
    }  # fmt: skip
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in _WRITES | {"get", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method, operation):
                entry = responses.setdefault(str(status), {"description": _MEANINGS[status]})
                if entry.get("description") == "Validation Error":  # FastAPI's own 422
                    entry["description"], entry["content"] = _MEANINGS[status], content
                entry.setdefault("content", content)  # a route's own declaration stands
                if status in (429, 503):
                    entry["headers"] = retry | (limits if status == 429 else {})
            operation["responses"] = dict(sorted(responses.items()))
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def _statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    if "ops" in operation.get("tags", ()):
        return [500]  # /readyz declares its own 503: a readiness report, not a problem
    # 401: a missing or bad token, or bad credentials; 429: a rate limit (every API route).
    statuses = [401, 422, 429, 500, 503]
    if operation.get("security"):
        statuses += [403, 404]
    elif "{" in path:
        statuses.append(404)
    if method in _WRITES:
        statuses += [409, 429]
    if path.startswith("/downloads/"):
        statuses.append(410)  # a download link lives 15 minutes
    body = operation.get("requestBody")
    if body is not None:
        statuses += [400, 413]
        if "multipart/form-data" in body.get("content", {}):
            statuses.append(415)
    return sorted(set(statuses))


def documented_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """`app.openapi` with every operation's problem responses declared."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = declare_errors(build())
        return app.openapi_schema

    return openapi
