"""Errors as RFC 9457 problem details: what went wrong and what to do, never a stack trace."""

from __future__ import annotations

from typing import Any

import structlog
import urllib3
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from minio.error import S3Error
from nats.errors import Error as NatsError
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from jobtrail.blobs import BlobNotFound
from jobtrail.docstore import DocumentNotFound, DocumentStoreError, VersionConflict
from jobtrail.docstore.errors import InvalidDocument
from jobtrail.gateway.errors import DomainError

log = structlog.get_logger("jobtrail.gateway.api")

MEDIA_TYPE = "application/problem+json"


def problem(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"urn:jobtrail:problem:{code}", "title": code.replace("_", " "),
            "status": status, "detail": detail, "code": code, **extra}  # fmt: skip
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def install(app: FastAPI) -> None:
    """Map every error a request can meet to a problem response."""

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        return problem(error.status, error.code, error.message)

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
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(
            error.status_code, "http_error"
        )
        return problem(error.status_code, code, str(error.detail))

    @app.exception_handler(VersionConflict)
    async def version_conflict(_: Request, error: VersionConflict) -> JSONResponse:
        return problem(409, "version_conflict", str(error))

    @app.exception_handler(DocumentNotFound)
    async def document_missing(_: Request, error: DocumentNotFound) -> JSONResponse:
        return problem(404, "not_found", str(error))

    @app.exception_handler(InvalidDocument)
    async def invalid_document(_: Request, error: InvalidDocument) -> JSONResponse:
        return problem(422, "invalid_document", str(error))

    @app.exception_handler(DocumentStoreError)
    async def store_error(_: Request, error: DocumentStoreError) -> JSONResponse:
        log.error("docstore.error", error=str(error))
        return problem(503, "unavailable", "the document store is not answering; try again soon")

    @app.exception_handler(BlobNotFound)
    async def file_missing(_: Request, error: BlobNotFound) -> JSONResponse:
        return problem(404, "not_found", str(error))

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_down(_: Request, error: Exception) -> JSONResponse:
        log.error("postgres.unavailable", error=str(error))
        return problem(503, "unavailable", "the database is not answering; try again in a moment")

    @app.exception_handler(NatsError)
    async def event_log_down(_: Request, error: Exception) -> JSONResponse:
        log.error("nats.unavailable", error=repr(error))
        return problem(
            503,
            "unavailable",
            "the event log is not answering; nothing was changed; try again in a moment",
        )

    @app.exception_handler(S3Error)
    @app.exception_handler(urllib3.exceptions.HTTPError)
    async def files_down(_: Request, error: Exception) -> JSONResponse:
        log.error("s3.unavailable", error=repr(error))
        return problem(503, "unavailable", "file storage is not answering; try again in a moment")

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("request.failed", error=str(error))
        return problem(500, "internal_error", "something went wrong on our side; it was logged")
