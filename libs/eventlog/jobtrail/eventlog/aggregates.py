"""The one write path: load an aggregate, decide, append expecting what was read, retry.

Every service changes state the same way. An aggregate is a pure class (see
`jobtrail.domain` and each service's `domain/`): it names its `aggregate_type` and folds
its recorded events into a state; decisions are plain functions of that state returning
new events. This module does the rest:

- `Repository.execute` loads the events, folds them, runs the decision and appends the
  result with the aggregate's last sequence as the expected one. If somebody appended
  meanwhile (`ConcurrencyConflict`) it loads and decides again, a few times, because the
  decision may well be different now.
- Event ids are derived from the cause (`EventContext.caused_by`, see `seal`), so a
  redelivered message yields the same ids and the stream drops the repeat.
- An aggregate that can grow long (`jobtrail.eventlog.snapshots.Snapshotting`) is loaded
  from its latest snapshot in the `JOBTRAIL_SNAPSHOTS` bucket plus the events after it.
- `dead_letter_decision` turns a pure "what ends this work when it can't be done"
  function into the consumer's `on_dead_letter` callback, so the job seeker always hears
  how their request ended.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast
from uuid import UUID

from jobtrail.eventlog.snapshots import SnapshotStore, Snapshotting, restore, takes_snapshots
from jobtrail.eventlog.store import AggregateHistory
from jobtrail.events import ConcurrencyConflict, Event, EventContext, RecordedEvent

CONFLICT_ATTEMPTS = 5


class EventLog(Protocol):
    """What the repository needs of the event store (`EventStore`, or one in memory)."""

    async def load(
        self, aggregate_type: str, aggregate_id: object, after: tuple[int, int] = (0, 0)
    ) -> AggregateHistory: ...

    async def append(
        self, history: AggregateHistory, events: Sequence[Event], context: EventContext
    ) -> list[RecordedEvent]: ...


class Aggregate(Protocol):
    """What the repository needs of an aggregate class: its type and its fold."""

    aggregate_type: ClassVar[str]

    @classmethod
    def fold(cls, aggregate_id: Any, events: list[RecordedEvent]) -> Self: ...


A = TypeVar("A", bound=Aggregate)
T = TypeVar("T", bound=Event)

Decided = Sequence[Event]
Decision = Callable[[A], Decided | Awaitable[Decided]]
# Usually fixed by the caller; a function of the state when the cause is in the history
# (a follow-up reminder is caused by the event that scheduled it).
Context = EventContext | Callable[[A], EventContext]


@dataclass
class Loaded(Generic[A]):
    """An aggregate's state and the history it was folded from (the next append's base)."""

    state: A
    history: AggregateHistory

    @property
    def version(self) -> int:
        return self.history.version

    def refolded(self, kind: type[A]) -> Loaded[A]:
        """The state after appends made to this history (`append` extends it in place)."""
        if self.history.base_version:
            raise ValueError("refolding needs the whole history, not one after a snapshot")
        return Loaded(kind.fold(self.state_id(), self.history.events), self.history)

    def state_id(self) -> UUID:
        return UUID(self.history.aggregate_id)


@dataclass
class Executed(Generic[A]):
    """A decision's result: what it was made on, and what it appended (maybe nothing)."""

    loaded: Loaded[A]
    recorded: list[RecordedEvent]


