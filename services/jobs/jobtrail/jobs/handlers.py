"""The jobs service's consumers: index postings, score resume versions, keep thresholds.

Idempotent without an inbox: indexing and scoring are upserts of values computed from
the same inputs, and `JobMatched` is appended only if the job's own events do not hold
it yet for that (user, resume, version); its id derives from the cause besides.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobtrail.docstore import DocumentNotFound, DocumentStore
from jobtrail.events import (
    ConcurrencyConflict,
    EventContext,
    EventStore,
    PermanentFailure,
    RecordedEvent,
)
from jobtrail.events.jobs import JobMatched, JobPostingAdded, JobPostingIngested
from jobtrail.events.resumes import ResumeVersionCreated
from jobtrail.events.users import ProfileUpdated
from jobtrail.jobs import matching
from jobtrail.jobs.embedding import Embedder
from jobtrail.jobs.tables import matches, postings, resume_vectors, thresholds

ACTOR = "service:jobs"
DEFAULT_THRESHOLD = 70
CANDIDATES = 200
CONFLICT_ATTEMPTS = 3

log = structlog.get_logger("jobtrail.jobs")


@dataclass
class JobsDeps:
    engine: AsyncEngine
    events: EventStore
    documents: DocumentStore
    embedder: Embedder


def dedup_key(company: str | None, title: str, location: str | None) -> str:
    """Same company, title and place: one posting, wherever it was found (company names
    compared by letters and digits only: "Acme Inc" and "acme-inc" are one)."""
    firm = re.sub(r"[^a-z0-9]+", "", str(company or "").lower())
    return "|".join([firm, *(" ".join(str(p or "").lower().split()) for p in (title, location))])


async def on_posting(recorded: RecordedEvent, deps: JobsDeps) -> None:
    """On JobPostingAdded/Ingested: make sure it is indexed, then score it."""
    event = recorded.event
    if not isinstance(event, JobPostingAdded | JobPostingIngested):
        return
    owner = event.user_id if isinstance(event, JobPostingAdded) else None
    async with deps.engine.connect() as connection:
        indexed = (await connection.execute(
            sa.select(postings.c.sha256).where(postings.c.job_id == event.job_id)
        )).scalar()  # fmt: skip
    if indexed != event.sha256:
        await index_posting(deps, event, owner)
    await score_posting(recorded, event.job_id, owner, deps)


async def index_posting(
    deps: JobsDeps, event: JobPostingAdded | JobPostingIngested, owner: UUID | None
) -> None:
    try:
        document = await deps.documents.get(event.job_id, event.document_version)
    except DocumentNotFound as missing:
        raise PermanentFailure(f"the posting's document is gone: {missing}") from missing
    posting = document.content.get("posting", {})
    [vector] = await deps.embedder.embed([matching.posting_text(posting)])
    profile = matching.posting_profile(posting)
    source, source_id = ("user", None)
    if isinstance(event, JobPostingIngested):
        source, source_id = event.source, event.source_id
    row = {
        "job_id": event.job_id, "owner_id": owner, "source": source, "source_id": source_id,
        "title": posting.get("title") or "", "company": posting.get("company"),
        "location": posting.get("location"),
        "dedup_key": dedup_key(posting.get("company"), posting.get("title") or "",
                               posting.get("location")),
        "skills": profile.skills, "requirements": profile.requirements,
        "document_version": event.document_version, "sha256": event.sha256,
        "model": deps.embedder.model, "embedding": vector.tolist(),
        "duplicate_of": getattr(event, "duplicate_of", None), "updated_at": datetime.now(UTC),
    }  # fmt: skip
    async with deps.engine.begin() as connection:
        await upsert_posting(connection, row)


async def upsert_posting(connection: AsyncConnection, row: dict[str, Any]) -> None:
    statement = insert(postings).values(row)
    await connection.execute(
        statement.on_conflict_do_update(
            index_elements=[postings.c.job_id],
            set_={k: statement.excluded[k] for k in row if k != "job_id"},
        )
    )


async def score_posting(
    recorded: RecordedEvent, job_id: UUID, owner: UUID | None, deps: JobsDeps
) -> None:
    """Score one posting against the latest version of each resume that may see it."""
    latest = (
        sa.select(resume_vectors)
        .ext(distinct_on(resume_vectors.c.resume_id))
        .order_by(resume_vectors.c.resume_id, resume_vectors.c.version.desc())
    )
    if owner is not None:
        latest = latest.where(resume_vectors.c.owner_id == owner)
    latest_cte = latest.cte("latest")
    posting = postings.alias("p")
    query = (
        sa.select(
            latest_cte.c.resume_id, latest_cte.c.version, latest_cte.c.owner_id,
            latest_cte.c.skills, latest_cte.c.bullets,
            (1 - latest_cte.c.embedding.cosine_distance(posting.c.embedding)).label("similarity"),
            posting.c.skills.label("job_skills"), posting.c.requirements,
        )
        .select_from(latest_cte.join(posting, posting.c.job_id == job_id))
        .where(posting.c.duplicate_of.is_(None))
    )  # fmt: skip
    async with deps.engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    scored = []
    for row in rows:
        result = matching.score(
            matching.PostingProfile(list(row.job_skills), list(row.requirements)),
            matching.ResumeProfile(list(row.skills), list(row.bullets)),
            float(row.similarity),
        )
        scored.append((row.resume_id, row.version, row.owner_id, job_id, result))
    await _store_and_announce(recorded, scored, deps)


async def on_resume_version(recorded: RecordedEvent, deps: JobsDeps) -> None:
    """On ResumeVersionCreated: embed the version and score the nearest postings."""
    event = recorded.event
    if not isinstance(event, ResumeVersionCreated):
        return
    try:
        document = await deps.documents.get(event.resume_id, event.version)
    except DocumentNotFound as missing:
        raise PermanentFailure(f"the resume version is gone: {missing}") from missing
    owner = document.owner_id or recorded.envelope.owner_id
    if owner is None:
        raise PermanentFailure(f"resume {event.resume_id} has no owner")
    profile, text = matching.resume_profile(document.content)
    [vector] = await deps.embedder.embed([text])
    row = {
        "resume_id": event.resume_id, "version": event.version, "owner_id": owner,
        "skills": profile.skills, "bullets": profile.bullets, "model": deps.embedder.model,
        "embedding": vector.tolist(), "created_at": datetime.now(UTC),
    }  # fmt: skip
    statement = insert(resume_vectors).values(row)
    nearest = nearest_postings(vector.tolist(), owner, CANDIDATES)
    async with deps.engine.begin() as connection:
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[resume_vectors.c.resume_id, resume_vectors.c.version],
                set_={k: statement.excluded[k] for k in row if k not in ("resume_id", "version")},
            )
        )
        # HNSW returns at most ef_search rows, fewer after filtering: widen the beam to
        # the candidates wanted and let it keep scanning past filtered-out rows.
        await connection.execute(sa.text(f"SET LOCAL hnsw.ef_search = {CANDIDATES}"))
        await connection.execute(sa.text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
        rows = (await connection.execute(nearest)).all()
    scored = [
        (event.resume_id, event.version, owner, r.job_id,
         matching.score(matching.PostingProfile(list(r.skills), list(r.requirements)),
                        profile, float(r.similarity)))
        for r in rows
    ]  # fmt: skip
    await _store_and_announce(recorded, scored, deps, announce=not event.proposal)


def nearest_postings(vector: list[float], owner: UUID | None, limit: int) -> sa.Select[Any]:
    """The postings a user may see, nearest first by cosine distance (the HNSW index)."""
    distance = postings.c.embedding.cosine_distance(vector)
    return (
        sa.select(postings.c.job_id, postings.c.skills, postings.c.requirements,
                  (1 - distance).label("similarity"))
        .where(sa.or_(postings.c.owner_id == owner, postings.c.owner_id.is_(None)),
               postings.c.duplicate_of.is_(None))
        .order_by(distance)
        .limit(limit)
    )  # fmt: skip


async def on_profile(recorded: RecordedEvent, deps: JobsDeps) -> None:
    """On ProfileUpdated: remember the job seeker's match threshold."""
    event = recorded.event
    if not isinstance(event, ProfileUpdated):
        return
    row = {"user_id": event.user_id,
           "match_threshold": event.profile.preferences.match_threshold}  # fmt: skip
    statement = insert(thresholds).values(row)
    async with deps.engine.begin() as connection:
        await connection.execute(statement.on_conflict_do_update(
            index_elements=[thresholds.c.user_id],
            set_={"match_threshold": statement.excluded.match_threshold},
        ))  # fmt: skip


