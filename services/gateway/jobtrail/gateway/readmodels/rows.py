"""The rows one batch of events touches: loaded once, changed in memory, written once.

A projection over a batch costs a few round trips per table instead of one per event,
and because the events are applied in order to the same in-memory rows, the result is
exactly what applying them one by one would give.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from jobtrail.events import RecordedEvent

Row = dict[str, Any]
Key = tuple[Any, ...]


class BatchRows:
    """Rows by table and primary key, as stored before the batch plus its changes."""

    def __init__(self) -> None:
        self._wanted: dict[sa.Table, set[Key]] = {}
        self._rows: dict[sa.Table, dict[Key, Row]] = {}
        self._dirty: dict[sa.Table, set[Key]] = {}

    def want(self, table: sa.Table, *key: Any) -> None:
        """Declare a row the batch will read or write (before `load`)."""
        self._wanted.setdefault(table, set()).add(key)

    async def load(self, connection: AsyncConnection) -> None:
        """Read every wanted row that exists: one query per table."""
        for table, keys in self._wanted.items():
            columns = list(table.primary_key.columns)
            found = self._rows.setdefault(table, {})
            for chunk in _chunks(sorted(keys, key=str), 5000):
                condition = sa.tuple_(*columns).in_([tuple(k) for k in chunk])
                for row in await connection.execute(sa.select(table).where(condition)):
                    record = row._asdict()
                    found[tuple(record[c.name] for c in columns)] = record

    def get(self, table: sa.Table, *key: Any) -> Row | None:
        return self._rows.get(table, {}).get(key)

    def insert(self, table: sa.Table, row: Row) -> None:
        """Add a row unless one with its key exists (a replayed insert changes nothing)."""
        key = tuple(row[c.name] for c in table.primary_key.columns)
        rows = self._rows.setdefault(table, {})
        if key not in rows:
            rows[key] = dict(row)
            self._dirty.setdefault(table, set()).add(key)

    def upsert(self, table: sa.Table, row: Row) -> None:
        key = tuple(row[c.name] for c in table.primary_key.columns)
        self._rows.setdefault(table, {})[key] = {**self._rows.get(table, {}).get(key, {}), **row}
        self._dirty.setdefault(table, set()).add(key)

    def update(self, table: sa.Table, key: Key, **values: Any) -> None:
        """Change a row if it exists (an update of an unknown row changes nothing)."""
        row = self._rows.get(table, {}).get(key)
        if row is not None:
            row.update(values)
            self._dirty.setdefault(table, set()).add(key)

    async def store(self, connection: AsyncConnection) -> None:
        """Write every changed row: one upsert per table."""
        for table, keys in self._dirty.items():
            rows = [self._rows[table][k] for k in keys]
            statement = insert(table)
            names = [c.name for c in table.columns if not c.primary_key]
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=list(table.primary_key.columns),
                    set_={n: statement.excluded[n] for n in names},
                ),
                rows,
            )


def _chunks(items: list[Key], size: int) -> Iterable[list[Key]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def event_columns(recorded: RecordedEvent) -> Row:
    """The columns every table that lists events shares (the event list, the audit log)."""
    envelope = recorded.envelope
    return {
        "seq": recorded.seq,
        "event_id": envelope.event_id,
        "type": envelope.type,
        "aggregate_type": envelope.aggregate_type,
        "aggregate_id": envelope.aggregate_id,
        "owner_id": envelope.owner_id,
        "actor": envelope.actor,
        "occurred_at": envelope.occurred_at,
    }
