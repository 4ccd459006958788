"""`make eval` suite "parsing": field-level precision and recall, baseline beside current.

Corpora (held-out parts only):
- dotin: the 50 set-aside test CVs (plain text, span labels scored as sets per CV);
- rendered: the 20 held-out jsonresume-fake variants × every layout × {PDF, DOCX}, read
  through `extract_text` and `parse` as an upload is.

The baseline is the parser and extraction as they were before issue 9 (git 9ad94e4, frozen
in `baseline_v1/`), run in the same process on the same documents.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from evaluation.parsing import dotin
from evaluation.parsing.parsers import PARSERS_OF_BYTES, PARSERS_OF_TEXT, Failures
from evaluation.parsing.rendered import DATE_STYLES, LAYOUTS, Rendered, rendered_corpus
from evaluation.parsing.scorer import GROUPS, Table, fields_of, markdown_table

DOTIN_GROUPS = tuple(g for g in GROUPS if g not in ("phone", "start dates", "end dates"))
RENDERED_GROUPS = tuple(g for g in GROUPS if g != "dates")
TARGETS = "employers, titles and dates: recall ≥ 0.90 at precision ≥ 0.90 on dotin, ≥ 0.97 rendered"
# Quick runs score the first few held-out resumes only.
QUICK_RESUMES = 4


@dataclass
class Timer:
    """Seconds spent per parser, and how many documents."""

    seconds: dict[str, float] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)

    def timed(self, parser: str, call: Callable[..., Any], *args: Any) -> Any:
        """`call(*args)`, its time added to `parser`'s."""
        started = time.perf_counter()
        try:
            return call(*args)
        finally:
            self.seconds[parser] = self.seconds.get(parser, 0.0) + time.perf_counter() - started
            self.documents[parser] = self.documents.get(parser, 0) + 1

    def markdown(self) -> str:
        """Mean milliseconds per document per parser."""
        return ", ".join(
            f"{parser} {1000 * self.seconds[parser] / max(1, self.documents[parser]):.0f} ms/doc"
            for parser in self.seconds
        )


def score_dotin(quick: bool, failures: Failures, timer: Timer) -> dict[str, Table]:
    """Every parser on the dotin test CVs; gold and predictions as sets per CV."""
    tables = {name: Table() for name in PARSERS_OF_TEXT}
    for cv in dotin.set_aside_cvs():
        gold = dotin.gold_fields(cv)
        for name, read in PARSERS_OF_TEXT.items():
            document = timer.timed(name, failures.attempt, name, read, cv.text)
            tables[name].add(
                gold, None if document is None else _labelled(gold, document), sets=True
            )
    return tables


# Single values the dotin annotators often left unlabelled (placeholders such as "Name
# Surname"): a CV without a label for one of them is not scored on it.
UNLABELLED_MEANS_UNKNOWN = ("name", "email", "location")


def _labelled(gold: dict[str, list[str]], document: dict[str, Any]) -> dict[str, list[str]]:
    predicted = fields_of(document)
    for group in UNLABELLED_MEANS_UNKNOWN:
        if not gold.get(group):
            predicted[group] = []
    return predicted


@dataclass
class RenderedTables:
    """Tables of the rendered corpus by parser, and by layout, format and date style."""

    overall: dict[str, Table] = field(default_factory=dict)
    by_layout: dict[str, Table] = field(default_factory=dict)
    by_format: dict[str, Table] = field(default_factory=dict)
    by_date_style: dict[str, Table] = field(default_factory=dict)


def score_rendered(
    documents: Iterable[Rendered],
    parsers: Mapping[str, Callable[[bytes], dict[str, Any]]],
    failures: Failures,
    timer: Timer,
) -> RenderedTables:
    """Every parser on every rendered document; also usable for other extraction paths."""
    tables = RenderedTables()
    for item in documents:
        gold = fields_of(item.gold)
        style = str(item.gold.get("meta", {}).get("dateStyle", "?"))
        for name, read in parsers.items():
            document = timer.timed(name, failures.attempt, name, read, item.data)
            predicted = None if document is None else fields_of(document)
            for tables_of, key in (
                (tables.overall, name),
                (tables.by_layout, f"{item.layout} · {name}"),
                (tables.by_format, f"{item.format} · {name}"),
                (tables.by_date_style, f"{style} · {name}"),
            ):
                tables_of.setdefault(key, Table()).add(gold, predicted)
    return tables


def run(quick: bool) -> str:
    """The parsing section of the evaluation report, in Markdown."""
    failures, timer = Failures(), Timer()
    started = time.perf_counter()
    dotin_tables = score_dotin(quick, failures, timer)
    dotin_seconds = time.perf_counter() - started
    dotin_timer, timer = timer, Timer()
    limit = QUICK_RESUMES if quick else None
    rendered = score_rendered(
        rendered_corpus("test", limit=limit), PARSERS_OF_BYTES, failures, timer
    )
    resumes = limit or 20
    out = [
        "## Parsing: field-level precision / recall (held-out data only)",
        "",
        f'Cells are precision / recall (micro-averaged); "–" = no value. Targets: {TARGETS}. '
        "baseline = parser and extraction at git 9ad94e4 (frozen in "
        "evaluation/parsing/baseline_v1); current = the working tree.",
        "",
        "### dotin set-aside test split (50 real CVs, plain text)",
        "",
        "Span labels scored as sets of strings per CV; dates = years / year-months in "
        '"Years of Experience" spans. Label noise (repeated and in-sentence labels) '
        "bounds precision from below; a CV with no Name, Email or Location label is not "
        f"scored on that field. Time: {dotin_timer.markdown()} ({dotin_seconds:.0f} s).",
        "",
        markdown_table(dotin_tables, DOTIN_GROUPS),
        "",
        f"### Rendered corpus, held-out test split ({resumes} resumes × {len(LAYOUTS)} layouts "
        "× PDF and DOCX)",
        "",
        f"Through `extract_text` and `parse`, as an upload. Time: {timer.markdown()}. "
        f"Layouts: {', '.join(spec.name for spec in LAYOUTS)}. Date styles: "
        f'{"; ".join(style.name for style in DATE_STYLES)}. "failed" = extraction or '
        "parsing raised (reasons below).",
        "",
        markdown_table(rendered.overall, RENDERED_GROUPS),
        "",
        "#### By format",
        "",
        markdown_table(rendered.by_format, RENDERED_GROUPS, first="format · parser"),
        "",
        "#### By layout (PDF and DOCX together)",
        "",
        markdown_table(rendered.by_layout, RENDERED_GROUPS, first="layout · parser"),
        "",
        "#### Work dates by date style",
        "",
        markdown_table(
            dict(sorted(rendered.by_date_style.items())),
            ("start dates", "end dates"),
            first="date style · parser",
        ),
    ]
    if quick:
        out += ["", f"_Quick run: first {QUICK_RESUMES} held-out resumes only._"]
    else:
        development = score_rendered(
            rendered_corpus("dev"), PARSERS_OF_BYTES, Failures(), Timer()
        ).overall
        out += [
            "",
            "#### For comparison: the development split (40 resumes, what parsers are tuned on)",
            "",
            "Not a held-out figure; a large gap to the test split above means over-fitting.",
            "",
            markdown_table(development, RENDERED_GROUPS),
        ]
    if text := failures.markdown():
        out += ["", text]
    return "\n".join(out) + "\n"
