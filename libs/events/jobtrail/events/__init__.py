"""Jobtrail's event catalogue: the envelope, every event class, schemas and upcasters.

Pure data, no I/O: this package imports pydantic and nothing that talks to a server, so
domain modules can import it freely. The JetStream log that stores and delivers these
events is `jobtrail.eventlog`.

Every module of this package is imported here, so an event class is registered (and
decodable) as soon as its module exists; there is no list of modules to keep up to date.
"""

import importlib
import pkgutil

from jobtrail.events.envelope import Envelope, Event, EventContext, RecordedEvent, seal
from jobtrail.events.errors import (
    ConcurrencyConflict,
    EventLogError,
    InvalidTopology,
    UnknownEventType,
)
from jobtrail.events.ids import uuid7
from jobtrail.events.registry import registry

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

from jobtrail.events import ai, applications, attachments, exports, jobs, resumes, users  # noqa: E402

__all__ = [
    "ConcurrencyConflict",
    "Envelope",
    "Event",
    "EventContext",
    "EventLogError",
    "InvalidTopology",
    "RecordedEvent",
    "UnknownEventType",
    "ai",
    "applications",
    "attachments",
    "exports",
    "jobs",
    "registry",
    "resumes",
    "seal",
    "users",
    "uuid7",
]
