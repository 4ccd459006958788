"""Runs projections over the event log, in order, with a checkpoint per projection.

Each batch is applied in one transaction that also moves the projection's checkpoint,
after locking the checkpoint row: several gateway copies (and `jobtrail replay`) can run
projectors at once, and every event is still applied exactly once, in stream order.

No single event can stop a projection. When a batch fails because of what is in it, it is
applied again in halves, each in its own transaction, until the event that fails alone is
found: that event is recorded in `gateway.projection_failures` with its error (shown by
`jobtrail dlq list`) and the checkpoint moves past it. An outage (the database or NATS
unreachable or timing out) and an environment fault (a missing table or privilege) are
never blamed on an event: the batch is retried with backoff and nothing is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa
import structlog
from prometheus_client import Counter, Gauge
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobtrail.eventlog import EventStore, blames_the_data, is_transient
from jobtrail.events import RecordedEvent
from jobtrail.gateway.readmodels.tables import checkpoints, metadata

log = structlog.get_logger("jobtrail.gateway.projector")

SKIPPED = Counter(
    "jobtrail_projection_undecodable_total",
    "Messages in the event stream a projection could not decode and passed over.",
    ["projection"],
)
FAILURES = Counter(
    "jobtrail_projection_failures_total",
    "Events a projection could not apply, recorded in projection_failures and passed over.",
    ["projection"],
)
RETRIES = Counter(
    "jobtrail_projection_retries_total",
    "Projection batches retried after an outage or environment fault (nothing skipped).",
    ["projection"],
)
LAG = Gauge(
    "jobtrail_projection_lag",
    "Events in the log a projection has not applied yet: stream last sequence - checkpoint.",
    ["projection"],
)

# Events a projection passed over (written by the projector; see migration 0003).
projection_failures = sa.Table(
    "projection_failures",
    metadata,
    sa.Column("projection", sa.Text, primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.Uuid),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
)

Progress = Callable[[int, int], None]  # (applied up to seq, stream's last seq)

_MAX_BACKOFF = 30.0
_LAG_EVERY = 5.0  # seconds between lag gauge refreshes while idle
STALLED_AFTER = 30.0  # seconds of retrying before /readyz calls a projection stalled
_ERROR_CHARS = 2000


class Projection(Protocol):
    name: str

    async def apply(self, connection: AsyncConnection, batch: list[RecordedEvent]) -> None: ...


class Projector:
    def __init__(
        self, engine: AsyncEngine, store: EventStore, projection: Projection, batch: int = 1000
    ) -> None:
        self._engine = engine
        self._store = store
        self.projection = projection
        self._batch = batch
        self._wake = asyncio.Event()
        self._undecodable: list[tuple[int, Exception]] = []
        self._lag_at = 0.0
        # While retrying after an outage: what failed, and since when (for /readyz).
        self.retrying: str | None = None
        self.retrying_since: float | None = None

    def wake(self) -> None:
        """Something was appended: look for new events now rather than at the next tick."""
        self._wake.set()

    async def catch_up(self, progress: Progress | None = None) -> int:
        """Apply everything in the log after the checkpoint; return the new checkpoint.

        An event that cannot be applied is recorded and passed over; an outage raises
        (nothing was skipped: the next call starts again where this one stopped).
        """
        start = await checkpoint(self._engine, self.projection.name)
        last = await self._store.last_sequence() if progress else 0
        position = start
        batches = self._store.read_chunks(
            start_seq=start + 1, batch=self._batch, on_undecodable=self._skip
        )
        async for batch, through in batches:
            await self._record_undecodable()
            position = await self._apply(batch, through)
            if progress:
                progress(position, max(last, position))
        return position

    async def run(self, stop: asyncio.Event, idle_poll: float = 1.0) -> None:
        """Keep the projection current until `stop` is set; back off while it cannot."""
        name = self.projection.name
        log.info("projector.started", projection=name)
        delay = idle_poll
        while not stop.is_set():
            self._wake.clear()
            try:
                await self.catch_up()
            except Exception as error:
                RETRIES.labels(name).inc()
                self.retrying = f"{type(error).__name__}: {error}"[:_ERROR_CHARS]
                self.retrying_since = self.retrying_since or time.monotonic()
                log.warning(
                    "projector.retrying", projection=name, transient=is_transient(error),
                    error=self.retrying, retry_in=delay, exc_info=not is_transient(error),
                )  # fmt: skip
                await self._refresh_lag(force=True)
                await _sleep_unless(stop, delay)
                delay = min(delay * 2, _MAX_BACKOFF)
                continue
            if self.retrying is not None:
                log.info("projector.recovered", projection=name, after=self.retrying)
            self.retrying = self.retrying_since = None
            delay = idle_poll
            await self._refresh_lag()
            waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waits, timeout=idle_poll, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waits:
                waiter.cancel()

    async def lag(self) -> tuple[int, int]:
        """(checkpoint, events after it in the log); also sets the lag gauge."""
        position = await checkpoint(self._engine, self.projection.name)
        behind = max(0, await self._store.last_sequence() - position)
        LAG.labels(self.projection.name).set(behind)
        return position, behind

    async def _refresh_lag(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._lag_at < _LAG_EVERY:
            return
        self._lag_at = time.monotonic()
        try:
            await self.lag()
        except Exception as error:  # the gauge is best effort; readyz reports the outage
            log.debug("projector.lag_unknown", projection=self.projection.name, error=str(error))

    def _skip(self, seq: int, error: Exception) -> None:
        # Only our own publishers write to the stream, so this is a bug or an intruder:
        # say so loudly, but one bad message must not stop every read model behind it.
        SKIPPED.labels(self.projection.name).inc()
        log.error(
            "projector.undecodable", projection=self.projection.name, seq=seq, error=str(error)
        )
        self._undecodable.append((seq, error))

    async def _record_undecodable(self) -> None:
        """Keep the messages the reader passed over beside the other projection failures."""
        if not self._undecodable:
            return
        rows = [
            _failure_row(self.projection.name, seq, None, "(undecodable)", error)
            for seq, error in self._undecodable
        ]
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(projection_failures).values(rows).on_conflict_do_nothing()
            )
        self._undecodable.clear()

    async def _apply(self, batch: list[RecordedEvent], through: int) -> int:
        """Apply `batch` and move the checkpoint to `through`; isolate an event that fails."""
        try:
            return await self._apply_once(batch, through)
        except Exception as error:
            if not batch or not caused_by_event(error):
                raise
            if len(batch) == 1:
                return await self._dead_letter(batch[0], through, error)
            middle = len(batch) // 2
            await self._apply(batch[:middle], batch[middle - 1].seq)
            return await self._apply(batch[middle:], through)

    async def _apply_once(self, batch: list[RecordedEvent], through: int) -> int:
        """Apply the events after the checkpoint and move it to `through`, in one transaction."""
        async with self._engine.begin() as connection:
            position = await _lock_checkpoint(connection, self.projection.name)
            if through > position:
                fresh = [e for e in batch if e.seq > position]
                if fresh:
                    await self.projection.apply(connection, fresh)
                position = through
                await _move_checkpoint(connection, self.projection.name, position)
        return position

    async def _dead_letter(self, recorded: RecordedEvent, through: int, error: Exception) -> int:
        """Record the event that failed alone and move the checkpoint past it."""
        name = self.projection.name
        async with self._engine.begin() as connection:
            position = await _lock_checkpoint(connection, name)
            if recorded.seq <= position:  # another copy got past it first
                if through > position:
                    await _move_checkpoint(connection, name, through)
                return max(position, through)
            envelope = recorded.envelope
            row = _failure_row(name, recorded.seq, envelope.event_id, envelope.type, error)
            statement = insert(projection_failures).values(row)
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[projection_failures.c.projection, projection_failures.c.seq],
                    set_={"error": row["error"], "failed_at": row["failed_at"]},
                )
            )
            await _move_checkpoint(connection, name, through)
        FAILURES.labels(name).inc()
        log.error(
            "projector.event_failed", projection=name, seq=recorded.seq, type=row["type"],
            event_id=str(envelope.event_id), error=row["error"],
        )  # fmt: skip
        return through


def caused_by_event(error: BaseException) -> bool:
    """True when retrying cannot help: the event itself cannot be applied (bad data, a bug
    in one applier). Outages and faults of the database or its schema are never the event's.
    """
    return blames_the_data(error)


def _failure_row(
    name: str, seq: int, event_id: Any, event_type: str, error: Exception
) -> dict[str, Any]:
    text = f"{type(error).__name__}: {error}"
    return {
        "projection": name,
        "seq": seq,
        "event_id": event_id,
        "type": _storable(event_type)[:200],
        "error": _storable(text)[:_ERROR_CHARS],
        "failed_at": datetime.now(UTC),
    }


def _storable(text: str) -> str:
    """The text with what PostgreSQL cannot store in `text` (NUL) spelled out."""
    return text.replace("\x00", "\\u0000")


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def failures(engine: AsyncEngine, names: Sequence[str] | None = None) -> list[sa.Row[Any]]:
    """Events projections passed over, oldest first (all projections, or those named)."""
    query = sa.select(projection_failures).order_by(
        projection_failures.c.seq, projection_failures.c.projection
    )
    if names is not None:
        query = query.where(projection_failures.c.projection.in_(list(names)))
    async with engine.connect() as connection:
        return list(await connection.execute(query))


async def projections_report(
    projectors: Sequence[Projector], timeout: float = 2.0
) -> dict[str, dict[str, Any]]:
    """For /readyz: each projection's checkpoint, lag, recorded failures and retry state."""
    try:
        return await asyncio.wait_for(_report(projectors), timeout)
    except TimeoutError:
        return {p.projection.name: {"error": f"no answer within {timeout:g}s"} for p in projectors}