Scored = tuple[UUID, int, UUID, UUID, matching.Score]


async def _store_and_announce(
    recorded: RecordedEvent, scored: list[Scored], deps: JobsDeps, announce: bool = True
) -> None:
    if not scored:
        return
    now = datetime.now(UTC)
    rows = [
        {"resume_id": r, "resume_version": v, "owner_id": o, "job_id": j, "score": s.score,
         "explanation": s.explanation, "model": deps.embedder.model, "computed_at": now}
        for r, v, o, j, s in scored
    ]  # fmt: skip
    statement = insert(matches)
    async with deps.engine.begin() as connection:
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[matches.c.resume_id, matches.c.resume_version, matches.c.job_id],
                set_={k: statement.excluded[k] for k in ("score", "explanation", "model",
                                                        "computed_at", "owner_id")},
            ),
            rows,
        )  # fmt: skip
        owners = {o for _, _, o, _, _ in scored}
        found = await connection.execute(
            sa.select(thresholds.c.user_id, thresholds.c.match_threshold)
            .where(thresholds.c.user_id.in_(owners))
        )  # fmt: skip
        limits = {row.user_id: row.match_threshold for row in found}
    if not announce:
        return
    for resume_id, version, owner, job_id, result in scored:
        if result.score >= limits.get(owner, DEFAULT_THRESHOLD):
            await _announce(recorded, job_id, owner, resume_id, version, result.score, deps)


