"""Running a feed: fetch, embed, link near-duplicates, store, record — one run at a time.

Postings are upserted by (source, source id): the job id is derived from them, a posting
seen before with the same content changes nothing, a changed one becomes a new version of
its document. A posting with the same company, title and place as an earlier one, or an
embedding closer than `duplicate_similarity` to one of the same company, is linked to it
(`duplicate_of`) and not listed twice. A failing feed is recorded and reported (readyz,
metrics) and never stops the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

import sqlalchemy as sa
import structlog
from prometheus_client import Counter, Gauge
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert

from jobtrail.docstore import NewDocumentVersion
from jobtrail.events import ConcurrencyConflict, EventContext, uuid7
from jobtrail.events.jobs import IngestionCompleted, JobPostingIngested, PostingSummary
from jobtrail.jobs import matching
from jobtrail.jobs.handlers import JobsDeps, dedup_key, upsert_posting
from jobtrail.jobs.sources import FeedError, FetchedPosting, JobSource
from jobtrail.jobs.tables import postings, source_status

ACTOR = "service:jobs"
NAMESPACE = UUID("5b3f8a4e-8d1c-4c1e-9a57-6a7f0c2f9e11")
EMBED_BATCH = 64

log = structlog.get_logger("jobtrail.jobs.ingestion")

RUNS = Counter("jobtrail_ingestion_runs_total", "Feed runs, by outcome.", ["source", "outcome"])
POSTINGS = Counter(
    "jobtrail_ingestion_postings_total", "Postings a feed delivered, by what became of them.",
    ["source", "outcome"],
)  # fmt: skip
SOURCE_UP = Gauge("jobtrail_ingestion_source_up", "1 if the feed's last run worked.", ["source"])

Progress = Callable[[str, int, int], None]


@dataclass
class RunResult:
    source: str
    fetched: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def error(self) -> str | None:
        return "; ".join(self.errors) or None


def job_id_of(source: str, source_id: str) -> UUID:
    return uuid5(NAMESPACE, f"{source}\x00{source_id}")


class Ingestion:
    """Runs the configured feeds; `run(name)` is what the schedule, the API and the CLI use."""

    def __init__(
        self,
        deps: JobsDeps,
        sources: Mapping[str, Sequence[JobSource]],
        duplicate_similarity: float = 0.97,
    ) -> None:
        self._deps = deps
        self.sources = dict(sources)
        self._duplicate_similarity = duplicate_similarity
        self.failing: dict[str, str] = {}

    async def run(
        self,
        name: str,
        *,
        ingestion_id: UUID | None = None,
        context: EventContext | None = None,
        progress: Progress | None = None,
        wait_for_lock: bool = True,
    ) -> RunResult | None:
        """Run every feed of `name` under a cross-process lock; None if another copy of
        the service is running it and `wait_for_lock` is False."""
        if name not in self.sources:
            known = ", ".join(sorted(self.sources)) or "none"
            result = RunResult(name, errors=[f"no source named {name!r} (configured: {known})"])
            await self._complete(name, ingestion_id, result, context)
            return result
        async with self._deps.engine.connect() as lock_connection:
            lock = sa.func.pg_advisory_lock if wait_for_lock else sa.func.pg_try_advisory_lock
            key = sa.func.hashtext(f"jobtrail-ingest:{name}")
            got = (await lock_connection.execute(sa.select(lock(key)))).scalar()
            if got is False:
                return None
            try:
                result = await self._run_feeds(name, progress)
            finally:
                await lock_connection.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                await lock_connection.commit()
        await self._complete(name, ingestion_id, result, context)
        return result

    async def _run_feeds(self, name: str, progress: Progress | None) -> RunResult:
        result = RunResult(name)
        for feed in self.sources[name]:
            try:
                fetched = await feed.fetch()
            except FeedError as failed:
                result.errors.append(str(failed))
                log.warning("ingestion.feed_failed", source=feed.name, error=str(failed))
                continue
            result.fetched += len(fetched)
            for start in range(0, len(fetched), EMBED_BATCH):
                await self._store(fetched[start : start + EMBED_BATCH], result)
                if progress is not None:
                    progress(feed.name, min(start + EMBED_BATCH, len(fetched)), len(fetched))
        return result

    async def _store(self, batch: list[FetchedPosting], result: RunResult) -> None:
        prepared = []
        for item in batch:
            fields = {k: v for k, v in item.posting.items() if k in PostingSummary.model_fields}
            try:
                summary = PostingSummary.model_validate(fields)
            except ValidationError:
                result.skipped += 1
                POSTINGS.labels(item.source, "invalid").inc()
                continue
            posting = {**summary.model_dump(mode="json"),
                       "description": str(item.posting.get("description") or "")}  # fmt: skip
            job_id = job_id_of(item.source, item.source_id)
            content = {"posting": posting, "raw": item.raw, "format": item.source}
            prepared.append((item, job_id, summary, posting, content))
        if not prepared:
            return
        known = await self._known([p[1] for p in prepared])
        fresh = []
        for entry in prepared:
            item, job_id, _, _, content = entry
            probe = NewDocumentVersion(doc_id=job_id, version=1, kind="job_posting",
                                       source="import", content=content)  # fmt: skip
            if known.get(job_id) == probe.sha256:
                result.unchanged += 1
                POSTINGS.labels(item.source, "unchanged").inc()
            else:
                fresh.append(entry)
        if not fresh:
            return
        vectors = await self._deps.embedder.embed([matching.posting_text(e[3]) for e in fresh])
        for (item, job_id, summary, posting, content), vector in zip(fresh, vectors, strict=True):
            await self._store_one(item, job_id, summary, posting, content, vector.tolist(),
                                  job_id in known, result)  # fmt: skip

    async def _known(self, job_ids: list[UUID]) -> dict[UUID, str]:
        async with self._deps.engine.connect() as connection:
            rows = await connection.execute(
                sa.select(postings.c.job_id, postings.c.sha256).where(
                    postings.c.job_id.in_(job_ids)
                )
            )
            return {r.job_id: r.sha256 for r in rows}

    async def _store_one(
        self, item: FetchedPosting, job_id: UUID, summary: PostingSummary,
        posting: dict[str, Any], content: dict[str, Any], vector: list[float], seen: bool,
        result: RunResult,
    ) -> None:  # fmt: skip
        key = dedup_key(summary.company, summary.title, summary.location)
        duplicate_of = await self._duplicate_of(job_id, key, summary.company, vector)
        documents = self._deps.documents
        version = (await documents.latest_version(job_id) or 0) + 1
        stored = await documents.put(NewDocumentVersion(
            doc_id=job_id, version=version, parent_version=version - 1 if version > 1 else None,
            kind="job_posting", source="import", content=content,
            metadata={"source": item.source, "source_id": item.source_id},
        ))  # fmt: skip
        profile = matching.posting_profile(posting)
        row = {
            "job_id": job_id, "owner_id": None, "source": item.source,
            "source_id": item.source_id, "title": summary.title, "company": summary.company,
            "location": summary.location, "dedup_key": key, "skills": profile.skills,
            "requirements": profile.requirements, "document_version": version,
            "sha256": stored.sha256, "model": self._deps.embedder.model, "embedding": vector,
            "duplicate_of": duplicate_of, "updated_at": datetime.now(UTC),
        }  # fmt: skip
        async with self._deps.engine.begin() as connection:
            await upsert_posting(connection, row)
        event = JobPostingIngested(
            job_id=job_id, source=item.source, source_id=item.source_id,
            document_version=version, sha256=stored.sha256, summary=summary,
            duplicate_of=duplicate_of,
        )  # fmt: skip
        await self._append(job_id, event)
        outcome = "duplicate" if duplicate_of else ("updated" if seen else "added")
        if duplicate_of:
            result.duplicates += 1
        elif seen:
            result.updated += 1
        else:
            result.added += 1
        POSTINGS.labels(item.source, outcome).inc()

    async def _duplicate_of(
        self, job_id: UUID, key: str, company: str | None, vector: list[float]
    ) -> UUID | None:
        distance = postings.c.embedding.cosine_distance(vector)
        same_key = (
            sa.select(postings.c.job_id)
            .where(postings.c.dedup_key == key, postings.c.job_id != job_id,
                   postings.c.owner_id.is_(None), postings.c.duplicate_of.is_(None))
            .limit(1)
        )  # fmt: skip
        near = (
            sa.select(postings.c.job_id, distance.label("distance"))
            .where(postings.c.owner_id.is_(None), postings.c.job_id != job_id,
                   postings.c.duplicate_of.is_(None),
                   sa.func.lower(postings.c.company) == (company or "").lower())
            .order_by(distance)
            .limit(1)
        )  # fmt: skip
        async with self._deps.engine.connect() as connection:
            found = (await connection.execute(same_key)).scalar()
            if found is not None:
                return UUID(str(found))
            nearest = (await connection.execute(near)).first()
        if nearest is not None and 1 - float(nearest.distance) >= self._duplicate_similarity:
            return UUID(str(nearest.job_id))
        return None

    async def _append(self, job_id: UUID, event: JobPostingIngested) -> None:
        context = EventContext(actor=ACTOR, correlation_id=f"ingest-{uuid7()}")
        for attempt in range(3):
            history = await self._deps.events.load("job", job_id)
            if any(e.envelope.type == "JobPostingIngested"
                   and e.envelope.data.get("sha256") == event.sha256
                   for e in history.events):  # fmt: skip
                return
            try:
                await self._deps.events.append(history, [event], context)
                return
            except ConcurrencyConflict:
                if attempt == 2:
                    raise

    async def _complete(
        self, name: str, ingestion_id: UUID | None, result: RunResult,
        context: EventContext | None,
    ) -> None:  # fmt: skip
        now = datetime.now(UTC)
        failed = result.error is not None
        RUNS.labels(name, "failed" if failed else "ok").inc()
        SOURCE_UP.labels(name).set(0 if failed else 1)
        if failed:
            self.failing[name] = result.error or ""
        else:
            self.failing.pop(name, None)
        row = {"source": name, "last_run_at": now, "last_error": result.error,
               "last_success_at": None if failed else now,
               "consecutive_failures": 1 if failed else 0}  # fmt: skip
        statement = insert(source_status).values(row)
        update: dict[str, Any] = {
            "last_run_at": now, "last_error": result.error,
            "consecutive_failures": (source_status.c.consecutive_failures + 1) if failed else 0,
        }  # fmt: skip
        if not failed:
            update["last_success_at"] = now
        async with self._deps.engine.begin() as connection:
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[source_status.c.source], set_=update
                )
            )
        completed = IngestionCompleted(
            ingestion_id=ingestion_id or uuid7(), source=name, fetched=result.fetched,
            added=result.added, updated=result.updated, duplicates=result.duplicates,
            error=result.error,
        )  # fmt: skip
        ctx = context or EventContext(actor=ACTOR, correlation_id=f"ingest-{uuid7()}")
        history = await self._deps.events.load("ingestion", completed.ingestion_id)
        if not any(e.envelope.type == "IngestionCompleted" for e in history.events):
            await self._deps.events.append(history, [completed], ctx)
        log.info(
            "ingestion.completed",
            source=name,
            fetched=result.fetched,
            added=result.added,
            updated=result.updated,
            duplicates=result.duplicates,
            error=result.error,
        )

    def check(self, name: str) -> Callable[[], Awaitable[None]]:
        """A /readyz check: fails, with the error, while the feed's last run failed."""

        async def feed_ok() -> None:
            if name in self.failing:
                raise FeedError(self.failing[name])

        return feed_ok

    async def schedule(self, name: str, every_minutes: float, stop: asyncio.Event) -> None:
        """Run `name` every N minutes; copies of the service skip a run another holds."""
        while not stop.is_set():
            try:
                await self.run(name, wait_for_lock=False)
            except Exception:  # a bug in one feed's run must not end the schedule
                log.exception("ingestion.run_crashed", source=name)
            try:
                await asyncio.wait_for(stop.wait(), every_minutes * 60)
            except TimeoutError:
                continue