async def _report(projectors: Sequence[Projector]) -> dict[str, dict[str, Any]]:
    names = [p.projection.name for p in projectors]
    counts: dict[str, int] = {}
    report: dict[str, dict[str, Any]] = {}
    if not projectors:
        return report
    try:
        async with projectors[0]._engine.connect() as connection:
            query = (
                sa.select(projection_failures.c.projection, sa.func.count())
                .where(projection_failures.c.projection.in_(names))
                .group_by(projection_failures.c.projection)
            )
            counts = {name: int(n) for name, n in await connection.execute(query)}
    except Exception as error:
        return {name: {"error": f"{type(error).__name__}: {error}"} for name in names}
    for projector in projectors:
        name = projector.projection.name
        entry: dict[str, Any] = {"failures": counts.get(name, 0)}
        try:
            entry["checkpoint"], entry["lag"] = await projector.lag()
        except Exception as error:
            entry["lag"] = None
            entry["error"] = f"{type(error).__name__}: {error}"
        if projector.retrying is not None:
            entry["retrying"] = projector.retrying
        report[name] = entry
    return report


async def none_stalled(projectors: Sequence[Projector]) -> None:
    """A /readyz check: fails while a projector has been retrying for STALLED_AFTER s."""
    now = time.monotonic()
    stalled = [
        f"{p.projection.name}: {p.retrying}"
        for p in projectors
        if p.retrying_since is not None and now - p.retrying_since >= STALLED_AFTER
    ]
    if stalled:
        raise RuntimeError("projection stalled: " + "; ".join(stalled))


