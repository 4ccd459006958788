"""The jobs service's consumers: index postings, score resume versions, keep thresholds.

Idempotent without an inbox: indexing and scoring are upserts of values computed from
the same inputs, and `JobMatched` is appended only if the job's own events do not hold
it yet for that (user, resume, version); its id derives from the cause besides.

Nothing is skipped between the two sides: a posting is committed before it is scored
against the resume versions stored so far, and a resume version is committed before it is
scored against the postings stored so far, so whichever commits second sees the other.
Each version's run is recorded in `match_runs` (complete, with how many visible postings
were outside its candidate set) for `GET /resumes/{id}/matches` to say how complete it is.

The handlers hold no SQL: the tables are the `JobsStore` port (`ports.py`, implemented by
`adapters/store.py`), and the use cases take `ScoringDeps`, which unit tests fake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.docstore import DocumentNotFound, DocumentStore, DocumentVersion
from jobtrail.domain.postings import Posting
from jobtrail.eventlog import EventStore, PermanentFailure
from jobtrail.eventlog.aggregates import EventLog as AggregateLog
from jobtrail.eventlog.aggregates import Repository
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.jobs import (
    JobMatched,
    JobPostingAdded,
    JobPostingDeleted,
    JobPostingIngested,
)
from jobtrail.events.resumes import ResumeDeleted, ResumeVersionCreated
from jobtrail.events.users import AccountErased, ProfileUpdated
from jobtrail.jobs import announcements, matching, ranking
from jobtrail.jobs.announcements import Publisher
from jobtrail.jobs.embedding import Embedder
from jobtrail.jobs.ports import JobsStore, PostingText

ACTOR = "service:jobs"
DEFAULT_THRESHOLD = 70
CANDIDATES = 200
# A user's own postings join the candidates whatever their distance, up to this many.
OWN_CANDIDATES = 1000
REFERENCE = 100  # postings a new posting's BM25 is measured among

log = structlog.get_logger("jobtrail.jobs")


class EventLog(AggregateLog, Publisher, Protocol):
    """The event log as the handlers use it: aggregates, and announcements published."""


class ScoringDeps(Protocol):
    """What the consumers' use cases need; `JobsDeps` in the service, fakes in unit tests."""

    @property
    def store(self) -> JobsStore: ...

    @property
    def events(self) -> EventLog: ...

    @property
    def documents(self) -> DocumentReader: ...

    @property
    def embedder(self) -> Embedder: ...


class DocumentReader(Protocol):
    async def get(self, doc_id: UUID, version: int | None = None) -> DocumentVersion: ...


@dataclass
class JobsDeps:
    engine: AsyncEngine  # for the runs that still hold SQL of their own (ingestion, upkeep)
    events: EventStore
    documents: DocumentStore
    embedder: Embedder
    store: JobsStore

    @property
    def repository(self) -> Repository:
        return Repository(self.events)


def dedup_key(company: str | None, title: str, location: str | None) -> str:
    """Same company, title and place: one posting, wherever it was found (company names
    compared by letters and digits only: "Acme Inc" and "acme-inc" are one)."""
    firm = re.sub(r"[^a-z0-9]+", "", str(company or "").lower())
    return "|".join([firm, *(" ".join(str(p or "").lower().split()) for p in (title, location))])


async def on_posting(recorded: RecordedEvent, deps: ScoringDeps) -> None:
    """On JobPostingAdded/Ingested: make sure it is indexed, then score it. On
    JobPostingDeleted: drop it and its scores."""
    event = recorded.event
    if isinstance(event, JobPostingDeleted):
        await deps.store.forget_posting(event.job_id)
        return
    if not isinstance(event, JobPostingAdded | JobPostingIngested):
        return
    owner = event.user_id if isinstance(event, JobPostingAdded) else None
    await ensure_indexed(deps, event, owner)
    await announcements.publish_requirements(
        await deps.store.requirements([event.job_id]), deps.events, recorded, ACTOR
    )
    await score_posting(recorded, event.job_id, owner, deps)


async def ensure_indexed(
    deps: ScoringDeps, event: JobPostingAdded | JobPostingIngested, owner: UUID | None
) -> bool:
    """Index the posting unless it is indexed from the same document and formula; whether
    it was (re)indexed."""
    if await deps.store.posting_fingerprint(event.job_id) == (event.sha256, ranking.FORMULA):
        return False
    await index_posting(deps, event, owner)
    return True


