"""The `read-models` projection: the event list, plus one applier per feature.

An applier owns some tables; it says which rows an event touches (`want`) and changes
them in memory (`apply`). A feature adds its read models by adding an applier to
APPLIERS; replay rebuilds exactly the tables listed there.
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from jobtrail.events import Event, RecordedEvent, UnknownEventType
from jobtrail.gateway.readmodels.accounts import Accounts
from jobtrail.gateway.readmodels.resumes import Resumes
from jobtrail.gateway.readmodels.rows import BatchRows, event_columns
from jobtrail.gateway.readmodels.tables import events

NAME = "read-models"


class Applier(Protocol):
    tables: tuple[sa.Table, ...]

    def want(self, rows: BatchRows, event: Event) -> None: ...

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None: ...


APPLIERS: tuple[Applier, ...] = (Accounts(), Resumes())

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
        await connection.execute(
            insert(events).on_conflict_do_nothing(), [_event_row(e) for e in batch]
        )
        decoded = []
        for recorded in batch:
            try:
                decoded.append((recorded, recorded.event))
            except UnknownEventType:  # a type this gateway does not know: listed, not projected
                continue
        rows = BatchRows()
        for _, event in decoded:
            for applier in self._appliers:
                applier.want(rows, event)
        await rows.load(connection)
        for recorded, event in decoded:
            for applier in self._appliers:
                applier.apply(rows, event, recorded)
        await rows.store(connection)


def _event_row(recorded: RecordedEvent) -> dict[str, Any]:
    envelope = recorded.envelope
    return {
        **event_columns(recorded),
        "correlation_id": envelope.correlation_id,
        "envelope": envelope.model_dump(mode="json"),
    }
