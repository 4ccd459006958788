"""Which failures are outages: the one classifier every consumer uses."""

from __future__ import annotations

import errno
import socket
from uuid import uuid4

import minio.error
import nats.errors
import nats.js.errors
import psycopg
import psycopg_pool
import pymongo.errors
import pytest
import sqlalchemy.exc
import urllib3.exceptions
from pydantic import BaseModel, ValidationError

from jobtrail.docstore.errors import DocumentNotFound, DocumentStoreUnavailable
from jobtrail.eventlog import PermanentFailure, TransientFailure, is_transient
from jobtrail.events import ConcurrencyConflict
from jobtrail.events.errors import UnknownEventType


def _s3_error(code: str, status: int) -> minio.error.S3Error:
    response = urllib3.response.HTTPResponse(body=b"", status=status)
    return minio.error.S3Error(response, code, "message", "resource", "request", "host")


def _validation_error() -> ValidationError:
    class Model(BaseModel):
        n: int

    try:
        Model.model_validate({"n": "not a number"})
    except ValidationError as error:
        return error
    raise AssertionError("unreachable")


S3_POOL = urllib3.HTTPConnectionPool("127.0.0.1", 9)  # never connects: only named in errors

OUTAGES = {
    "explicit TransientFailure": TransientFailure("S3 is restarting"),
    "sqlalchemy OperationalError": sqlalchemy.exc.OperationalError(
        "SELECT 1", {}, psycopg.OperationalError("connection refused")
    ),
    "sqlalchemy InterfaceError": sqlalchemy.exc.InterfaceError("SELECT 1", {}, Exception("x")),
    "sqlalchemy pool timeout": sqlalchemy.exc.TimeoutError("QueuePool limit reached"),
    "invalidated connection": sqlalchemy.exc.DBAPIError(
        "SELECT 1", {}, Exception("server closed"), connection_invalidated=True
    ),
    "psycopg OperationalError": psycopg.OperationalError("connection timeout expired"),
    "psycopg pool timeout": psycopg_pool.PoolTimeout("no connection in 30 s"),
    "nats timeout": nats.errors.TimeoutError(),
    "nats no servers": nats.errors.NoServersError(),
    "nats connection closed": nats.errors.ConnectionClosedError(),
    "nats no responders": nats.errors.NoRespondersError(),
    "jetstream fetch timeout": nats.js.errors.FetchTimeoutError(),
    "jetstream 503": nats.js.errors.ServiceUnavailableError(code=503, description="no quorum"),
    "jetstream temporarily unavailable": nats.js.errors.APIError(code=500, err_code=10008),
    "urllib3 retries spent": urllib3.exceptions.MaxRetryError(
        S3_POOL, "/bucket", ConnectionRefusedError()
    ),
    "urllib3 new connection": urllib3.exceptions.NewConnectionError(
        urllib3.connection.HTTPConnection("127.0.0.1", 9), "refused"
    ),
    "urllib3 read timeout": urllib3.exceptions.ReadTimeoutError(S3_POOL, "/bucket", "slow"),
    "urllib3 reset mid-response": urllib3.exceptions.ProtocolError("connection reset"),
    "S3 SlowDown": _s3_error("SlowDown", 503),
    "S3 internal error": _s3_error("InternalError", 500),
    "minio server error": minio.error.ServerError("bad gateway", 502),
    "mongo reconnecting": pymongo.errors.AutoReconnect("primary stepped down"),
    "mongo server selection": pymongo.errors.ServerSelectionTimeoutError("no primary"),
    "document store unavailable": DocumentStoreUnavailable("PostgreSQL is unreachable"),
    "connection refused": ConnectionRefusedError(errno.ECONNREFUSED, "refused"),
    "connection reset": ConnectionResetError(errno.ECONNRESET, "reset"),
    "asyncio timeout": TimeoutError(),
    "dns failure": socket.gaierror(socket.EAI_AGAIN, "temporary failure in name resolution"),
    "network unreachable": OSError(errno.ENETUNREACH, "network is unreachable"),
}

NOT_OUTAGES = {
    "explicit PermanentFailure": PermanentFailure("the uploaded file is gone"),
    "a bug": KeyError("resume_id"),
    "bad data": ValueError("not a date"),
    "invalid event": _validation_error(),
    "unknown event type": UnknownEventType("no class for X v3"),
    "concurrency conflict": ConcurrencyConflict("resume", "r1", 4),
    "missing document": DocumentNotFound(uuid4()),
    "S3 no such key": _s3_error("NoSuchKey", 404),
    "S3 access denied": _s3_error("AccessDenied", 403),
    "jetstream bad request": nats.js.errors.BadRequestError(code=400, description="bad"),
    "jetstream not found": nats.js.errors.NotFoundError(code=404, description="gone"),
    "nats payload too big": nats.errors.MaxPayloadError(),
    "sql syntax": sqlalchemy.exc.ProgrammingError("SELEC 1", {}, Exception("syntax")),
    "sql integrity": sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("duplicate key")),
    "sql data": sqlalchemy.exc.DataError("INSERT", {}, Exception("NUL in jsonb")),
    "missing file on disk": FileNotFoundError(errno.ENOENT, "templates/classic.typ"),
    "permission denied": PermissionError(errno.EACCES, "denied"),
    "image it cannot identify": OSError("cannot identify image file"),
}


@pytest.mark.parametrize("error", OUTAGES.values(), ids=OUTAGES.keys())
def test_an_unavailable_dependency_is_transient(error: BaseException) -> None:
    assert is_transient(error)


@pytest.mark.parametrize("error", NOT_OUTAGES.values(), ids=NOT_OUTAGES.keys())
def test_bugs_and_bad_input_are_not_transient(error: BaseException) -> None:
    assert not is_transient(error)


def test_an_outage_wrapped_by_an_adapter_stays_an_outage() -> None:
    wrapped = RuntimeError("could not store the document")
    wrapped.__cause__ = psycopg.OperationalError("connection refused")  # `raise … from`
    assert is_transient(wrapped)


def test_an_error_merely_raised_while_handling_an_outage_is_not_one() -> None:
    bug = KeyError("a bug in the except block")
    bug.__context__ = psycopg.OperationalError("connection refused")  # raised in `except`
    assert not is_transient(bug)


def test_an_explicit_permanent_failure_wins_over_the_outage_it_wraps() -> None:
    permanent = PermanentFailure("gave up on purpose")
    permanent.__cause__ = nats.errors.NoServersError()
    assert not is_transient(permanent)


def test_a_group_is_an_outage_only_when_every_part_is() -> None:
    outages = ExceptionGroup("both", [TimeoutError(), ConnectionResetError()])
    mixed = ExceptionGroup("mixed", [TimeoutError(), KeyError("bug")])
    assert is_transient(outages)
    assert not is_transient(mixed)


def test_a_database_refusing_the_data_is_permanent_even_as_an_operational_error() -> None:
    # psycopg files "index row size exceeds maximum" under OperationalError (SQLSTATE 54000).
    too_big = psycopg.errors.ProgramLimitExceeded("index row size exceeds maximum")
    assert isinstance(too_big, psycopg.OperationalError)
    assert not is_transient(too_big)
    assert not is_transient(sqlalchemy.exc.OperationalError("INSERT …", {}, too_big))
    assert is_transient(psycopg.errors.AdminShutdown("terminating connection"))
