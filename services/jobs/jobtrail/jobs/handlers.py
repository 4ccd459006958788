"""The jobs service's consumers: index postings, score resume versions, keep thresholds.

Idempotent without an inbox: indexing and scoring are upserts of values computed from
the same inputs, and `JobMatched` is appended only if the job's own events do not hold
it yet for that (user, resume, version); its id derives from the cause besides.

Nothing is skipped between the two sides: a posting is committed before it is scored
against the resume versions stored so far, and a resume version is committed before it is
scored against the postings stored so far, so whichever commits second sees the other.
Each version's run is recorded in `match_runs` (complete, with how many visible postings
were outside its candidate set) for `GET /resumes/{id}/matches` to say how complete it is.
"""

from __future__ import annotations

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
from jobtrail.domain.postings import Posting
from jobtrail.eventlog import EventStore, PermanentFailure
from jobtrail.eventlog.aggregates import Repository
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.jobs import (
    JobMatched,
    JobPostingAdded,
    JobPostingIngested,
)
from jobtrail.events.resumes import ResumeVersionCreated
from jobtrail.events.users import ProfileUpdated
from jobtrail.jobs import announcements, matching, ranking
from jobtrail.jobs.embedding import Embedder
from jobtrail.jobs.tables import (
    match_runs,
    matches,
    postings,
    resume_vectors,
    thresholds,
)

ACTOR = "service:jobs"
DEFAULT_THRESHOLD = 70
CANDIDATES = 200
# A user's own postings join the candidates whatever their distance, up to this many.
OWN_CANDIDATES = 1000
REFERENCE = 100  # postings a new posting's BM25 is measured among

log = structlog.get_logger("jobtrail.jobs")


@dataclass
class JobsDeps:
    engine: AsyncEngine
    events: EventStore
    documents: DocumentStore
    embedder: Embedder

    @property
    def repository(self) -> Repository:
        return Repository(self.events)


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
    await ensure_indexed(deps, event, owner)
    await announcements.publish_requirements(deps.engine, deps.events, recorded, ACTOR,
                                             [event.job_id])  # fmt: skip
    await score_posting(recorded, event.job_id, owner, deps)


async def ensure_indexed(
    deps: JobsDeps, event: JobPostingAdded | JobPostingIngested, owner: UUID | None
) -> bool:
    """Index the posting unless it is indexed from the same document and formula; whether
    it was (re)indexed."""
    async with deps.engine.connect() as connection:
        indexed = (await connection.execute(
            sa.select(postings.c.sha256, postings.c.formula)
            .where(postings.c.job_id == event.job_id)
        )).first()  # fmt: skip
    if indexed is not None and tuple(indexed) == (event.sha256, ranking.FORMULA):
        return False
    await index_posting(deps, event, owner)
    return True


