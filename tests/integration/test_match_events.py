"""The gateway's match lists come from the jobs service's events (MatchesScored), never from
its schema, and stay equal to what that service holds when a rescore changes the scores."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from jobtrail.cli.rescore import follow, request_rescore
from jobtrail.cli.settings import CliSettings
from jobtrail.gateway.readmodels import tables as gateway_tables
from jobtrail.jobs import handlers, ranking
from jobtrail.jobs.tables import match_runs, matches, postings
from tests.integration.test_jobs import BACKEND_RESUME, add_job, eventually
from tests.support.system import Caller, System, connection_settings

pytestmark = pytest.mark.integration

Scores = dict[str, tuple[int, str | None]]  # job id -> (score, formula)


async def _listed(caller: Caller, resume_id: str) -> tuple[dict[str, Any], Scores]:
    """The match list's last page (with its progress) and every posting in it, all pages."""
    found: Scores = {}
    cursor = None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = (await caller.get(f"/resumes/{resume_id}/matches", params=params)).json()
        for item in page["items"]:
            found[item["job_id"]] = (item["match"]["score"], item["match"]["formula"])
        cursor = page.get("next_cursor")
        if cursor is None:
            return page, found


async def _held_by_jobs(system: System, resume_id: str, user_id: str) -> Scores:
    """What the jobs service holds for the resume's version 1, among the postings the
    user may see (what the list shows)."""
    query = (
        sa.select(matches.c.job_id, matches.c.score, matches.c.formula)
        .join(postings, postings.c.job_id == matches.c.job_id)
        .where(matches.c.resume_id == UUID(resume_id), matches.c.resume_version == 1,
               postings.c.duplicate_of.is_(None),
               sa.or_(postings.c.owner_id == UUID(user_id), postings.c.owner_id.is_(None)))
    )  # fmt: skip
    async with system.engines["admin"].connect() as connection:
        return {str(r.job_id): (r.score, r.formula) for r in await connection.execute(query)}


async def _runs(system: System, resume_id: str) -> tuple[Any, Any]:
    """(the jobs service's run of version 1, the gateway's copy of it); None before one is."""
    theirs = gateway_tables.match_runs
    async with system.engines["admin"].connect() as connection:
        jobs_run = (await connection.execute(
            sa.select(match_runs.c.visible, match_runs.c.candidates, match_runs.c.outside,
                      match_runs.c.formula)
            .where(match_runs.c.resume_id == UUID(resume_id), match_runs.c.version == 1)
        )).one_or_none()  # fmt: skip
        gateway_run = (await connection.execute(
            sa.select(theirs.c.visible, theirs.c.candidates, theirs.c.outside, theirs.c.formula)
            .where(theirs.c.resume_id == UUID(resume_id), theirs.c.version == 1)
        )).one_or_none()  # fmt: skip
    return (tuple(jobs_run) if jobs_run else None), (tuple(gateway_run) if gateway_run else None)


async def _equal_to_jobs(system: System, caller: Caller, resume_id: str) -> Scores | None:
    page, listed = await _listed(caller, resume_id)
    held = await _held_by_jobs(system, resume_id, caller.user_id)
    jobs_run, gateway_run = await _runs(system, resume_id)
    if (
        jobs_run is not None
        and page["status"] == "complete"
        and listed == held
        and (jobs_run == gateway_run)
    ):
        return listed
    return None


async def test_the_match_list_equals_the_jobs_services_scores_after_a_rescore_changes_them(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = await system.user()
    own = [
        await add_job(ada, title=title, company="Initech", description=description)
        for title, description in (
            ("Python backend engineer", "Build Python services on PostgreSQL and FastAPI."),
            ("Registered nurse", "Patient care on a surgical ward."),
            ("Pastry chef", "Laminated doughs and plated desserts for a hotel kitchen."),
        )
    ]
    resume_id = await ada.upload("resume.json", json.dumps(BACKEND_RESUME).encode())
    assert (await ada.settled_resume(resume_id))["status"] == "parsed"
    before: Scores = await eventually(lambda: _equal_to_jobs(system, ada, resume_id))
    assert {job["job_id"] for job in own} <= set(before)
    assert max(score for score, _ in before.values()) > 0

    # A harsher fit lowers the scores; a run that takes only the nearest posting and the
    # nearest own one leaves the others out of its candidate set (the jobs service keeps
    # their earlier scores, and so must the list).
    fit_for = ranking.fit_for
    monkeypatch.setattr(ranking, "fit_for", lambda m: replace(fit_for(m), bias=fit_for(m).bias - 4))
    monkeypatch.setattr(handlers, "CANDIDATES", 1)
    monkeypatch.setattr(handlers, "OWN_CANDIDATES", 1)
    settings = CliSettings(**connection_settings(system.stack))
    rescore_id = await request_rescore(settings, "test: the fit changed")
    assert (await asyncio.wait_for(follow(settings, rescore_id, poll_seconds=0.1), 120))[
        "status"
    ] == "done"

    async def completed() -> bool:  # so no event of this run arrives after the test
        history = await system.deps.events.load("rescore", rescore_id)
        return [e.envelope.type for e in history.events][-1] == "RescoreCompleted"

    assert await eventually(completed)
    after: Scores = await eventually(lambda: _equal_to_jobs(system, ada, resume_id))
    changed = {job for job in before if after[job] != before[job]}
    assert changed, "the rescore changed no score"
    assert set(after) == set(before)  # scores outside the new candidate set are kept
    jobs_run, gateway_run = await _runs(system, resume_id)
    assert gateway_run == jobs_run
    assert jobs_run[1] < len(own)  # candidates: some of her postings dropped out of the run
    page, _ = await _listed(ada, resume_id)
    assert (page["status"], page["pending"], page["scored"]) == ("complete", 0, len(after))


async def test_the_gateway_role_may_not_read_the_jobs_services_scores(system: System) -> None:
    async with system.deps.engine.connect() as connection:
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            await connection.execute(sa.select(sa.func.count()).select_from(matches))
