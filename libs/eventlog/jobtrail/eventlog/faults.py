"""Which failures are outages (retry until the dependency is back) and which are not.

One place decides, so every consumer treats a database, NATS or S3 that is unreachable or
timing out the same way: as something waiting fixes, never as a fault of the event or of
the file behind it. Everything else (a bug, input that can never be processed) is not
transient and spends the consumer's delivery budget as before.
"""

from __future__ import annotations

import errno
import socket
import sys

import nats.errors as nats_errors
import nats.js.errors as js_errors
import psycopg
import sqlalchemy.exc as sa_exc


class TransientFailure(Exception):
    """Raised by a handler or adapter: a dependency is unavailable; retrying will help."""


class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help: the event goes to the dead letters now."""


# NATS: the server is unreachable, the connection is being re-established, or nobody answered.
_NATS_TRANSIENT: tuple[type[BaseException], ...] = (
    nats_errors.TimeoutError,  # also nats.js.errors.FetchTimeoutError
    nats_errors.NoServersError,
    nats_errors.NoRespondersError,
    nats_errors.ConnectionClosedError,
    nats_errors.ConnectionReconnectingError,
    nats_errors.ConnectionDrainingError,
    nats_errors.StaleConnectionError,
    nats_errors.UnexpectedEOF,
    nats_errors.FlushTimeoutError,
    nats_errors.OutboundBufferLimitError,
    js_errors.ServiceUnavailableError,
    js_errors.NoStreamResponseError,
)
# JetStream answers these while it has no quorum or is starting: "temporarily unavailable".
_JS_UNAVAILABLE_CODES = frozenset({503, 504})
_JS_UNAVAILABLE_ERR_CODES = frozenset({10008})  # JSClusterNotAvailErr

# SQLAlchemy wraps the driver's errors; OperationalError is the DBAPI's class for "the
# database is not reachable or not answering" (connection refused, reset, admin shutdown).
_SQL_TRANSIENT: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # the connection pool ran dry waiting
)

# SQLSTATE classes that blame the data, whatever class the driver files them under:
# psycopg raises OperationalError for "index row size exceeds maximum" (class 54), which
# retrying can never fix. 22 data exception, 23 integrity violation, 54 program limit.
_SQL_PERMANENT_CLASSES = frozenset({"22", "23", "54"})
# SQLSTATE classes that describe the database or our own code, never the data at hand:
# connection (08), rollback (40: serialization, deadlock), syntax, missing objects and
# privileges (42), resources (53), object state and locks (55), operator (57), system (58),
# internal (XX), invalid transaction state (25), configuration (F0).
_SQL_ENVIRONMENT_CLASSES = frozenset({"08", "25", "40", "42", "53", "55", "57", "58", "XX", "F0"})


def _sqlstate(error: BaseException) -> str:
    """The PostgreSQL SQLSTATE of a driver error or SQLAlchemy's wrapper of one, else ''."""
    state = getattr(error, "sqlstate", None) or getattr(
        getattr(error, "orig", None), "sqlstate", None
    )
    return state if isinstance(state, str) else ""


# Libraries this package does not depend on (minio and its urllib3, pymongo, the document
# store) are looked up only once loaded: an error of theirs cannot exist before that.
# urllib3: connection refused, reset mid-response, read timeouts, retries spent.
_HTTP_TRANSIENT = (
    "MaxRetryError",
    "TimeoutError",  # ConnectTimeoutError, NewConnectionError, ReadTimeoutError
    "ProtocolError",
    "ProxyError",
)
_MONGO_TRANSIENT = ("ConnectionFailure", "NetworkTimeout")  # AutoReconnect, ServerSelection…
_S3_TRANSIENT_CODES = frozenset(
    {"SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "ServerBusy"}
)

# OSError covers programming errors too (a missing template file, a PIL image it cannot
# identify): only errors that describe a network or a server under pressure are outages.
_OS_TRANSIENT_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE,
        errno.ETIMEDOUT, errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.ENETUNREACH,
        errno.ENETDOWN, errno.ENETRESET, errno.EAGAIN, errno.EADDRNOTAVAIL, errno.ENOBUFS,
    }
)  # fmt: skip


def blames_the_data(error: BaseException) -> bool:
    """True when retrying cannot help because the data itself cannot be stored or applied.

    PostgreSQL's SQLSTATE, anywhere in the chain of causes, decides first: data (22),
    integrity (23) and size limits (54) are the data's fault, even where the driver files
    them under OperationalError; the database's own state (connection, locks, privileges,
    missing objects, ...) never is. Without one, anything but an outage is the data's.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = _sqlstate(current)[:2]
        if state in _SQL_PERMANENT_CLASSES:
            return True
        if state in _SQL_ENVIRONMENT_CLASSES:
            return False
        current = current.__cause__ or current.__context__
    return not is_transient(error)


def is_transient(error: BaseException) -> bool:
    """True when `error` means a dependency is unavailable, so the same work will succeed later.

    An explicit `TransientFailure` or `PermanentFailure` decides by itself. Otherwise the
    error, then the errors it was raised `from`, are checked: an adapter that wraps an
    outage in its own exception (``raise StoreUnavailable(...) from error``) stays an outage.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, PermanentFailure):
            return False
        if isinstance(current, TransientFailure) or _is_outage(current):
            return True
        if isinstance(current, BaseExceptionGroup):
            return bool(current.exceptions) and all(is_transient(e) for e in current.exceptions)
        current = current.__cause__
    return False


def _is_outage(error: BaseException) -> bool:
    if isinstance(error, _NATS_TRANSIENT):
        return True
    if isinstance(error, js_errors.APIError):
        return error.code in _JS_UNAVAILABLE_CODES or error.err_code in _JS_UNAVAILABLE_ERR_CODES
    if _sqlstate(error)[:2] in _SQL_PERMANENT_CLASSES:
        return False  # the database refused this data: it will refuse it again
    if isinstance(error, _SQL_TRANSIENT):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        return bool(error.connection_invalidated)
    if isinstance(error, psycopg.OperationalError):
        return True  # includes psycopg_pool.PoolTimeout
    if isinstance(error, _loaded("urllib3.exceptions", *_HTTP_TRANSIENT)):
        return True
    if isinstance(error, _loaded("minio.error", "S3Error")):
        status = getattr(getattr(error, "response", None), "status", 0) or 0
        return getattr(error, "code", None) in _S3_TRANSIENT_CODES or status >= 500
    if isinstance(error, _loaded("minio.error", "ServerError")):
        return int(getattr(error, "status_code", 0)) >= 500
    if isinstance(error, _loaded("pymongo.errors", *_MONGO_TRANSIENT)):
        return True
    if isinstance(error, _loaded("jobtrail.docstore.errors", "DocumentStoreUnavailable")):
        return True
    if isinstance(error, ConnectionError | TimeoutError | socket.gaierror | socket.herror):
        return True  # asyncio.TimeoutError is TimeoutError on 3.11
    return isinstance(error, OSError) and error.errno in _OS_TRANSIENT_ERRNOS


def _loaded(module: str, *names: str) -> tuple[type[BaseException], ...]:
    """The named exception classes of `module` if it is imported, else none."""
    found = sys.modules.get(module)
    if found is None:
        return ()
    return tuple(c for c in (getattr(found, n, None) for n in names) if isinstance(c, type))