async def index_posting(
    deps: JobsDeps, event: JobPostingAdded | JobPostingIngested, owner: UUID | None
) -> None:
    try:
        document = await deps.documents.get(event.job_id, event.document_version)
    except DocumentNotFound as missing:
        raise PermanentFailure(f"the posting's document is gone: {missing}") from missing
    posting = document.content.get("posting", {})
    [vector] = await deps.embedder.embed([matching.posting_text(posting)])
    wanted = ranking.requirements(posting)
    source, source_id = ("user", None)
    if isinstance(event, JobPostingIngested):
        source, source_id = event.source, event.source_id
    row = {
        "job_id": event.job_id, "owner_id": owner, "source": source, "source_id": source_id,
        "title": posting.get("title") or "", "company": posting.get("company"),
        "location": posting.get("location"),
        "dedup_key": dedup_key(posting.get("company"), posting.get("title") or "",
                               posting.get("location")),
        "skills": skills_of(wanted), "requirements": wanted,
        "text": ranking.posting_text(posting), "formula": ranking.FORMULA,
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


def skills_of(wanted: dict[str, Any]) -> list[str]:
    """A posting's skills column: required first, then nice-to-have."""
    return [*wanted["required"], *wanted["nice_to_have"]]


def wanted_of(requirements: Any, skills: list[str], title: str) -> dict[str, Any]:
    """A stored posting's requirements object (rebuilt from its skills when it was indexed
    before requirements were extracted)."""
    if isinstance(requirements, dict) and "required" in requirements:
        return requirements
    wanted = ranking.requirements({"title": title, "skills": skills})
    wanted["lines"] = [str(line) for line in requirements or []][:20]
    return wanted


def facts_of(facts: Any, skills: list[str], bullets: list[str]) -> dict[str, Any]:
    """A stored resume version's facts (thin ones when stored before facts were kept)."""
    if isinstance(facts, dict):
        return facts
    return {"skills": dict.fromkeys(skills, 0.6), "bullets": bullets, "titles": [],
            "occupations": [], "years": None, "seniority": None}  # fmt: skip


def _posting_text(row: Any) -> str:
    if row.text:
        return str(row.text)
    return ranking.posting_text({"title": row.title, "company": row.company,
                                 "location": row.location, "skills": list(row.skills)})  # fmt: skip


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
            latest_cte.c.skills, latest_cte.c.bullets, latest_cte.c.facts,
            latest_cte.c.text.label("resume_text"),
            (1 - latest_cte.c.embedding.cosine_distance(posting.c.embedding)).label("similarity"),
        )
        .select_from(latest_cte.join(posting, posting.c.job_id == job_id))
        .where(posting.c.duplicate_of.is_(None))
    )  # fmt: skip
    async with deps.engine.connect() as connection:
        this = (await connection.execute(
            sa.select(postings).where(postings.c.job_id == job_id)
        )).first()  # fmt: skip
        if this is None:
            return
        rows = (await connection.execute(query)).all()
        if not rows:
            return
        # BM25 needs other postings to weigh words by: the ones nearest this one.
        distance = postings.c.embedding.cosine_distance([float(x) for x in this.embedding])
        seen = postings.c.owner_id.is_(None) if owner is None else sa.or_(
            postings.c.owner_id == owner, postings.c.owner_id.is_(None))  # fmt: skip
        reference = (await connection.execute(
            sa.select(postings.c.title, postings.c.company, postings.c.location,
                      postings.c.skills, postings.c.text)
            .where(seen, postings.c.job_id != job_id, postings.c.duplicate_of.is_(None))
            .order_by(distance).limit(REFERENCE)
        )).all()  # fmt: skip
    lexicon = ranking.Lexicon([_posting_text(this), *(_posting_text(r) for r in reference)])
    wanted = wanted_of(this.requirements, list(this.skills), this.title)
    scored = []
    for row in rows:
        facts = facts_of(row.facts, list(row.skills), list(row.bullets))
        text = row.resume_text or "\n".join([", ".join(row.skills), *row.bullets])
        lexical = lexicon.relative(text)[0]
        result = ranking.score_pair(facts, wanted, float(row.similarity), lexical,
                                    deps.embedder.model)  # fmt: skip
        scored.append((row.resume_id, row.version, row.owner_id, job_id, result))
    await store_and_announce(recorded, scored, deps)


async def on_resume_version(recorded: RecordedEvent, deps: JobsDeps) -> None:
    """On ResumeVersionCreated: embed the version and score the nearest postings."""
    event = recorded.event
    if not isinstance(event, ResumeVersionCreated):
        return
    vector_row = await embed_version(recorded, event, deps)
    owner, facts, text = vector_row["owner_id"], vector_row["facts"], vector_row["text"]
    run = {
        "resume_id": event.resume_id,
        "version": event.version,
        "owner_id": owner,
        "status": "scoring",
        "visible": 0,
        "candidates": 0,
        "outside": 0,
        "formula": ranking.FORMULA,
        "started_at": datetime.now(UTC),
        "finished_at": None,
    }
    started = insert(match_runs).values(run)
    # Committed before postings are read: a posting committed meanwhile either is read
    # here or, scored on its own side, finds this version (see the module's docstring).
    async with deps.engine.begin() as connection:
        await upsert_vector(connection, vector_row)
        await connection.execute(started.on_conflict_do_nothing())
    scored, visible = await score_version(
        deps, event.resume_id, event.version, owner, facts, text, vector_row["embedding"]
    )
    await store_and_announce(recorded, scored, deps, announce=not event.proposal,
                              run=(event.resume_id, event.version, owner, visible))  # fmt: skip


