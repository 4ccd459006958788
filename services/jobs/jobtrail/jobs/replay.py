"""`jobtrail replay jobs`: rebuild the jobs service's tables from the event log.

Every row is an upsert of what the log says, and the service may run meanwhile (its own
writes are the same upserts); rows go only where the log deleted them. From the first event
on:

- `ProfileUpdated` → `thresholds`: the job seeker's match threshold;
- `JobPostingAdded`, `JobPostingIngested` → `postings`: read, embedded and indexed, unless
  already indexed from the same document with the current ranking formula;
- `ResumeVersionCreated` → `resume_vectors`: embedded, unless held with the current model;
- its own `MatchesScored` → `matches`, `match_runs`: each score unless a later one is held,
  and a version's run marked complete;
- `ResumeDeleted`, `JobPostingDeleted`, `AccountErased` → the rows of what was deleted go,
  as the consumers drop them (an erased account's earlier events read as erased anyway).
  Those deletions are read first (by subject, cheaply), so a posting or resume the log
  deletes later is not embedded again only to be dropped.

No event is appended: the scores come back from the service's own `MatchesScored`, so
nobody is notified twice; `jobtrail rescore` is what computes new ones. A posting or resume
version whose document is gone is counted and passed over, as the consumer would
dead-letter it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

import structlog

from jobtrail.eventlog import PermanentFailure
from jobtrail.events import RecordedEvent
from jobtrail.events.jobs import (
    JobPostingAdded,
    JobPostingDeleted,
    JobPostingIngested,
    MatchesScored,
)
from jobtrail.events.resumes import ResumeDeleted, ResumeVersionCreated
from jobtrail.events.subjects import type_filter
from jobtrail.events.users import AccountErased, ProfileUpdated
from jobtrail.jobs.handlers import JobsDeps, embed_version, ensure_indexed

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
    gone = await _deleted(deps)
    async for chunk, position in deps.events.read_chunks(
        batch=500, on_undecodable=lambda seq, error: report.missing.append(f"seq {seq}: {error}")
    ):
        for recorded in chunk:
            if recorded.seq > last:
                break
            report.events += 1
            await _apply(deps, recorded, report, gone)
        report.position = min(position, last)
        if progress is not None:
            progress(report.position, last)
        if position >= last:
            break
    report.seconds = time.perf_counter() - started
    log.info("jobs.replayed", **{k: v for k, v in vars(report).items() if k != "missing"})
    return report


@dataclass(frozen=True)
class _Deleted:
    """What the log deletes, somewhere ahead: not worth embedding on the way."""

    resumes: frozenset[UUID]
    postings: frozenset[UUID]


async def _deleted(deps: JobsDeps) -> _Deleted:
    resumes, postings = set(), set()
    async for recorded in deps.events.read(subject=type_filter("resume", ResumeDeleted.type)):
        if isinstance(event := recorded.event, ResumeDeleted):
            resumes.add(event.resume_id)
    async for recorded in deps.events.read(subject=type_filter("job", JobPostingDeleted.type)):
        if isinstance(event := recorded.event, JobPostingDeleted):
            postings.add(event.job_id)
    return _Deleted(frozenset(resumes), frozenset(postings))


async def _apply(deps: JobsDeps, recorded: RecordedEvent, report: Rebuilt, gone: _Deleted) -> None:
    kind = recorded.envelope.type
    if kind not in _WANTED:
        return
    event = recorded.event
    try:
        if isinstance(event, ProfileUpdated):
            threshold = event.profile.preferences.match_threshold
            await deps.store.save_threshold(event.user_id, threshold)
            report.thresholds += 1
        elif isinstance(event, JobPostingAdded | JobPostingIngested):
            owner = event.user_id if isinstance(event, JobPostingAdded) else None
            report.postings += 1
            if event.job_id not in gone.postings:
                report.postings_indexed += int(await ensure_indexed(deps, event, owner))
        elif isinstance(event, ResumeVersionCreated):
            report.versions += 1
            if event.resume_id in gone.resumes or await _embedded(deps, event):
                return
            await deps.store.save_version(await embed_version(recorded, event, deps), None)
            report.versions_embedded += 1
        elif isinstance(event, MatchesScored):
            report.scores += await deps.store.project_scores(event)
            report.runs += int(event.run is not None)
        elif isinstance(event, ResumeDeleted):
            await deps.store.forget_resume(event.resume_id)
        elif isinstance(event, JobPostingDeleted):
            await deps.store.forget_posting(event.job_id)
        elif isinstance(event, AccountErased):
            await deps.store.forget_owner(event.user_id)
    except PermanentFailure as gone:
        report.missing.append(f"seq {recorded.seq} ({kind}): {gone}")


async def _embedded(deps: JobsDeps, event: ResumeVersionCreated) -> bool:
    """Whether the version's vector is held, made by the embedder in use."""
    return await deps.store.vector_model(event.resume_id, event.version) == deps.embedder.model


_WANTED = frozenset(
    cls.type
    for cls in (
        ProfileUpdated, JobPostingAdded, JobPostingIngested, ResumeVersionCreated,
        MatchesScored, ResumeDeleted, JobPostingDeleted, AccountErased,
    )
)  # fmt: skip
