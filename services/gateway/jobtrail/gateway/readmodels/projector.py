"""Runs projections over the event log, in order, with a checkpoint per projection.

Each batch is applied in one transaction that also moves the projection's checkpoint,
after locking the checkpoint row: several gateway copies (and `jobtrail replay`) can run
projectors at once, and every event is still applied exactly once, in stream order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

import sqlalchemy as sa
import structlog
from prometheus_client import Counter
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobtrail.events import EventStore, RecordedEvent
from jobtrail.gateway.readmodels.tables import checkpoints

log = structlog.get_logger("jobtrail.gateway.projector")

SKIPPED = Counter(
    "jobtrail_projection_undecodable_total",
    "Messages in the event stream a projection could not decode and passed over.",
    ["projection"],
)

Progress = Callable[[int, int], None]  # (applied up to seq, stream's last seq)


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

    def wake(self) -> None:
        """Something was appended: look for new events now rather than at the next tick."""
        self._wake.set()

    async def catch_up(self, progress: Progress | None = None) -> int:
        """Apply everything in the log after the checkpoint; return the new checkpoint."""
        start = await checkpoint(self._engine, self.projection.name)
        last = await self._store.last_sequence() if progress else 0
        position = start
        batches = self._store.read_chunks(
            start_seq=start + 1, batch=self._batch, on_undecodable=self._skip
        )
        async for batch, through in batches:
            position = await self._apply(batch, through)
            if progress:
                progress(position, max(last, position))
        return position

    async def run(self, stop: asyncio.Event, idle_poll: float = 1.0) -> None:
        """Keep the projection current until `stop` is set."""
        log.info("projector.started", projection=self.projection.name)
        while not stop.is_set():
            self._wake.clear()
            try:
                await self.catch_up()
            except Exception:
                log.exception("projector.failed", projection=self.projection.name)
                await asyncio.sleep(idle_poll)
                continue
            waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waits, timeout=idle_poll, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waits:
                waiter.cancel()

    def _skip(self, seq: int, error: Exception) -> None:
        # Only our own publishers write to the stream, so this is a bug or an intruder:
        # say so loudly, but one bad message must not stop every read model behind it.
        SKIPPED.labels(self.projection.name).inc()
        log.error(
            "projector.undecodable", projection=self.projection.name, seq=seq, error=str(error)
        )

    async def _apply(self, batch: list[RecordedEvent], through: int) -> int:
        """Apply the events after the checkpoint and move it to `through`, in one transaction."""
        async with self._engine.begin() as connection:
            position = await _lock_checkpoint(connection, self.projection.name)
            if through > position:
                fresh = [e for e in batch if e.seq > position]
                if fresh:
                    await self.projection.apply(connection, fresh)
                position = through
                await connection.execute(
                    checkpoints.update()
                    .where(checkpoints.c.name == self.projection.name)
                    .values(last_seq=position)
                )
        return position


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


async def _lock_checkpoint(connection: AsyncConnection, name: str) -> int:
    await connection.execute(
        insert(checkpoints).values(name=name, last_seq=0).on_conflict_do_nothing()
    )
    value = await connection.scalar(
        sa.select(checkpoints.c.last_seq).where(checkpoints.c.name == name).with_for_update()
    )
    return int(value or 0)
