"""The gateway's copy of the jobs service's scores: the latest computation of each pair,
whatever order or how many times the events come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from jobtrail.events import EventContext, RecordedEvent, seal
from jobtrail.events.jobs import MatchesScored, MatchRun, MatchScore, PostingRequirementsRead
from jobtrail.gateway.readmodels.matches import Matches
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import job_requirements, match_runs, match_scores

EARLY = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LATE = EARLY + timedelta(minutes=5)
RESUME, OWNER, JOB, OTHER = uuid4(), uuid4(), uuid4(), uuid4()


def scored(at: datetime, scores: dict[UUID, int], run: MatchRun | None = None) -> MatchesScored:
    return MatchesScored(
        owner_id=OWNER, resume_id=RESUME, resume_version=1, model="m", formula="f",
        computed_at=at, run=run,
        scores=[MatchScore(job_id=j, score=s, explanation={"why": s}) for j, s in scores.items()],
    )  # fmt: skip


def projected(*events: MatchesScored | PostingRequirementsRead) -> BatchRows:
    """Apply the events in order, as one projector batch does (nothing stored before)."""
    context = EventContext(actor="service:jobs", correlation_id="c")
    rows, applier = BatchRows(), Matches()
    recorded = []
    for n, event in enumerate(events):
        aggregate = event.resume_id if isinstance(event, MatchesScored) else event.job_id
        [envelope] = seal([event], aggregate_id=aggregate, base_version=0, context=context)
        recorded.append(RecordedEvent(envelope, n + 1))
    for entry in recorded:
        applier.want(rows, entry.event)
    for entry in recorded:
        applier.apply(rows, entry.event, entry)
    return rows


def score_of(rows: BatchRows, job_id: UUID) -> Any:
    row = rows.get(match_scores, RESUME, 1, job_id)
    return None if row is None else (row["score"], row["computed_at"])


def test_a_later_computation_replaces_an_earlier_one() -> None:
    rows = projected(scored(EARLY, {JOB: 80, OTHER: 60}), scored(LATE, {JOB: 40}))
    assert score_of(rows, JOB) == (40, LATE)
    assert score_of(rows, OTHER) == (60, EARLY)  # not scored again: kept, as the jobs service does


def test_an_earlier_computation_arriving_last_changes_nothing() -> None:
    rows = projected(scored(LATE, {JOB: 40}), scored(EARLY, {JOB: 80}))
    assert score_of(rows, JOB) == (40, LATE)


def test_a_repeated_event_changes_nothing() -> None:
    summary = MatchRun(visible=3, candidates=1, outside=2)
    once = projected(scored(EARLY, {JOB: 80}, summary))
    twice = projected(scored(EARLY, {JOB: 80}, summary), scored(EARLY, {JOB: 80}, summary))
    assert score_of(once, JOB) == score_of(twice, JOB) == (80, EARLY)
    assert once.get(match_runs, RESUME, 1) == twice.get(match_runs, RESUME, 1)


def test_a_run_is_complete_only_once_its_summary_arrives() -> None:
    rows = projected(scored(EARLY, {JOB: 80}))
    assert rows.get(match_runs, RESUME, 1) is None
    summary = MatchRun(visible=5, candidates=1, outside=4)
    rows = projected(scored(EARLY, {JOB: 80}), scored(EARLY, {}, summary))
    run = rows.get(match_runs, RESUME, 1)
    assert run is not None
    assert (run["visible"], run["candidates"], run["outside"]) == (5, 1, 4)


def test_the_requirements_read_last_are_kept() -> None:
    first = PostingRequirementsRead(job_id=JOB, formula="f1", requirements={"required": ["Go"]})
    second = PostingRequirementsRead(
        job_id=JOB, formula="f2", requirements={"required": ["Python"]}
    )
    row = projected(first, second).get(job_requirements, JOB)
    assert row is not None
    assert (row["formula"], row["requirements"]) == ("f2", {"required": ["Python"]})