async def embed_version(
    recorded: RecordedEvent, event: ResumeVersionCreated, deps: JobsDeps
) -> dict[str, Any]:
    """The `resume_vectors` row of a resume version: its owner, facts, text and embedding."""
    try:
        document = await deps.documents.get(event.resume_id, event.version)
    except DocumentNotFound as missing:
        raise PermanentFailure(f"the resume version is gone: {missing}") from missing
    owner = document.owner_id or recorded.envelope.owner_id
    if owner is None:
        raise PermanentFailure(f"resume {event.resume_id} has no owner")
    profile, text = matching.resume_profile(document.content)
    facts = ranking.resume_facts(document.content)
    [vector] = await deps.embedder.embed([text])
    return {
        "resume_id": event.resume_id, "version": event.version, "owner_id": owner,
        "skills": profile.skills, "bullets": profile.bullets, "model": deps.embedder.model,
        "embedding": vector.tolist(), "created_at": datetime.now(UTC), "facts": facts,
        "text": text,
    }  # fmt: skip


async def upsert_vector(connection: AsyncConnection, row: dict[str, Any]) -> None:
    statement = insert(resume_vectors).values(row)
    await connection.execute(
        statement.on_conflict_do_update(
            index_elements=[resume_vectors.c.resume_id, resume_vectors.c.version],
            set_={k: statement.excluded[k] for k in row if k not in ("resume_id", "version")},
        )
    )


