"""Match lists that say how complete they are, requirements read from descriptions, and
re-scoring in the background (`jobtrail rescore`)."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from jobtrail.cli.rescore import follow, request_rescore, rescore_status
from jobtrail.cli.settings import CliSettings
from jobtrail.events import RecordedEvent
from jobtrail.events.ids import uuid7
from jobtrail.gateway.readmodels.tables import match_scores
from jobtrail.jobs import handlers, ranking
from jobtrail.jobs.adapters.static import StaticEmbedder
from jobtrail.jobs.adapters.store import PostgresJobsStore
from jobtrail.jobs.declarations import SERVICE as JOBS
from jobtrail.jobs.handlers import JobsDeps, on_posting
from jobtrail.jobs.tables import matches, postings
from tests.integration.test_jobs import BACKEND_RESUME, add_job, eventually
from tests.support.system import Caller, System, connection_settings

DATA_ENGINEER = (
    "About us\nWe move data for hospitals.\n\n"
    "Requirements:\n- 5+ years of experience with Python\n- Strong SQL and Airflow\n\n"
    "Nice to have:\n- Kafka\n- Terraform is a plus\n"
)


async def _resume(caller: Caller, document: dict[str, Any]) -> str:
    resume_id = await caller.upload("resume.json", json.dumps(document).encode())
    assert (await caller.settled_resume(resume_id))["status"] == "parsed"
    return resume_id


async def _complete(caller: Caller, resume_id: str) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        response = await caller.get(f"/resumes/{resume_id}/matches")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body if body["status"] == "complete" else None

    found: dict[str, Any] = await eventually(done)
    return found


async def _matched(caller: Caller, resume_id: str) -> set[str]:
    """Every posting in the resume's match list, all pages."""
    found: set[str] = set()
    cursor = None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = (await caller.get(f"/resumes/{resume_id}/matches", params=params)).json()
        found |= {item["job_id"] for item in page["items"]}
        cursor = page.get("next_cursor")
        if cursor is None:
            return found


async def _visible(caller: Caller) -> int:
    seen, cursor = 0, None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = (await caller.get("/jobs", params=params)).json()
        seen += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


async def test_the_matches_list_says_what_is_pending_until_every_posting_is_scored(
    system: System,
) -> None:
    ada = await system.user()
    first = await add_job(ada, title="Python backend engineer", company="Initech",
                          description="Build Python services on PostgreSQL.")  # fmt: skip
    second = await add_job(ada, title="Registered nurse", company="St. Mary's",
                           description="Patient care on a surgical ward.")  # fmt: skip
    resume_id = await _resume(ada, BACKEND_RESUME)

    body = await _complete(ada, resume_id)
    mine = {first["job_id"], second["job_id"]}
    assert mine <= await _matched(ada, resume_id)
    assert body["pending"] == 0
    assert body["resume_version"] == 1
    assert body["scored"] + body["outside"] == await _visible(ada)

    # A posting whose score the gateway has not received yet is pending, and the list says so.
    async with system.engines["admin"].begin() as connection:
        await connection.execute(
            match_scores.delete().where(match_scores.c.resume_id == UUID(resume_id),
                                        match_scores.c.job_id == UUID(first["job_id"]))
        )  # fmt: skip
    waiting = (await ada.get(f"/resumes/{resume_id}/matches")).json()
    assert waiting["status"] == "scoring"
    assert waiting["pending"] == 1
    assert waiting["scored"] == body["scored"] - 1

    # Scoring it again (a new delivery of the posting to a copy of the jobs service, as a
    # feed's next copy would be) announces the score, and that completes the list.
    first_event = (await system.deps.events.load("job", first["job_id"])).events[0]
    delivered = RecordedEvent(first_event.envelope.model_copy(update={"event_id": uuid7()}),
                              first_event.seq)  # fmt: skip
    engine = system.engines["jobs"]
    deps = JobsDeps(engine, system.events_of(JOBS), system.deps.documents, StaticEmbedder(),
                    PostgresJobsStore(engine))  # fmt: skip
    await on_posting(delivered, deps)

    async def completed() -> dict[str, Any] | None:
        again: dict[str, Any] = (await ada.get(f"/resumes/{resume_id}/matches")).json()
        return again if again["status"] == "complete" else None

    again = await eventually(completed)
    assert (again["status"], again["pending"], again["scored"]) == (
        "complete", 0, body["scored"],
    )  # fmt: skip