async def index_posting(
    deps: ScoringDeps, event: JobPostingAdded | JobPostingIngested, owner: UUID | None
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
    await deps.store.save_posting({
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
    })  # fmt: skip


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


def posting_text(posting: PostingText) -> str:
    if posting.text:
        return posting.text
    fields = {"title": posting.title, "company": posting.company,
              "location": posting.location, "skills": posting.skills}  # fmt: skip
    return ranking.posting_text(fields)


async def score_posting(
    recorded: RecordedEvent, job_id: UUID, owner: UUID | None, deps: ScoringDeps
) -> None:
    """Score one posting against the latest version of each resume that may see it."""
    this = await deps.store.posting(job_id)
    if this is None:
        return
    versions = await deps.store.versions_near(job_id, owner)
    if not versions:
        return
    # BM25 needs other postings to weigh words by: the ones nearest this one.
    reference = await deps.store.reference_postings(this, owner, REFERENCE)
    lexicon = ranking.Lexicon([posting_text(this), *(posting_text(r) for r in reference)])
    wanted = wanted_of(this.requirements, this.skills, this.title)
    scored = []
    for near in versions:
        facts = facts_of(near.facts, near.skills, near.bullets)
        text = near.text or "\n".join([", ".join(near.skills), *near.bullets])
        lexical = lexicon.relative(text)[0]
        result = ranking.score_pair(facts, wanted, near.similarity, lexical, deps.embedder.model)
        scored.append((near.resume_id, near.version, near.owner_id, job_id, result))
    await store_and_announce(recorded, scored, deps)


async def on_resume_version(recorded: RecordedEvent, deps: ScoringDeps) -> None:
    """On ResumeVersionCreated: embed the version and score the nearest postings. On
    ResumeDeleted: drop the resume's vectors, scores and runs."""
    event = recorded.event
    if isinstance(event, ResumeDeleted):
        await deps.store.forget_resume(event.resume_id)
        return
    if not isinstance(event, ResumeVersionCreated):
        return
    vector_row = await embed_version(recorded, event, deps)
    owner, facts, text = vector_row["owner_id"], vector_row["facts"], vector_row["text"]
    run = {
        "resume_id": event.resume_id, "version": event.version, "owner_id": owner,
        "status": "scoring", "visible": 0, "candidates": 0, "outside": 0,
        "formula": ranking.FORMULA, "started_at": datetime.now(UTC), "finished_at": None,
    }  # fmt: skip
    # Committed before postings are read: a posting committed meanwhile either is read
    # here or, scored on its own side, finds this version (see the module's docstring).
    await deps.store.save_version(vector_row, run)
    scored, visible = await score_version(
        deps, event.resume_id, event.version, owner, facts, text, vector_row["embedding"]
    )
    await store_and_announce(recorded, scored, deps, announce=not event.proposal,
                              run=(event.resume_id, event.version, owner, visible))  # fmt: skip


async def embed_version(
    recorded: RecordedEvent, event: ResumeVersionCreated, deps: ScoringDeps
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


async def score_version(
    deps: ScoringDeps, resume_id: UUID, version: int, owner: UUID, facts: dict[str, Any],
    text: str, vector: list[float],
) -> tuple[list[Scored], int]:  # fmt: skip
    """Score a resume version against its candidate set (the CANDIDATES nearest visible
    postings, plus the user's own postings); also how many postings it could see."""
    candidates, count = await deps.store.candidates(vector, owner, CANDIDATES, OWN_CANDIDATES)
    lexical = ranking.lexical_scores(text, [posting_text(c) for c in candidates])
    scored: list[Scored] = [
        (resume_id, version, owner, c.job_id,
         ranking.score_pair(facts, wanted_of(c.requirements, c.skills, c.title),
                            c.similarity, lexical[i], deps.embedder.model))
        for i, c in enumerate(candidates)
    ]  # fmt: skip
    return scored, max(count, len(candidates))


async def on_profile(recorded: RecordedEvent, deps: ScoringDeps) -> None:
    """On ProfileUpdated: remember the job seeker's match threshold. On AccountErased: drop
    everything held for the account."""
    event = recorded.event
    if isinstance(event, ProfileUpdated):
        await deps.store.save_threshold(event.user_id, event.profile.preferences.match_threshold)
    elif isinstance(event, AccountErased):
        await deps.store.forget_owner(event.user_id)


Scored = tuple[UUID, int, UUID, UUID, ranking.Score]
Run = tuple[UUID, int, UUID, int]  # resume id, version, owner, visible postings


async def store_and_announce(
    recorded: RecordedEvent | None, scored: list[Scored], deps: ScoringDeps,
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
    done = None
    if run is not None:
        resume_id, version, owner, visible = run
        done = {"resume_id": resume_id, "version": version, "owner_id": owner,
                "status": "complete", "visible": visible, "candidates": len(rows),
                "outside": max(0, visible - len(rows)), "formula": ranking.FORMULA,
                "started_at": now, "finished_at": now}  # fmt: skip
    limits = await deps.store.save_scores(rows, done)
    await announcements.publish_scores(deps.events, recorded, ACTOR, scored,
                                       deps.embedder.model, now, run)  # fmt: skip
    if not announce or recorded is None:
        return
    for resume_id, version, owner, job_id, result in scored:
        if result.score >= limits.get(owner, DEFAULT_THRESHOLD):
            await _announce(recorded, job_id, owner, resume_id, version, result.score, deps)


async def _announce(
    recorded: RecordedEvent, job_id: UUID, user_id: UUID, resume_id: UUID, version: int,
    score: int, deps: ScoringDeps,
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
    repository = Repository(deps.events)
    if await repository.execute(Posting, job_id, lambda p: p.match(matched), context):
        log.info("job.matched", job_id=str(job_id), resume_id=str(resume_id), score=score)
