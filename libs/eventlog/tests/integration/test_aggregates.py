"""The aggregate repository on the real stream: load, decide, append, decide again on conflict.

Each test uses its own random ids on the throwaway `testcounter` aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID, uuid4

import pytest

from jobtrail.eventlog.aggregates import Repository, dead_letter_decision
from jobtrail.eventlog.store import EventStore
from jobtrail.events.envelope import Event, EventContext, RecordedEvent
from jobtrail.events.errors import ConcurrencyConflict

pytestmark = pytest.mark.integration

CONTEXT = EventContext(actor="test", correlation_id="libs-eventlog-aggregate-tests")


class TestCounterRaised(Event):
    """A throwaway event: the counter went up to `to`."""

    __test__ = False
    type: ClassVar[str] = "TestCounterRaised"
    aggregate_type: ClassVar[str] = "testcounter"
    counter_id: UUID
    to: int


class TestCounterStopped(Event):
    __test__ = False
    type: ClassVar[str] = "TestCounterStopped"
    aggregate_type: ClassVar[str] = "testcounter"
    counter_id: UUID
    why: str


@dataclass
class Counter:
    aggregate_type: ClassVar[str] = "testcounter"

    counter_id: UUID
    value: int = 0
    stopped: bool = False

    @classmethod
    def fold(cls, counter_id: UUID, events: list[RecordedEvent]) -> Counter:
        counter = cls(counter_id)
        for recorded in events:
            match recorded.event:
                case TestCounterRaised(to=to):
                    counter.value = to
                case TestCounterStopped():
                    counter.stopped = True
        return counter

    def raise_to(self, to: int) -> list[Event]:
        """Only upwards: a value at or below the current one decides nothing."""
        if self.stopped or to <= self.value:
            return []
        return [TestCounterRaised(counter_id=self.counter_id, to=to)]

    def stop(self, why: str) -> list[Event]:
        return [] if self.stopped else [TestCounterStopped(counter_id=self.counter_id, why=why)]


def values(history: list[RecordedEvent]) -> list[object]:
    return [r.envelope.data.get("to", r.envelope.type) for r in history]


async def test_a_decision_is_appended_after_the_history_it_was_made_on(store: EventStore) -> None:
    repository, counter_id = Repository(store), uuid4()

    await repository.execute(Counter, counter_id, lambda c: c.raise_to(1), CONTEXT)
    await repository.execute(Counter, counter_id, lambda c: c.raise_to(3), CONTEXT)
    nothing = await repository.execute(Counter, counter_id, lambda c: c.raise_to(2), CONTEXT)

    assert nothing == []
    loaded = await repository.load(Counter, counter_id)
    assert (loaded.state.value, loaded.version) == (3, 2)


async def test_a_concurrent_append_makes_the_decision_run_again_on_the_newer_state(
    store: EventStore,
) -> None:
    repository, counter_id = Repository(store), uuid4()
    await repository.execute(Counter, counter_id, lambda c: c.raise_to(1), CONTEXT)
    seen: list[int] = []

    async def decide(counter: Counter) -> list[Event]:
        seen.append(counter.value)
        if len(seen) == 1:  # somebody else appends between our read and our append
            await repository.execute(Counter, counter_id, lambda c: c.raise_to(5), CONTEXT)
        return counter.raise_to(counter.value + 1)

    recorded = await repository.execute(Counter, counter_id, decide, CONTEXT)

    assert seen == [1, 5]  # decided twice: the second time on the other writer's state
    assert values(recorded) == [6]
    assert values((await store.load("testcounter", counter_id)).events) == [1, 5, 6]


async def test_after_the_last_attempt_the_conflict_reaches_the_caller(store: EventStore) -> None:
    repository, counter_id = Repository(store, attempts=2), uuid4()
    other = Repository(store)

    async def always_overtaken(counter: Counter) -> list[Event]:
        await other.execute(Counter, counter_id, lambda c: c.raise_to(c.value + 1), CONTEXT)
        return counter.raise_to(counter.value + 1)

    with pytest.raises(ConcurrencyConflict):
        await repository.execute(Counter, counter_id, always_overtaken, CONTEXT)
    assert values((await store.load("testcounter", counter_id)).events) == [1, 2]


async def test_creating_an_aggregate_that_exists_is_a_conflict(store: EventStore) -> None:
    repository, counter_id = Repository(store), uuid4()
    first = [TestCounterRaised(counter_id=counter_id, to=1)]
    await repository.create(Counter, counter_id, first, CONTEXT)

    with pytest.raises(ConcurrencyConflict):
        await repository.create(Counter, counter_id, first, CONTEXT)


async def test_a_known_state_is_decided_on_without_reading_the_log_again(
    store: EventStore,
) -> None:
    repository, counter_id = Repository(store), uuid4()
    await repository.execute(Counter, counter_id, lambda c: c.raise_to(1), CONTEXT)
    loaded = await repository.load(Counter, counter_id)

    executed = await repository.decide(
        Counter, counter_id, lambda c: c.raise_to(2), CONTEXT, start=loaded
    )
    after = executed.loaded.refolded(Counter)

    assert (after.state.value, after.version) == (2, 2)
    # The held state is stale once somebody else appends: the decision is made again.
    await repository.execute(Counter, counter_id, lambda c: c.raise_to(7), CONTEXT)
    executed = await repository.decide(
        Counter, counter_id, lambda c: c.raise_to(c.value + 1), CONTEXT, start=after
    )
    assert values(executed.recorded) == [8]


async def test_a_dead_lettered_message_ends_the_work_once(store: EventStore) -> None:
    repository, counter_id = Repository(store), uuid4()
    raised = await repository.execute(Counter, counter_id, lambda c: c.raise_to(1), CONTEXT)
    on_dead_letter = dead_letter_decision(
        repository,
        Counter,
        TestCounterRaised,
        lambda event: event.counter_id,
        lambda counter, event, reason: counter.stop(f"{event.to}: {reason}"),
        actor="test",
    )

    await on_dead_letter(raised[0], "RuntimeError: boom")
    await on_dead_letter(raised[0], "RuntimeError: boom")  # a second dead letter: nothing

    history = (await store.load("testcounter", counter_id)).events
    assert [r.envelope.type for r in history] == ["TestCounterRaised", "TestCounterStopped"]
    assert history[1].envelope.data["why"] == "1: RuntimeError: boom"
    assert history[1].envelope.causation_id == str(raised[0].envelope.event_id)


@dataclass
class SnappedCounter(Counter):
    """The counter, loaded from a snapshot once 3 events follow the last one."""

    snapshot_every: ClassVar[int] = 3
    snapshot_codec: ClassVar[int] = 1

    def to_snapshot(self) -> dict[str, object]:
        return {"value": self.value, "stopped": self.stopped}

    @classmethod
    def from_snapshot(cls, counter_id: UUID, data: dict[str, Any]) -> SnappedCounter:
        return cls(counter_id, value=data["value"], stopped=data["stopped"])

    def apply(self, event: Event) -> None:
        match event:
            case TestCounterRaised(to=to):
                self.value = to
            case TestCounterStopped():
                self.stopped = True

    @classmethod
    def fold(cls, counter_id: UUID, events: list[RecordedEvent]) -> SnappedCounter:
        counter = cls(counter_id)
        for recorded in events:
            counter.apply(recorded.event)
        return counter


async def test_a_long_aggregate_is_loaded_from_its_snapshot_and_the_events_after_it(
    store: EventStore,
) -> None:
    repository, counter_id = Repository(store), uuid4()
    for to in range(1, 6):
        await repository.execute(SnappedCounter, counter_id, lambda c, to=to: c.raise_to(to),
                                 CONTEXT)  # fmt: skip
    # The load inside the 4th decision read 3 events: it snapshotted version 3.
    await repository.execute(SnappedCounter, counter_id, lambda c: c.raise_to(6), CONTEXT)

    loaded = await repository.load(SnappedCounter, counter_id)

    assert loaded.history.base_version == 3
    assert values(loaded.history.events) == [4, 5, 6]  # only what came after the snapshot
    assert (loaded.state.value, loaded.version) == (6, 6)
    full = await store.load("testcounter", counter_id)
    assert loaded.state == SnappedCounter.fold(counter_id, full.events)
    # Appending after a snapshot expects the aggregate's real last sequence and version.
    recorded = await repository.execute(SnappedCounter, counter_id, lambda c: c.raise_to(9),
                                        CONTEXT)  # fmt: skip
    assert recorded[0].envelope.aggregate_version == 7


async def test_a_snapshot_of_another_codec_is_ignored(store: EventStore) -> None:
    repository, counter_id = Repository(store), uuid4()
    for to in range(1, 5):
        await repository.execute(SnappedCounter, counter_id, lambda c, to=to: c.raise_to(to),
                                 CONTEXT)  # fmt: skip
    await repository.load(SnappedCounter, counter_id)  # snapshot with codec 1

    class NewCodec(SnappedCounter):
        snapshot_codec: ClassVar[int] = 2

    loaded = await repository.load(NewCodec, counter_id)

    assert (loaded.history.base_version, loaded.state.value) == (0, 4)