async def _announce(
    recorded: RecordedEvent, job_id: UUID, user_id: UUID, resume_id: UUID, version: int,
    score: int, deps: JobsDeps,
) -> None:  # fmt: skip
    """JobMatched once per (user, job, resume version), whichever side arrived last."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        history = await deps.events.load("job", job_id)
        for known in history.events:
            data = known.envelope.data
            if known.envelope.type == "JobMatched" and (
                data.get("user_id"),
                data.get("resume_id"),
                data.get("resume_version"),
            ) == (str(user_id), str(resume_id), version):
                return
        matched = JobMatched(
            job_id=job_id,
            user_id=user_id,
            resume_id=resume_id,
            resume_version=version,
            score=score,
            model=deps.embedder.model,
        )
        context = EventContext.caused_by(recorded.envelope, ACTOR).with_owner(user_id)
        try:
            await deps.events.append(history, [matched], context)
            log.info("job.matched", job_id=str(job_id), resume_id=str(resume_id), score=score)
            return
        except ConcurrencyConflict:
            if attempt == CONFLICT_ATTEMPTS:
                raise


async def reembed_stale(deps: JobsDeps, stop: asyncio.Event, batch: int = 32) -> None:
    """After a change of model: re-embed, in the background, every vector another model
    made (postings, then resume versions), a batch at a time, until none is left."""
    try:
        await _reembed(deps, stop, batch)
    except Exception:  # stale vectors still answer searches: never take the service down
        log.exception("embeddings.refresh_failed")


async def _reembed(deps: JobsDeps, stop: asyncio.Event, batch: int) -> None:
    model = deps.embedder.model
    while not stop.is_set():
        async with deps.engine.connect() as connection:
            stale_postings = (await connection.execute(
                sa.select(postings.c.job_id, postings.c.document_version)
                .where(postings.c.model != model).limit(batch)
            )).all()  # fmt: skip
            stale_resumes = (await connection.execute(
                sa.select(resume_vectors.c.resume_id, resume_vectors.c.version)
                .where(resume_vectors.c.model != model).limit(batch)
            )).all()  # fmt: skip
        if not stale_postings and not stale_resumes:
            return
        for job_id, version in stale_postings:
            content = (await deps.documents.get(job_id, version)).content.get("posting", {})
            [vector] = await deps.embedder.embed([matching.posting_text(content)])
            async with deps.engine.begin() as connection:
                await connection.execute(
                    postings.update().where(postings.c.job_id == job_id)
                    .values(embedding=vector.tolist(), model=model)
                )  # fmt: skip
        for resume_id, version in stale_resumes:
            document = await deps.documents.get(resume_id, version)
            _, text = matching.resume_profile(document.content)
            [vector] = await deps.embedder.embed([text])
            async with deps.engine.begin() as connection:
                await connection.execute(
                    resume_vectors.update()
                    .where(resume_vectors.c.resume_id == resume_id,
                           resume_vectors.c.version == version)
                    .values(embedding=vector.tolist(), model=model)
                )  # fmt: skip
        log.info("embeddings.refreshed", model=model, postings=len(stale_postings),
                 resumes=len(stale_resumes))  # fmt: skip
