"""Snapshots of long aggregates in the JetStream key-value bucket `JOBTRAIL_SNAPSHOTS`.

A snapshot is a cache of a fold: the state an aggregate had at a stream sequence, so a
load reads only the events after it. The log stays the truth. A snapshot that is missing,
unreadable, of another codec version or from a bucket that does not exist is ignored and
the aggregate is folded from its first event; writing one is best effort. Deleting the
bucket (`nats kv del JOBTRAIL_SNAPSHOTS`) loses nothing but time.

Only aggregates that can grow long take part (see `Snapshotting`): a shared posting, for
instance, gathers a `JobMatched` per matched resume version and marks from every user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self
from uuid import UUID

import structlog
from nats.aio.client import Client as NATS
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, NotFoundError
from nats.js.kv import KeyValue

from jobtrail.events import Event, RecordedEvent

BUCKET = "JOBTRAIL_SNAPSHOTS"

log = structlog.get_logger("jobtrail.eventlog.snapshots")


class Snapshotting(Protocol):
    """An aggregate that may be loaded from a snapshot.

    `snapshot_every`: take a new snapshot once a load read at least this many events after
    the last one. `snapshot_codec`: bump it when `to_snapshot`'s shape changes, so older
    snapshots are ignored rather than misread.
    """

    aggregate_type: ClassVar[str]
    snapshot_every: ClassVar[int]
    snapshot_codec: ClassVar[int]

    @classmethod
    def from_snapshot(cls, aggregate_id: UUID, data: dict[str, Any]) -> Self: ...

    def to_snapshot(self) -> dict[str, Any]: ...

    def apply(self, event: Event) -> None: ...


@dataclass(frozen=True)
class Snapshot:
    seq: int  # the stream sequence of the last event folded in
    version: int  # how many events of the aggregate that is
    state: dict[str, Any]


class SnapshotStore:
    """Reads and writes snapshots; every failure to do so only means a longer fold."""

    def __init__(self, nc: NATS, bucket: str = BUCKET) -> None:
        self._nc = nc
        self._bucket = bucket
        self._kv: KeyValue | None = None
        self._missing = False

    async def get(self, kind: type[Snapshotting], aggregate_id: UUID) -> Snapshot | None:
        kv = await self._open()
        if kv is None:
            return None
        try:
            entry = await kv.get(_key(kind, aggregate_id))
        except (KeyNotFoundError, NotFoundError):
            return None
        try:
            data = json.loads(entry.value or b"")
            if data["codec"] != kind.snapshot_codec:
                return None
            return Snapshot(int(data["seq"]), int(data["version"]), data["state"])
        except (ValueError, KeyError, TypeError):
            log.warning("snapshot.unreadable", aggregate=kind.aggregate_type, id=str(aggregate_id))
            return None

    async def put(
        self, kind: type[Snapshotting], state: Snapshotting, aggregate_id: UUID, seq: int,
        version: int,
    ) -> None:  # fmt: skip
        kv = await self._open()
        if kv is None:
            return
        body = {"codec": kind.snapshot_codec, "seq": seq, "version": version,
                "state": state.to_snapshot()}  # fmt: skip
        try:
            await kv.put(_key(kind, aggregate_id), json.dumps(body).encode())
        except Exception:  # a cache: the next load folds a little more
            log.warning("snapshot.not_saved", aggregate=kind.aggregate_type, exc_info=True)

    async def drop_all(self) -> int:
        """Purge every snapshot from the server (after an erasure: a snapshot may hold a fold
        of the erased account's events in the clear); how many were dropped."""
        js = self._nc.jetstream()
        stream = f"KV_{self._bucket}"
        try:
            held = (await js.stream_info(stream)).state.messages
        except NotFoundError:
            return 0
        await js.purge_stream(stream)
        return held

    async def _open(self) -> KeyValue | None:
        if self._kv is None and not self._missing:
            try:
                self._kv = await self._nc.jetstream().key_value(self._bucket)
            except (BucketNotFoundError, NotFoundError):
                log.warning("snapshot.no_bucket", bucket=self._bucket)
                self._missing = True
        return self._kv


def takes_snapshots(kind: type[Any]) -> bool:
    return all(hasattr(kind, name) for name in ("from_snapshot", "to_snapshot", "snapshot_every"))


def restore(kind: type[Snapshotting], aggregate_id: UUID, snapshot: Snapshot,
            events: list[RecordedEvent]) -> Snapshotting:  # fmt: skip
    """The state at the snapshot, with the events after it applied."""
    state = kind.from_snapshot(aggregate_id, snapshot.state)
    for recorded in events:
        state.apply(recorded.event)
    return state


def _key(kind: type[Snapshotting], aggregate_id: UUID) -> str:
    return f"{kind.aggregate_type}.{aggregate_id}"
