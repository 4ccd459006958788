"""`jobtrail replay jobs` rebuilds the jobs service's tables from the log: lost rows come
back as they were, held rows are kept, and nothing is appended to the log."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from jobtrail.cli import operations
from jobtrail.jobs.ops import JobsSettings
from jobtrail.jobs.tables import match_runs, matches, postings, resume_vectors, thresholds
from tests.integration.test_jobs import BACKEND_RESUME, add_job, eventually
from tests.support.system import System, connection_settings, provisioned

pytestmark = pytest.mark.integration

Rows = dict[str, list[tuple[Any, ...]]]


async def _held(system: System, user_id: UUID, resume_id: UUID) -> Rows:
    """The jobs service's rows about one user, without their timestamps."""
    queries = {
        "postings": sa.select(postings.c.job_id, postings.c.title, postings.c.sha256,
                              postings.c.skills, postings.c.formula, postings.c.model)
        .where(postings.c.owner_id == user_id),
        "vectors": sa.select(resume_vectors.c.resume_id, resume_vectors.c.version,
                             resume_vectors.c.skills, resume_vectors.c.model)
        .where(resume_vectors.c.resume_id == resume_id),
        "matches": sa.select(matches.c.job_id, matches.c.resume_version, matches.c.score,
                             matches.c.explanation, matches.c.formula)
        .where(matches.c.resume_id == resume_id),
        "runs": sa.select(match_runs.c.version, match_runs.c.status, match_runs.c.visible,
                          match_runs.c.candidates, match_runs.c.outside, match_runs.c.formula)
        .where(match_runs.c.resume_id == resume_id),
        "thresholds": sa.select(thresholds.c.match_threshold)
        .where(thresholds.c.user_id == user_id),
    }  # fmt: skip
    async with system.engines["admin"].connect() as connection:
        return {
            name: sorted(tuple(row) for row in await connection.execute(query.order_by(None)))
            for name, query in queries.items()
        }


async def _forget(system: System, user_id: UUID, resume_id: UUID) -> None:
    """Lose every row the jobs service holds about the user, as a lost table would."""
    async with system.engines["admin"].begin() as connection:
        await connection.execute(sa.delete(matches).where(matches.c.resume_id == resume_id))
        await connection.execute(sa.delete(match_runs).where(match_runs.c.resume_id == resume_id))
        await connection.execute(
            sa.delete(resume_vectors).where(resume_vectors.c.resume_id == resume_id)
        )
        await connection.execute(sa.delete(postings).where(postings.c.owner_id == user_id))
        await connection.execute(sa.delete(thresholds).where(thresholds.c.user_id == user_id))


async def _appended_by_jobs_since(system: System, seq: int) -> list[str]:
    """Types of the events the jobs service appended after `seq` (other services' background
    work, a due follow-up for instance, may append meanwhile)."""
    return [
        recorded.envelope.type
        async for recorded in system.deps.events.read(start_seq=seq + 1)
        if recorded.envelope.actor == "service:jobs"
    ]


async def test_replaying_the_jobs_service_brings_lost_rows_back_as_they_were(
    system: System,
) -> None:
    grace = await system.user("Grace")
    profile = {"full_name": "Grace Hopper", "preferences": {"match_threshold": 65}}
    assert (await grace.put("/profiles/me", json=profile)).status_code == 200
    for title, description in (
        ("Python backend engineer", "Build Python services on PostgreSQL and FastAPI."),
        ("Data engineer", "Pipelines in Python and SQL on a cloud warehouse."),
    ):
        await add_job(grace, title=title, company="Initech", description=description)
    resume_id = await grace.upload("resume.json", json.dumps(BACKEND_RESUME).encode())
    assert (await grace.settled_resume(resume_id))["status"] == "parsed"
    user_id, resume = UUID(grace.user_id), UUID(resume_id)

    async def settled() -> Rows | None:
        held = await _held(system, user_id, resume)
        complete = [run for run in held["runs"] if run[1] == "complete"]
        done = len(held["postings"]) == 2 and complete and held["thresholds"]
        return held if done and len(held["matches"]) >= 2 else None

    before: Rows = await eventually(settled)
    await asyncio.sleep(0.5)  # let a posting's own scoring pass land too
    before = await _held(system, user_id, resume)
    log_end = await system.deps.events.last_sequence()

    await _forget(system, user_id, resume)
    assert all(rows == [] for rows in (await _held(system, user_id, resume)).values())

    urls = await asyncio.to_thread(provisioned, system.stack.database_url)
    settings = JobsSettings(**{**connection_settings(system.stack), "database_url": urls["jobs"]})
    rebuilt = await operations.replay_jobs(settings)

    assert await _held(system, user_id, resume) == before
    assert rebuilt.position >= log_end
    assert rebuilt.postings_indexed >= 2
    assert rebuilt.versions_embedded >= 1
    assert rebuilt.scores >= len(before["matches"])
    # Nothing appended: the scores came back from the service's own MatchesScored.
    assert await _appended_by_jobs_since(system, log_end) == []

    again = await operations.replay_jobs(settings)  # a second replay changes nothing
    assert await _held(system, user_id, resume) == before
    assert (again.postings_indexed, again.versions_embedded) == (0, 0)
