"""What the jobs service tells the others about its own tables: the scores it stored
(`MatchesScored`) and the requirements it read from postings (`PostingRequirementsRead`).

Other services never read the `jobs` schema; they project these events. Each is published
after the rows it describes are written, so a consumer never sees a score the service does
not hold; a failure in between fails the handler, and the redelivered cause writes and
publishes again. Events caused by a delivered event get ids derived from that cause and
their position, so a redelivery within the stream's duplicate window appends nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from jobtrail.events import Envelope, Event, EventContext, RecordedEvent, seal
from jobtrail.events.jobs import (
    MAX_SCORES,
    MatchesScored,
    MatchRun,
    MatchScore,
    PostingRequirementsRead,
)
from jobtrail.jobs import ranking

# The scores of one event stay under this many bytes of JSON, well below the streams'
# 1 MiB message limit whatever the explanations hold (bullets are a resume's own text).
MAX_SCORE_BYTES = 384 * 1024


class Publisher(Protocol):
    """Where announcements go: the event log (`EventStore`)."""

    async def publish_many(self, envelopes: Sequence[Envelope], window: int = ...) -> list[int]:
        """Append the envelopes; the log drops an id it holds already."""
        ...


# (resume id, version, owner id, job id, score): one stored row of `jobs.matches`.
Scored = tuple[UUID, int, UUID, UUID, ranking.Score]
# (resume id, version, owner id, postings visible): a version's own run that is complete.
Run = tuple[UUID, int, UUID, int]


def score_events(
    scored: Sequence[Scored], model: str, formula: str, computed_at: datetime,
    run: Run | None = None,
) -> list[MatchesScored]:  # fmt: skip
    """The events telling `scored` (rows stored at `computed_at`), per resume version, in
    chunks of at most MAX_SCORES scores and MAX_SCORE_BYTES; the run's summary rides on
    the last event of its version (an event of its own when it scored nothing)."""
    versions: dict[tuple[UUID, int, UUID], list[MatchScore]] = {}
    if run is not None:
        versions[run[:3]] = []
    for resume_id, version, owner, job_id, result in scored:
        versions.setdefault((resume_id, version, owner), []).append(
            MatchScore(job_id=job_id, score=result.score, explanation=result.explanation)
        )
    events = []
    for (resume_id, version, owner), scores in versions.items():
        chunks = list(_chunks(scores)) or [[]]
        summary = None
        if run is not None and run[:3] == (resume_id, version, owner):
            summary = MatchRun(visible=run[3], candidates=len(scores),
                               outside=max(0, run[3] - len(scores)))  # fmt: skip
        for index, chunk in enumerate(chunks):
            events.append(
                MatchesScored(
                    owner_id=owner, resume_id=resume_id, resume_version=version, model=model,
                    formula=formula, computed_at=computed_at, scores=chunk,
                    run=summary if index == len(chunks) - 1 else None,
                )
            )  # fmt: skip
    return events


def _chunks(scores: list[MatchScore]) -> Iterable[list[MatchScore]]:
    chunk: list[MatchScore] = []
    size = 0
    for score in scores:
        length = len(json.dumps(score.model_dump(mode="json")))
        if chunk and (len(chunk) == MAX_SCORES or size + length > MAX_SCORE_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(score)
        size += length
    if chunk:
        yield chunk


async def publish_scores(
    events: Publisher, cause: RecordedEvent | None, actor: str, scored: Sequence[Scored],
    model: str, computed_at: datetime, run: Run | None = None,
) -> None:  # fmt: skip
    """Publish what `store_and_announce` just stored (see `score_events`)."""
    told = score_events(scored, model, ranking.FORMULA, computed_at, run)
    by_version: dict[str, list[MatchesScored]] = {}
    for event in told:
        by_version.setdefault(matches_id(event.resume_id, event.resume_version), []).append(event)
    envelopes: list[Envelope] = []
    for aggregate_id, group in by_version.items():
        context = _context(cause, actor, aggregate_id).with_owner(group[0].owner_id)
        chunks: list[Event] = [*group]
        envelopes.extend(seal(chunks, aggregate_id=aggregate_id, base_version=0,
                              context=context, now=computed_at))  # fmt: skip
    if envelopes:
        await events.publish_many(envelopes)


async def publish_requirements(
    held: Sequence[tuple[UUID, str | None, Any]], events: Publisher,
    cause: RecordedEvent | None, actor: str,
) -> None:  # fmt: skip
    """Publish the requirements the service holds, as (job id, formula, requirements) from
    `JobsStore.requirements` (postings indexed before requirements were extracted hold
    none, and are skipped)."""
    envelopes: list[Envelope] = []
    for job_id, formula, requirements in held:
        if not (isinstance(requirements, dict) and "required" in requirements):
            continue
        read = PostingRequirementsRead(
            job_id=job_id, formula=formula or ranking.FORMULA, requirements=requirements
        )
        context = _context(cause, actor, f"requirements-{job_id}")
        envelopes.extend(seal([read], aggregate_id=job_id, base_version=0, context=context))
    if envelopes:
        await events.publish_many(envelopes)


def matches_id(resume_id: UUID, version: int) -> str:
    """The id MatchesScored events go under: the scores of one resume version (not the
    resume's own id, whose audit trail tells what was done to the resume)."""
    return f"{resume_id}-v{version}"


def _context(cause: RecordedEvent | None, actor: str, correlation: str) -> EventContext:
    if cause is not None:
        return EventContext.caused_by(cause.envelope, actor)
    return EventContext(actor=actor, correlation_id=correlation)