async def score_version(
    deps: JobsDeps, resume_id: UUID, version: int, owner: UUID, facts: dict[str, Any],
    text: str, vector: list[float],
) -> tuple[list[Scored], int]:  # fmt: skip
    """Score a resume version against its candidate set (the CANDIDATES nearest visible
    postings, plus the user's own postings); also how many postings it could see."""
    visible = sa.select(sa.func.count()).select_from(postings).where(
        sa.or_(postings.c.owner_id == owner, postings.c.owner_id.is_(None)),
        postings.c.duplicate_of.is_(None),
    )  # fmt: skip
    async with deps.engine.begin() as connection:
        # HNSW returns at most ef_search rows, fewer after filtering: widen the beam to
        # the candidates wanted and let it keep scanning past filtered-out rows.
        await connection.execute(sa.text(f"SET LOCAL hnsw.ef_search = {CANDIDATES}"))
        await connection.execute(sa.text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
        rows = list((await connection.execute(nearest_postings(vector, owner, CANDIDATES))).all())
        if owner is not None:  # postings the user added themselves are always scored
            found = [r.job_id for r in rows]
            own = nearest_postings(vector, owner, OWN_CANDIDATES).where(
                postings.c.owner_id == owner, postings.c.job_id.not_in(found)
            )
            rows.extend((await connection.execute(own)).all())
        count = int((await connection.execute(visible)).scalar() or 0)
    lexical = ranking.lexical_scores(text, [_posting_text(r) for r in rows])
    scored: list[Scored] = [
        (resume_id, version, owner, r.job_id,
         ranking.score_pair(facts, wanted_of(r.requirements, list(r.skills), r.title),
                            float(r.similarity), lexical[i], deps.embedder.model))
        for i, r in enumerate(rows)
    ]  # fmt: skip
    return scored, max(count, len(rows))


def nearest_postings(vector: list[float], owner: UUID | None, limit: int) -> sa.Select[Any]:
    """The postings a user may see, nearest first by cosine distance (the HNSW index)."""
    distance = postings.c.embedding.cosine_distance(vector)
    return (
        sa.select(postings.c.job_id, postings.c.skills, postings.c.requirements,
                  postings.c.title, postings.c.company, postings.c.location, postings.c.text,
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
    async with deps.engine.begin() as connection:
        await remember_threshold(connection, event)


async def remember_threshold(connection: AsyncConnection, event: ProfileUpdated) -> None:
    row = {"user_id": event.user_id,
           "match_threshold": event.profile.preferences.match_threshold}  # fmt: skip
    statement = insert(thresholds).values(row)
    await connection.execute(statement.on_conflict_do_update(
        index_elements=[thresholds.c.user_id],
        set_={"match_threshold": statement.excluded.match_threshold},
    ))  # fmt: skip


Scored = tuple[UUID, int, UUID, UUID, ranking.Score]
Run = tuple[UUID, int, UUID, int]  # resume id, version, owner, visible postings


async def store_and_announce(
    recorded: RecordedEvent | None, scored: list[Scored], deps: JobsDeps,
    announce: bool = True, run: Run | None = None,
) -> None:  # fmt: skip
    """Store the scores (and, for a version's own run, that it is complete) in one
    transaction; announce the strong ones."""
    if not scored and run is None:
        return
    now = datetime.now(UTC)
    rows = [
        {"resume_id": r, "resume_version": v, "owner_id": o, "job_id": j, "score": s.score,
         "explanation": s.explanation, "model": deps.embedder.model, "computed_at": now,
         "formula": ranking.FORMULA}
        for r, v, o, j, s in scored
    ]  # fmt: skip
    statement = insert(matches)
    async with deps.engine.begin() as connection:
        if rows:
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[matches.c.resume_id, matches.c.resume_version,
                                    matches.c.job_id],
                    set_={k: statement.excluded[k] for k in ("score", "explanation", "model",
                                                            "computed_at", "owner_id",
                                                            "formula")},
                ),
                rows,
            )  # fmt: skip
        if run is not None:
            resume_id, version, owner, visible = run
            done = {"resume_id": resume_id, "version": version, "owner_id": owner,
                    "status": "complete", "visible": visible, "candidates": len(rows),
                    "outside": max(0, visible - len(rows)), "formula": ranking.FORMULA,
                    "started_at": now, "finished_at": now}  # fmt: skip
            finished = insert(match_runs).values(done)
            await connection.execute(finished.on_conflict_do_update(
                index_elements=[match_runs.c.resume_id, match_runs.c.version],
                set_={k: finished.excluded[k] for k in ("status", "visible", "candidates",
                                                        "outside", "formula", "finished_at")},
            ))  # fmt: skip
        owners = {o for _, _, o, _, _ in scored}
        found = await connection.execute(
            sa.select(thresholds.c.user_id, thresholds.c.match_threshold)
            .where(thresholds.c.user_id.in_(owners))
        )  # fmt: skip
        limits = {row.user_id: row.match_threshold for row in found}
    await announcements.publish_scores(deps.events, recorded, ACTOR, scored,
                                       deps.embedder.model, now, run)  # fmt: skip
    if not announce or recorded is None:
        return
    for resume_id, version, owner, job_id, result in scored:
        if result.score >= limits.get(owner, DEFAULT_THRESHOLD):
            await _announce(recorded, job_id, owner, resume_id, version, result.score, deps)


async def _announce(
    recorded: RecordedEvent, job_id: UUID, user_id: UUID, resume_id: UUID, version: int,
    score: int, deps: JobsDeps,
) -> None:  # fmt: skip
    """JobMatched once per (user, job, resume version), whichever side arrived last."""
    matched = JobMatched(
        job_id=job_id,
        user_id=user_id,
        resume_id=resume_id,
        resume_version=version,
        score=score,
        model=deps.embedder.model,
    )
    context = EventContext.caused_by(recorded.envelope, ACTOR).with_owner(user_id)
    if await deps.repository.execute(Posting, job_id, lambda p: p.match(matched), context):
        log.info("job.matched", job_id=str(job_id), resume_id=str(resume_id), score=score)
