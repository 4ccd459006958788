"""The `read-models` projection: the event list, plus one applier per feature.

An applier owns some tables; it says which rows an event touches (`want`) and changes
them in memory (`apply`). A feature adds its read models by adding an applier to
APPLIERS; replay rebuilds exactly the tables listed there.
"""

from __future__ import annotations

from typing import Any, Protocol

import psycopg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from jobtrail.events import Event, RecordedEvent, UnknownEventType
from jobtrail.gateway.readmodels.accounts import Accounts
from jobtrail.gateway.readmodels.ai_jobs import AIJobs
from jobtrail.gateway.readmodels.applications import Applications
from jobtrail.gateway.readmodels.attachments import Attachments
from jobtrail.gateway.readmodels.deletions import DELETIONS, delete_rows
from jobtrail.gateway.readmodels.exports import Exports
from jobtrail.gateway.readmodels.jobs import Jobs
from jobtrail.gateway.readmodels.matches import Matches
from jobtrail.gateway.readmodels.notifications import Notifications
from jobtrail.gateway.readmodels.resumes import Resumes
from jobtrail.gateway.readmodels.rows import BatchRows, event_columns
from jobtrail.gateway.readmodels.tables import events

NAME = "read-models"


class Applier(Protocol):
    tables: tuple[sa.Table, ...]

    def want(self, rows: BatchRows, event: Event) -> None: ...

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None: ...


APPLIERS: tuple[Applier, ...] = (
    Accounts(),
    Resumes(),
    AIJobs(),
    Applications(),
    Attachments(),
    Notifications(),
    Exports(),
    Jobs(),
    Matches(),
)

# What `jobtrail replay gateway` drops and rebuilds. The audit log is not among them:
# it is append-only and the database refuses to empty it.
READ_MODELS: tuple[sa.Table, ...] = (events, *(t for a in APPLIERS for t in a.tables))


class ReadModels:
    """Applies events to the read-model tables. Timestamps come from the events, so a
    replay rebuilds the tables exactly."""

    name = NAME

    def __init__(self, appliers: tuple[Applier, ...] = APPLIERS) -> None:
        self._appliers = appliers

    async def apply(self, connection: AsyncConnection, batch: list[RecordedEvent]) -> None:
        await _copy_events(connection, batch)
        decoded = []
        for recorded in batch:
            try:
                decoded.append((recorded, recorded.event))
            except UnknownEventType:  # a type this gateway does not know: listed, not projected
                continue
        # A deletion (an erasure deletes every row of its account) is a set: what came before
        # it in the batch is stored first, and what comes after is applied after it.
        segment: list[tuple[RecordedEvent, Event]] = []
        for recorded, event in decoded:
            segment.append((recorded, event))
            if isinstance(event, DELETIONS):
                await self._apply_segment(connection, segment)
                await delete_rows(connection, event, recorded.seq, READ_MODELS)
                segment = []
        await self._apply_segment(connection, segment)

    async def _apply_segment(
        self, connection: AsyncConnection, decoded: list[tuple[RecordedEvent, Event]]
    ) -> None:
        if not decoded:
            return
        rows = BatchRows()
        for _, event in decoded:
            for applier in self._appliers:
                applier.want(rows, event)
        await rows.load(connection)
        for recorded, event in decoded:
            for applier in self._appliers:
                applier.apply(rows, event, recorded)
        await rows.store(connection)


_EVENT_COLUMNS = [c.name for c in events.columns]


async def _copy_events(connection: AsyncConnection, batch: list[RecordedEvent]) -> None:
    """Add the batch to the event list with COPY: several times faster than INSERT rows.

    COPY cannot skip rows already there, so it fills a staging table that an
    INSERT … ON CONFLICT DO NOTHING then moves over: a repeated event changes nothing.
    """
    # A replay builds into a shadow schema through the connection's schema_translate_map;
    # the raw cursor below does not see that map, so the target is looked up here.
    schema = connection.sync_connection.schema_for_object(events)  # type: ignore[union-attr]
    target = f'"{schema}"."{events.name}"'
    raw = await connection.get_raw_connection()
    driver: psycopg.AsyncConnection[Any] = raw.driver_connection  # type: ignore[assignment]
    columns = ", ".join(_EVENT_COLUMNS)
    async with driver.cursor() as cursor:
        await cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS events_staging "
            "(LIKE gateway.events) ON COMMIT DELETE ROWS"
        )
        async with cursor.copy(f"COPY events_staging ({columns}) FROM STDIN") as copy:
            for recorded in batch:
                await copy.write_row(_event_row(recorded))
        await cursor.execute(  # the names come from our own table definition
            f"INSERT INTO {target} ({columns}) SELECT {columns} FROM events_staging "  # noqa: S608
            "ON CONFLICT DO NOTHING"
        )


def _event_row(recorded: RecordedEvent) -> tuple[Any, ...]:
    envelope = recorded.envelope
    row = {
        **event_columns(recorded),
        "correlation_id": envelope.correlation_id,
        "envelope": envelope.model_dump_json(),  # JSON text: COPY hands it to jsonb as is
    }
    return tuple(row[name] for name in _EVENT_COLUMNS)