async def test_a_posting_with_only_a_description_shows_its_requirements(system: System) -> None:
    ada = await system.user()
    job = await add_job(ada, title="Senior Data Engineer", company="Hospitals Inc",
                        description=DATA_ENGINEER)  # fmt: skip
    assert job["skills"] == []

    async def extracted() -> dict[str, Any] | None:
        body: dict[str, Any] = (await ada.get(f"/jobs/{job['job_id']}")).json()
        return body if body["requirements"] else None

    body = await eventually(extracted)
    wanted = body["requirements"]
    assert {"Python", "SQL", "Airflow"} <= set(wanted["required"])
    assert set(wanted["nice_to_have"]) == {"Kafka", "Terraform"}
    assert wanted["years_min"] == 5
    assert wanted["seniority"] == "senior"
    assert wanted["occupation"]


async def test_rescore_rescores_every_resume_in_the_background_with_progress(
    system: System,
) -> None:
    ada = await system.user()
    job = await add_job(ada, title="Python backend engineer", company="Initech",
                        skills=["Python", "PostgreSQL"],
                        description="Build Python services.")  # fmt: skip
    resume_id = await _resume(ada, BACKEND_RESUME)
    body = await _complete(ada, resume_id)
    assert job["job_id"] in {i["job_id"] for i in body["items"]}

    # As if an older formula had scored it and indexed the posting.
    async with system.engines["admin"].begin() as connection:
        await connection.execute(
            matches.update().where(matches.c.resume_id == UUID(resume_id))
            .values(formula="coverage-v1", score=0)
        )  # fmt: skip
        await connection.execute(
            postings.update().where(postings.c.job_id == UUID(job["job_id"])).values(formula=None)
        )

    settings = CliSettings(**connection_settings(system.stack))
    rescore_id = await request_rescore(settings, "test: formula changed")
    run = await asyncio.wait_for(follow(settings, rescore_id, poll_seconds=0.1), 120)
    assert run["status"] == "done"
    assert run["resumes_done"] == run["resumes_total"] >= 1
    assert run["postings_done"] == run["postings_total"] >= 1
    assert (await rescore_status(settings, None)) is not None

    async with system.engines["admin"].connect() as connection:
        rows = (await connection.execute(
            sa.select(matches.c.formula, matches.c.score, matches.c.job_id)
            .where(matches.c.resume_id == UUID(resume_id))
        )).all()  # fmt: skip
        posting = (await connection.execute(
            sa.select(postings.c.formula).where(postings.c.job_id == UUID(job["job_id"]))
        )).scalar()  # fmt: skip
    assert {r.formula for r in rows} == {ranking.FORMULA}
    assert next(r.score for r in rows if str(r.job_id) == job["job_id"]) > 0
    assert posting == ranking.FORMULA

    async def completed() -> bool:
        history = await system.deps.events.load("rescore", rescore_id)
        return [e.envelope.type for e in history.events] == ["RescoreRequested", "RescoreCompleted"]

    assert await eventually(completed)
    assert REGISTRY.get_sample_value("jobtrail_rescore_total", {"kind": "resumes"}) == float(
        run["resumes_total"]
    )


async def test_a_users_own_postings_are_scored_even_beyond_the_nearest_candidates(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers, "CANDIDATES", 1)  # as if thousands of shared postings were nearer
    ada = await system.user()
    own = [
        await add_job(ada, title=title, company="Initech", description=description)
        for title, description in (
            ("Registered nurse", "Patient care on a surgical ward."),
            ("Pastry chef", "Laminated doughs and plated desserts for a hotel kitchen."),
            ("Python backend engineer", "Build Python services on PostgreSQL."),
        )
    ]
    resume_id = await _resume(ada, BACKEND_RESUME)
    body = await _complete(ada, resume_id)
    assert body["pending"] == 0
    assert {job["job_id"] for job in own} <= await _matched(ada, resume_id)
