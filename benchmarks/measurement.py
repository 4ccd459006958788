"""Repetitions, warm-ups and medians: how every figure turns timings into one number."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

# One repetition of one contender: does its own untimed setup, returns what it measured.
Run = Callable[[], Awaitable[float]]


@dataclass(frozen=True)
class Plan:
    """How much work each figure does; `quick` trades precision for time."""

    quick: bool
    repetitions: int
    warmups: int
    appends: int
    aggregates: int
    batch: int
    awaited: int
    log_events: int
    uploads: int

    @classmethod
    def full(cls) -> Plan:
        return cls(False, 7, 1, 1000, 100, 20_000, 1000, 20_000, 50)

    @classmethod
    def fast(cls) -> Plan:
        return cls(True, 3, 1, 300, 50, 10_000, 300, 10_000, 20)


@dataclass(frozen=True)
class Stat:
    """The samples of one contender and their median."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)


async def interleaved(runs: Mapping[str, Run], plan: Plan) -> dict[str, Stat]:
    """Warm every contender up, then run them in rotating order, so noise hits all alike."""
    names = list(runs)
    for _ in range(plan.warmups):
        for name in names:
            await runs[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(plan.repetitions):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(await runs[name]())
    return {name: Stat(tuple(values)) for name, values in samples.items()}


class Stopwatch:
    """`with Stopwatch() as watch: …` then `watch.seconds`; collects garbage first."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        gc.collect()  # one contender's setup garbage must not be collected on another's clock
        self._start = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self._start


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (p50 = 0.5, p95 = 0.95) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]
