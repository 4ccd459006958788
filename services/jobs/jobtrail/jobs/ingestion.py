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

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
import structlog
from prometheus_client import Counter, Gauge
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert

from jobtrail.docstore import DocumentVersion, NewDocumentVersion, VersionConflict
from jobtrail.domain.ingestions import IngestionRun
from jobtrail.domain.postings import Posting
from jobtrail.events import EventContext, uuid7
from jobtrail.events.jobs import IngestionCompleted, JobPostingIngested, PostingSummary
from jobtrail.jobs import matching, ranking
from jobtrail.jobs.handlers import JobsDeps, dedup_key, skills_of
from jobtrail.jobs.sources import FeedError, FetchedPosting, JobSource
from jobtrail.jobs.tables import postings, source_status

ACTOR = "service:jobs"
NAMESPACE = UUID("5b3f8a4e-8d1c-4c1e-9a57-6a7f0c2f9e11")
EMBED_BATCH = 256
# Postings stored at once (document, indexed row, event): each waits on PostgreSQL and
# NATS round trips, so running several side by side is what makes a feed fast.
STORE_CONCURRENCY = 4  # below both connection pools' size: no connection churn

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


_Prepared = tuple[FetchedPosting, UUID, PostingSummary, dict[str, Any], dict[str, Any]]


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
        # A job id repeated within the batch is stored in a later round, after the first.
        rounds: list[list[tuple[_Prepared, list[float]]]] = []
        for entry, vector in zip(fresh, vectors.tolist(), strict=True):
            target = next((r for r in rounds if all(e[1] != entry[1] for e, _ in r)), None)
            if target is None:
                target = []
                rounds.append(target)
            target.append((entry, vector))
        for staged in rounds:
            await self._store_round(staged, known, result)

    async def _store_round(
        self, staged: list[tuple[_Prepared, list[float]]], known: dict[UUID, str],
        result: RunResult,
    ) -> None:  # fmt: skip
        """Documents side by side, then the events, then every indexed row in one statement."""
        duplicates = await self._duplicates([(e[1], e[2], v) for e, v in staged])
        slots = asyncio.Semaphore(STORE_CONCURRENCY)

        async def stage(index: int) -> tuple[dict[str, Any], JobPostingIngested]:
            (item, job_id, summary, posting, content), vector = staged[index]
            async with slots:
                return await self._store_one(item, job_id, summary, posting, content, vector,
                                             job_id in known, duplicates[index])  # fmt: skip

        async with asyncio.TaskGroup() as tasks:
            jobs = [tasks.create_task(stage(i)) for i in range(len(staged))]
        ready = [job.result() for job in jobs]
        rows = [row for row, _ in ready]

        async def announce(index: int) -> None:
            async with slots:
                await self._append(rows[index]["job_id"], ready[index][1])

        # Events before rows: a run that stops between the two (a crash, NATS or PostgreSQL
        # going away) leaves postings not yet indexed, which the next run stores again (its
        # append finds the event already in the log) and the jobs-postings consumer indexes
        # from the event. Rows first would leave them indexed, "unchanged", and never announced.
        async with asyncio.TaskGroup() as tasks:
            for index in range(len(ready)):
                tasks.create_task(announce(index))
        statement = insert(postings).values(rows)
        async with self._deps.engine.begin() as connection:
            await connection.execute(statement.on_conflict_do_update(
                index_elements=[postings.c.job_id],
                set_={k: statement.excluded[k] for k in rows[0] if k != "job_id"},
            ))  # fmt: skip
        for (entry, _), duplicate_of in zip(staged, duplicates, strict=True):
            item, job_id = entry[0], entry[1]
            seen = job_id in known
            outcome = "duplicate" if duplicate_of else ("updated" if seen else "added")
            if duplicate_of:
                result.duplicates += 1
            elif seen:
                result.updated += 1
            else:
                result.added += 1
            POSTINGS.labels(item.source, outcome).inc()

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
        duplicate_of: UUID | None,
    ) -> tuple[dict[str, Any], JobPostingIngested]:  # fmt: skip
        """Store the posting's document; its indexed row and its event, to be written."""
        key = dedup_key(summary.company, summary.title, summary.location)
        stored = await self._put_document(job_id, item, content, seen)
        version = stored.version
        wanted = ranking.requirements(posting)
        row = {
            "job_id": job_id, "owner_id": None, "source": item.source,
            "source_id": item.source_id, "title": summary.title, "company": summary.company,
            "location": summary.location, "dedup_key": key, "skills": skills_of(wanted),
            "requirements": wanted, "text": ranking.posting_text(posting),
            "formula": ranking.FORMULA, "document_version": version,
            "sha256": stored.sha256, "model": self._deps.embedder.model, "embedding": vector,
            "duplicate_of": duplicate_of, "updated_at": datetime.now(UTC),
        }  # fmt: skip
        event = JobPostingIngested(
            job_id=job_id, source=item.source, source_id=item.source_id,
            document_version=version, sha256=stored.sha256, summary=summary,
            duplicate_of=duplicate_of,
        )  # fmt: skip
        return row, event

    async def _put_document(
        self, job_id: UUID, item: FetchedPosting, content: dict[str, Any], seen: bool
    ) -> DocumentVersion:
        """The posting as the next version of its document; for a posting not indexed yet,
        version 1 is tried first (one round trip fewer than asking for the latest)."""
        documents = self._deps.documents
        version = (await documents.latest_version(job_id) or 0) + 1 if seen else 1
        for attempt in range(2):
            try:
                return await documents.put(NewDocumentVersion(
                    doc_id=job_id, version=version,
                    parent_version=version - 1 if version > 1 else None,
                    kind="job_posting", source="import", content=content,
                    metadata={"source": item.source, "source_id": item.source_id},
                ))  # fmt: skip
            except VersionConflict:
                if attempt:
                    raise
                version = (await documents.latest_version(job_id) or 0) + 1
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def _duplicates(
        self, batch: list[tuple[UUID, PostingSummary, list[float]]]
    ) -> list[UUID | None]:
        """What each posting duplicates, in feed order, as if stored one by one: the
        first visible, unlinked posting with its company, title and place, else the
        nearest one of its company if its cosine reaches `duplicate_similarity`; earlier
        postings of the batch count as stored. One query for the whole batch."""
        keys = [dedup_key(s.company, s.title, s.location) for _, s, _ in batch]
        firms = {(s.company or "").lower() for _, s, _ in batch}
        company = sa.func.lower(postings.c.company)
        query = sa.select(postings.c.job_id, postings.c.dedup_key, company.label("firm"),
                          postings.c.embedding).where(
            postings.c.owner_id.is_(None), postings.c.duplicate_of.is_(None),
            sa.or_(postings.c.dedup_key.in_(keys), company.in_(firms)),
        )  # fmt: skip
        async with self._deps.engine.connect() as connection:
            found = (await connection.execute(query)).all()
        key_of: dict[UUID, str] = {}
        firm_of: dict[UUID, str | None] = {}
        vector_of: dict[UUID, npt.NDArray[np.float32]] = {}
        linked: dict[UUID, bool] = {}
        for row in found:
            job = UUID(str(row.job_id))
            key_of[job], firm_of[job], linked[job] = row.dedup_key, row.firm, False
            vector_of[job] = np.asarray(row.embedding, dtype=np.float32)
        answers: list[UUID | None] = []
        for (job_id, summary, vector), key in zip(batch, keys, strict=True):
            firm = (summary.company or "").lower()
            live = [j for j in key_of if j != job_id and not linked[j]]
            answer = next((j for j in live if key_of[j] == key), None)
            peers = [j for j in live if firm_of[j] == firm]
            if answer is None and peers:
                mine = np.asarray(vector, dtype=np.float32)
                similarity = np.stack([vector_of[j] for j in peers]) @ mine
                best = int(np.argmax(similarity))
                if float(similarity[best]) >= self._duplicate_similarity:
                    answer = peers[best]
            answers.append(answer)
            key_of[job_id], firm_of[job_id] = key, firm
            vector_of[job_id] = np.asarray(vector, dtype=np.float32)
            linked[job_id] = answer is not None
        return answers

    async def _append(self, job_id: UUID, event: JobPostingIngested) -> None:
        context = EventContext(actor=ACTOR, correlation_id=f"ingest-{uuid7()}")
        await self._deps.repository.execute(
            Posting, job_id, lambda posting: posting.ingest(event), context
        )

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
        await self._deps.repository.execute(
            IngestionRun, completed.ingestion_id, lambda run: run.complete(completed), ctx
        )
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
