"""Background upkeep of the jobs service: vectors another model made are re-embedded, and
`jobtrail rescore` runs re-score every resume's latest version under the current formula,
a batch at a time, with progress in `jobs.rescores` and two gauges."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from prometheus_client import Gauge
from sqlalchemy.dialects.postgresql import distinct_on, insert

from jobtrail.docstore import DocumentNotFound
from jobtrail.events import (
    RecordedEvent,
)
from jobtrail.events.jobs import (
    RescoreRequested,
)
from jobtrail.jobs import announcements, matching, ranking
from jobtrail.jobs.domain.rescores import Rescore
from jobtrail.jobs.handlers import (
    ACTOR,
    JobsDeps,
    facts_of,
    score_version,
    skills_of,
    store_and_announce,
)
from jobtrail.jobs.tables import (
    postings,
    rescores,
    resume_vectors,
)

log = structlog.get_logger("jobtrail.jobs.upkeep")

RESCORE_DONE = Gauge("jobtrail_rescore_done", "Items the running re-scoring run has done.",
                     ["kind"])  # fmt: skip
RESCORE_TOTAL = Gauge("jobtrail_rescore_total", "Items the running re-scoring run must do.",
                      ["kind"])  # fmt: skip


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


# --- background re-scoring (`jobtrail rescore`) -------------------------------------------


async def on_rescore_requested(recorded: RecordedEvent, deps: JobsDeps) -> None:
    """On RescoreRequested: open a run (once) for the background re-scorer to work through."""
    event = recorded.event
    if not isinstance(event, RescoreRequested):
        return
    now = datetime.now(UTC)
    async with deps.engine.begin() as connection:
        stale = (await connection.execute(
            sa.select(sa.func.count()).select_from(postings)
            .where(postings.c.formula.is_distinct_from(ranking.FORMULA))
        )).scalar()  # fmt: skip
        resumes = (await connection.execute(
            sa.select(sa.func.count(sa.distinct(resume_vectors.c.resume_id)))
        )).scalar()  # fmt: skip
        await connection.execute(insert(rescores).values(
            rescore_id=event.rescore_id, status="running", formula=ranking.FORMULA,
            postings_total=int(stale or 0), postings_done=0, resumes_total=int(resumes or 0),
            resumes_done=0, cursor=None, requested_at=now, updated_at=now, finished_at=None,
        ).on_conflict_do_nothing())  # fmt: skip
    log.info("rescore.requested", rescore_id=str(event.rescore_id), postings=stale,
             resumes=resumes)  # fmt: skip


async def rescore_in_background(
    deps: JobsDeps, stop: asyncio.Event, batch: int = 16, idle_seconds: float = 1.0
) -> None:
    """Work through open re-scoring runs a batch at a time (copies of the service share
    the work: each batch locks its run's row)."""
    while not stop.is_set():
        try:
            worked = await rescore_step(deps, batch)
        except Exception:  # a failing batch is tried again; the service stays up
            log.exception("rescore.batch_failed")
            worked = False
        if not worked:
            try:
                await asyncio.wait_for(stop.wait(), idle_seconds)
            except TimeoutError:
                continue


async def rescore_step(deps: JobsDeps, batch: int) -> bool:
    """One batch of the oldest open run: stale postings first, then resumes by id.
    False when no run is open."""
    async with deps.engine.connect() as lock:
        run = (await lock.execute(
            sa.select(rescores).where(rescores.c.status == "running")
            .order_by(rescores.c.requested_at).limit(1).with_for_update(skip_locked=True)
        )).first()  # fmt: skip
        if run is None:
            await lock.rollback()
            return False
        changes: dict[str, Any] = {"updated_at": datetime.now(UTC)}
        refreshed = await _refresh_postings(deps, batch)
        if refreshed:
            changes["postings_done"] = min(run.postings_total, run.postings_done + refreshed)
        else:
            done, last = await _rescore_resumes(deps, run.cursor, batch)
            changes |= {"resumes_done": run.resumes_done + done, "cursor": last or run.cursor}
            if done < batch:
                changes |= {
                    "status": "done",
                    "finished_at": datetime.now(UTC),
                    "postings_done": run.postings_total,
                    "resumes_done": max(run.resumes_total, run.resumes_done + done),
                }
        await lock.execute(
            rescores.update().where(rescores.c.rescore_id == run.rescore_id).values(**changes)
        )
        await lock.commit()
    RESCORE_TOTAL.labels("postings").set(run.postings_total)
    RESCORE_TOTAL.labels("resumes").set(run.resumes_total)
    RESCORE_DONE.labels("postings").set(changes.get("postings_done", run.postings_done))
    RESCORE_DONE.labels("resumes").set(changes.get("resumes_done", run.resumes_done))
    if changes.get("status") == "done":
        await _complete_rescore(deps, run.rescore_id, changes)
    return True


async def _refresh_postings(deps: JobsDeps, batch: int) -> int:
    """Extract again the requirements of postings an older formula indexed."""
    async with deps.engine.connect() as connection:
        stale = (await connection.execute(
            sa.select(postings.c.job_id, postings.c.document_version)
            .where(postings.c.formula.is_distinct_from(ranking.FORMULA)).limit(batch)
        )).all()  # fmt: skip
    for job_id, version in stale:
        try:
            content = (await deps.documents.get(job_id, version)).content.get("posting", {})
        except DocumentNotFound:
            content = None
        async with deps.engine.begin() as connection:
            if content is None:  # nothing to read it from: keep it, never retry it
                values: dict[str, Any] = {"formula": ranking.FORMULA}
            else:
                wanted = ranking.requirements(content)
                values = {
                    "requirements": wanted,
                    "skills": skills_of(wanted),
                    "text": ranking.posting_text(content),
                    "formula": ranking.FORMULA,
                }
            await connection.execute(
                postings.update().where(postings.c.job_id == job_id).values(**values)
            )
    held = await deps.store.requirements([job_id for job_id, _ in stale])
    await announcements.publish_requirements(held, deps.events, None, ACTOR)
    return len(stale)


async def _rescore_resumes(
    deps: JobsDeps, after: UUID | None, batch: int
) -> tuple[int, UUID | None]:
    """Score again the latest version of the next `batch` resumes (ordered by id)."""
    latest = (
        sa.select(resume_vectors)
        .ext(distinct_on(resume_vectors.c.resume_id))
        .order_by(resume_vectors.c.resume_id, resume_vectors.c.version.desc())
        .limit(batch)
    )
    if after is not None:
        latest = latest.where(resume_vectors.c.resume_id > after)
    async with deps.engine.connect() as connection:
        rows = (await connection.execute(latest)).all()
    for row in rows:
        facts, text = row.facts, row.text
        try:
            document = await deps.documents.get(row.resume_id, row.version)
            _, text = matching.resume_profile(document.content)
            facts = ranking.resume_facts(document.content)
        except DocumentNotFound:
            facts = facts_of(facts, list(row.skills), list(row.bullets))
            text = text or "\n".join([", ".join(row.skills), *row.bullets])
        async with deps.engine.begin() as connection:
            await connection.execute(
                resume_vectors.update()
                .where(resume_vectors.c.resume_id == row.resume_id,
                       resume_vectors.c.version == row.version)
                .values(facts=facts, text=text)
            )  # fmt: skip
        vector = [float(x) for x in row.embedding]
        scored, visible = await score_version(
            deps, row.resume_id, row.version, row.owner_id, facts, text, vector
        )
        await store_and_announce(
            None,
            scored,
            deps,
            announce=False,
            run=(row.resume_id, row.version, row.owner_id, visible),
        )
    return len(rows), (rows[-1].resume_id if rows else None)


async def _complete_rescore(deps: JobsDeps, rescore_id: UUID, changes: dict[str, Any]) -> None:
    completed = await deps.repository.execute(
        Rescore,
        rescore_id,
        lambda rescore: rescore.complete(
            changes["postings_done"], changes["resumes_done"], ranking.FORMULA
        ),
        lambda rescore: rescore.context(ACTOR),
    )
    if not completed:  # another copy completed it
        return
    log.info("rescore.completed", rescore_id=str(rescore_id), **{k: changes[k] for k in
             ("postings_done", "resumes_done")})  # fmt: skip