async def checkpoint(engine: AsyncEngine, name: str) -> int:
    async with engine.connect() as connection:
        value = await connection.scalar(
            sa.select(checkpoints.c.last_seq).where(checkpoints.c.name == name)
        )
    return int(value or 0)


async def wait_for(engine: AsyncEngine, name: str, seq: int, timeout: float) -> bool:
    """Wait until projection `name` has applied `seq` (read-your-writes for the API)."""
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        if await checkpoint(engine, name) >= seq:
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)


async def reset(engine: AsyncEngine, name: str, tables: tuple[sa.Table, ...]) -> None:
    """Empty a projection's tables and rewind its checkpoint, atomically."""
    async with engine.begin() as connection:
        await _lock_checkpoint(connection, name)
        names = ", ".join(f'"{t.schema}"."{t.name}"' for t in tables)
        await connection.execute(sa.text(f"TRUNCATE {names}"))
        await connection.execute(
            checkpoints.update().where(checkpoints.c.name == name).values(last_seq=0)
        )


async def _move_checkpoint(connection: AsyncConnection, name: str, position: int) -> None:
    await connection.execute(
        checkpoints.update().where(checkpoints.c.name == name).values(last_seq=position)
    )


async def _lock_checkpoint(connection: AsyncConnection, name: str) -> int:
    await connection.execute(
        insert(checkpoints).values(name=name, last_seq=0).on_conflict_do_nothing()
    )
    value = await connection.scalar(
        sa.select(checkpoints.c.last_seq).where(checkpoints.c.name == name).with_for_update()
    )
    return int(value or 0)
