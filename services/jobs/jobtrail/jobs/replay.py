"""`jobtrail replay jobs`: rebuild the jobs service's tables from the event log.

Non-destructive: every row is an upsert of what the log says, nothing is deleted, and the
service may run meanwhile (its own writes are the same upserts). From the first event on:

- `ProfileUpdated` → `thresholds`: the job seeker's match threshold;
- `JobPostingAdded`, `JobPostingIngested` → `postings`: read, embedded and indexed, unless
  already indexed from the same document with the current ranking formula;
- `ResumeVersionCreated` → `resume_vectors`: embedded, unless held with the current model;
- its own `MatchesScored` → `matches`, `match_runs`: each score unless a later one is held,
  and a version's run marked complete.

No event is appended: the scores come back from the service's own `MatchesScored`, so
nobody is notified twice; `jobtrail rescore` is what computes new ones. A posting or resume
version whose document is gone is counted and passed over, as the consumer would
dead-letter it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from jobtrail.eventlog import PermanentFailure
from jobtrail.events import RecordedEvent
from jobtrail.events.jobs import JobPostingAdded, JobPostingIngested, MatchesScored
from jobtrail.events.resumes import ResumeVersionCreated
from jobtrail.events.users import ProfileUpdated
from jobtrail.jobs.handlers import (
    JobsDeps,
    embed_version,
    ensure_indexed,
    remember_threshold,
    upsert_vector,
)
from jobtrail.jobs.tables import match_runs, matches, resume_vectors

log = structlog.get_logger("jobtrail.jobs.replay")

Progress = Callable[[int, int], None]  # (position reached, last sequence of the log)


@dataclass
class Rebuilt:
    """What a replay did: up to which sequence, and how many rows of each kind."""

    position: int = 0
    events: int = 0
    thresholds: int = 0
    postings: int = 0
    postings_indexed: int = 0
    versions: int = 0
    versions_embedded: int = 0
    scores: int = 0
    runs: int = 0
    missing: list[str] = field(default_factory=list)
    seconds: float = 0.0


async def rebuild(deps: JobsDeps, progress: Progress | None = None) -> Rebuilt:
    """Apply the whole log, as it is now, to the jobs tables."""
    started = time.perf_counter()
    report = Rebuilt()
    last = await deps.events.last_sequence()
    async for chunk, position in deps.events.read_chunks(
        batch=500, on_undecodable=lambda seq, error: report.missing.append(f"seq {seq}: {error}")
    ):
        for recorded in chunk:
            if recorded.seq > last:
                break
            report.events += 1
            await _apply(deps, recorded, report)
        report.position = min(position, last)
        if progress is not None:
            progress(report.position, last)
        if position >= last:
            break
    report.seconds = time.perf_counter() - started
    log.info("jobs.replayed", **{k: v for k, v in vars(report).items() if k != "missing"})
    return report


async def _apply(deps: JobsDeps, recorded: RecordedEvent, report: Rebuilt) -> None:
    kind = recorded.envelope.type
    if kind not in _WANTED:
        return
    event = recorded.event
    try:
        if isinstance(event, ProfileUpdated):
            async with deps.engine.begin() as connection:
                await remember_threshold(connection, event)
            report.thresholds += 1
        elif isinstance(event, JobPostingAdded | JobPostingIngested):
            owner = event.user_id if isinstance(event, JobPostingAdded) else None
            report.postings += 1
            report.postings_indexed += int(await ensure_indexed(deps, event, owner))
        elif isinstance(event, ResumeVersionCreated):
            report.versions += 1
            if await _embedded(deps, event):
                return
            row = await embed_version(recorded, event, deps)
            async with deps.engine.begin() as connection:
                await upsert_vector(connection, row)
            report.versions_embedded += 1
        elif isinstance(event, MatchesScored):
            async with deps.engine.begin() as connection:
                report.scores += await project_scores(connection, event, recorded.seq)
            report.runs += int(event.run is not None)
    except PermanentFailure as gone:
        report.missing.append(f"seq {recorded.seq} ({kind}): {gone}")


async def _embedded(deps: JobsDeps, event: ResumeVersionCreated) -> bool:
    """Whether the version's vector is held, made by the embedder in use."""
    async with deps.engine.connect() as connection:
        model = await connection.scalar(
            sa.select(resume_vectors.c.model).where(
                resume_vectors.c.resume_id == event.resume_id,
                resume_vectors.c.version == event.version,
            )
        )
    return bool(model == deps.embedder.model)


_WANTED = frozenset(
    {"ProfileUpdated", "JobPostingAdded", "JobPostingIngested", "ResumeVersionCreated",
     "MatchesScored"}
)  # fmt: skip


async def project_scores(connection: AsyncConnection, event: MatchesScored, seq: int) -> int:
    """Hold the scores of one `MatchesScored`, each unless a later one is held; mark the
    version's run complete when the event carries it. How many scores were written."""
    rows = [
        {"resume_id": event.resume_id, "resume_version": event.resume_version,
         "owner_id": event.owner_id, "job_id": score.job_id, "score": score.score,
         "explanation": score.explanation, "model": event.model,
         "computed_at": event.computed_at, "formula": event.formula}
        for score in event.scores
    ]  # fmt: skip
    written = 0
    if rows:
        statement = insert(matches).values(rows)
        result = await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[matches.c.resume_id, matches.c.resume_version, matches.c.job_id],
                set_={k: statement.excluded[k] for k in ("score", "explanation", "model",
                                                        "computed_at", "owner_id", "formula")},
                where=matches.c.computed_at <= statement.excluded.computed_at,
            ).returning(matches.c.job_id)
        )  # fmt: skip
        written = len(result.all())
    if event.run is not None:
        await _complete_run(connection, event, event.computed_at)
    return written


async def _complete_run(connection: AsyncConnection, event: MatchesScored, at: datetime) -> None:
    assert event.run is not None
    done = {"resume_id": event.resume_id, "version": event.resume_version,
            "owner_id": event.owner_id, "status": "complete", "visible": event.run.visible,
            "candidates": event.run.candidates, "outside": event.run.outside,
            "formula": event.formula, "started_at": at, "finished_at": at}  # fmt: skip
    statement = insert(match_runs).values(done)
    await connection.execute(
        statement.on_conflict_do_update(
            index_elements=[match_runs.c.resume_id, match_runs.c.version],
            set_={k: statement.excluded[k] for k in ("status", "visible", "candidates",
                                                    "outside", "formula", "finished_at")},
            where=sa.or_(match_runs.c.finished_at.is_(None),
                         match_runs.c.finished_at <= statement.excluded.finished_at),
        )
    )  # fmt: skip
