"""What one figure reports: ours, the baseline from the same run, and the target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.measurement import Stat


@dataclass(frozen=True)
class Target:
    """A target from shared/BENCHMARKS.md, as a check on ours or on ours/baseline."""

    text: str
    min_ratio: float | None = None
    at_least: float | None = None
    below: float | None = None

    def met(self, ours: float, ratio: float | None) -> bool | None:
        """Whether the target is met; None when it cannot be judged (no baseline)."""
        checks: list[bool] = []
        if self.min_ratio is not None:
            if ratio is None:
                return None
            checks.append(ratio >= self.min_ratio)
        if self.at_least is not None:
            checks.append(ours >= self.at_least)
        if self.below is not None:
            checks.append(ours < self.below)
        return all(checks) if checks else None


@dataclass(frozen=True)
class Figure:
    """One line of the report."""

    name: str
    title: str
    unit: str
    ours: Stat
    baseline: Stat | None
    baseline_label: str
    target: Target
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline.median == 0:
            return None
        return self.ours.median / self.baseline.median

    @property
    def met(self) -> bool | None:
        return self.target.met(self.ours.median, self.ratio)


@dataclass(frozen=True)
class Later:
    """A figure of BENCHMARKS.md that a later issue measures."""

    title: str
    target: str
    issue: str = "issue number not assigned yet"


LATER = (
    Later("gateway reads at 200 requests/s", "p99 < 25 ms", "not assigned to an issue yet"),
    Later(
        "`make run`, installed, cold start to healthy",
        "< 20 s",
        "measured by tools/cli/tests/test_dev.py (10.8 s with a new data dir)",
    ),
)
