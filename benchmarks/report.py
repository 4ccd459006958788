"""The printed table and `.bench/results.json`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.figures import LATER, Figure
from benchmarks.measurement import Plan, Stat


@dataclass(frozen=True)
class Results:
    """Everything one `make bench` run found, plus what it ran on."""

    plan: Plan
    durability: str
    environment: dict[str, str]
    figures: list[Figure] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


def table(run: Results) -> str:
    """One line per figure, then what each line was measured on, then what is not measured."""
    header = ("figure", "ours", "baseline (same run)", "ratio", "target", "met", "durability")
    rows = [header, *(_row(f, run.durability) for f in run.figures)]
    rows += [(name, "FAILED", error[:60], "", "", "✗", "") for name, error in run.failures.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines = [*_header(run), "", *lines]
    lines += ["", *_details(run.figures), "", "Not yet measured:"]
    lines += [
        f"  {later.title} (target {later.target}): not yet measured ({later.issue})"
        for later in LATER
    ]
    return "\n".join(line.rstrip() for line in lines)


def _header(run: Results) -> list[str]:
    plan = run.plan
    kind = "quick" if plan.quick else "full"
    env = run.environment
    return [
        f"Jobtrail benchmarks ({kind}): medians of {plan.repetitions} repetitions after "
        f"{plan.warmups} warm-up, contenders interleaved in rotating order",
        f"durability in force: {run.durability}",
        "on: " + ", ".join(f"{k} {v}" for k, v in env.items() if not k.startswith("load")),
        f"load average (1/5/15 min): before {env.get('load average before', '?')}, "
        f"after {env.get('load average after', '?')}",
    ]


def write_json(run: Results, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "plan": vars(run.plan),
        "durability": run.durability,
        "environment": run.environment,
        "figures": [_figure_json(f) for f in run.figures],
        "failures": run.failures,
        "not_yet_measured": [vars(later) for later in LATER],
    }
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def compact(durability: str) -> str:
    """The durability line of StackEndpoints, short enough for a table cell."""
    for long, short in (
        ("nats sync_interval=", "js sync="),
        ("nats sync=", "js sync="),
        (" (server default)", "(default)"),
        ("postgres ", "pg "),
        ("synchronous_commit=", "sync_commit="),
        ("; ", ", "),
    ):
        durability = durability.replace(long, short)
    return durability


def _row(figure: Figure, durability: str) -> tuple[str, ...]:
    ratio = figure.ratio
    baseline = _value(figure.baseline, figure.unit) if figure.baseline else _no_baseline(figure)
    return (
        figure.name,
        _value(figure.ours, figure.unit),
        baseline,
        f"{ratio:.2f}×" if ratio is not None else "—",
        figure.target.text,
        {True: "✓", False: "✗", None: "?"}[figure.met],
        compact(durability),
    )


def _no_baseline(figure: Figure) -> str:
    return "not installed" if figure.baseline_label != "—" else "—"


def _value(stat: Stat, unit: str) -> str:
    if unit == "ms":
        return f"{stat.median:,.0f} ms"
    return f"{stat.median:,.0f}/s"


def _details(figures: Sequence[Figure]) -> list[str]:
    lines = []
    for figure in figures:
        lines.append(f"{figure.name}: {figure.title}")
        lines.append(f"    ours: {_spread(figure.ours, figure.unit)}")
        if figure.baseline is not None:
            lines.append(
                f"    baseline: {figure.baseline_label}: {_spread(figure.baseline, figure.unit)}"
            )
        lines += [f"    {note}" for note in figure.notes]
    return lines


def _spread(stat: Stat, unit: str) -> str:
    if len(stat.samples) == 1:
        return _value(stat, unit)
    return (
        f"median {_value(stat, unit)} of {len(stat.samples)} "
        f"(range {stat.low:,.0f}–{stat.high:,.0f})"
    )


def _figure_json(figure: Figure) -> dict[str, Any]:
    def stat(value: Stat | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return {"median": value.median, "samples": list(value.samples)}

    return {
        "name": figure.name,
        "title": figure.title,
        "unit": figure.unit,
        "ours": stat(figure.ours),
        "baseline": stat(figure.baseline),
        "baseline_label": figure.baseline_label,
        "ratio": figure.ratio,
        "target": figure.target.text,
        "met": figure.met,
        "notes": list(figure.notes),
        "extra": figure.extra,
    }