class Repository:
    """Loads aggregates from the event store and appends what their decisions return."""

    def __init__(self, store: EventLog, attempts: int = CONFLICT_ATTEMPTS) -> None:
        self.store = store
        self._attempts = attempts
        # The store's snapshot bucket; test doubles of the store may have none.
        self._snapshots: SnapshotStore | None = getattr(store, "snapshots", None)

    async def load(self, kind: type[A], aggregate_id: UUID) -> Loaded[A]:
        if self._snapshots is not None and takes_snapshots(kind):
            return await self._load_from_snapshot(kind, aggregate_id, self._snapshots)
        history = await self.store.load(kind.aggregate_type, aggregate_id)
        return Loaded(kind.fold(aggregate_id, history.events), history)

    async def _load_from_snapshot(
        self, kind: type[A], aggregate_id: UUID, snapshots: SnapshotStore
    ) -> Loaded[A]:
        """Fold from the latest snapshot, and take a new one when many events followed it."""
        snapshotting = cast(type[Snapshotting], kind)
        snapshot = await snapshots.get(snapshotting, aggregate_id)
        if snapshot is None:
            history = await self.store.load(kind.aggregate_type, aggregate_id)
            state = kind.fold(aggregate_id, history.events)
        else:
            after = (snapshot.seq, snapshot.version)
            history = await self.store.load(kind.aggregate_type, aggregate_id, after)
            state = cast(A, restore(snapshotting, aggregate_id, snapshot, history.events))
        if len(history.events) >= snapshotting.snapshot_every:
            await snapshots.put(
                snapshotting, cast(Snapshotting, state), aggregate_id, history.last_seq,
                history.version,
            )  # fmt: skip
        return Loaded(state, history)

    async def execute(
        self,
        kind: type[A],
        aggregate_id: UUID,
        decide: Decision[A],
        context: Context[A],
        start: Loaded[A] | None = None,
    ) -> list[RecordedEvent]:
        """Load, decide, append; on a concurrent append, all of it again.

        `decide` may be async (it may store a document first); it must be safe to run
        again, since a conflict reruns it on the newer state. It returns no events when
        there is nothing to do, and raises a domain error to refuse. After the last
        attempt the `ConcurrencyConflict` reaches the caller. Returns what was appended.
        """
        return (await self.decide(kind, aggregate_id, decide, context, start)).recorded

    async def decide(
        self,
        kind: type[A],
        aggregate_id: UUID,
        decide: Decision[A],
        context: Context[A],
        start: Loaded[A] | None = None,
    ) -> Executed[A]:
        """`execute`, also returning the state and history the decision was made on.

        `start` is a state the caller holds already (a long job appending step after
        step): the first attempt decides on it without reading the log again.
        """
        for attempt in range(1, self._attempts + 1):
            if attempt == 1 and start is not None:
                loaded = start
            else:
                loaded = await self.load(kind, aggregate_id)
            decided = decide(loaded.state)
            if inspect.isawaitable(decided):
                decided = await decided
            if not decided:
                return Executed(loaded, [])
            how = context if isinstance(context, EventContext) else context(loaded.state)
            try:
                return Executed(loaded, await self.store.append(loaded.history, decided, how))
            except ConcurrencyConflict:
                if attempt == self._attempts:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def create(
        self, kind: type[A], aggregate_id: UUID, events: Decided, context: EventContext
    ) -> list[RecordedEvent]:
        """Start a new aggregate; `ConcurrencyConflict` if one with this id already exists."""
        empty = AggregateHistory(kind.aggregate_type, str(aggregate_id))
        return await self.store.append(empty, events, context)


def dead_letter_decision(
    repository: Repository,
    kind: type[A],
    trigger: type[T],
    aggregate_id: Callable[[T], UUID],
    decide: Callable[[A, T, str], Decided],
    actor: str,
) -> Callable[[RecordedEvent, str], Awaitable[None]]:
    """The consumer's `on_dead_letter` for work started by `trigger` events.

    When a message is dead-lettered, `decide(state, trigger_event, reason)` says which
    terminal event tells the job seeker how their request ended (none if it already did).
    """

    async def on_dead_letter(recorded: RecordedEvent, reason: str) -> None:
        event = recorded.event
        if not isinstance(event, trigger):
            return
        context = EventContext.caused_by(recorded.envelope, actor)
        await repository.execute(
            kind, aggregate_id(event), lambda state: decide(state, event, reason), context
        )

    return on_dead_letter
