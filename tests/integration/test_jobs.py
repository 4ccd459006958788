"""Job postings end to end: by hand, filtered and paged, scored against resume versions."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from jobtrail.jobs.adapters.static import MODEL as LOCAL_MODEL
from jobtrail.jobs.adapters.static import StaticEmbedder
from jobtrail.jobs.adapters.store import PostgresJobsStore
from jobtrail.jobs.declarations import SERVICE as JOBS
from jobtrail.jobs.handlers import JobsDeps, on_posting
from tests.support.system import Caller, System

DATA = Path(__file__).parent.parent / "data"

BACKEND_RESUME = {
    "basics": {"name": "Grace Hopper", "label": "Backend engineer",
               "summary": "Backend engineer who builds reliable Python services."},
    "work": [{
        "name": "Acme", "position": "Senior backend engineer", "startDate": "2020-01-01",
        "highlights": [
            "Built event-sourced order services in Python on Postgres and NATS",
            "Cut API latency by 40% with FastAPI and Redis caching",
            "Ran everything on Docker and Kubernetes",
        ],
    }],
    "skills": [{"name": "Backend", "keywords": ["Python", "postgres", "Docker", "FastAPI"]}],
}  # fmt: skip


async def patch(caller: Caller, path: str, body: dict[str, Any]) -> httpx.Response:
    return await caller.api.patch(path, headers=caller.auth, json=body)


async def add_job(caller: Caller, **fields: Any) -> dict[str, Any]:
    response = await caller.post("/jobs", json=fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def eventually(probe: Any, timeout: float = 30.0) -> Any:
    """Poll `probe()` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        found = await probe()
        if found:
            return found
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


async def test_a_posting_added_by_hand_can_be_read_saved_annotated_and_dismissed(
    system: System,
) -> None:
    ada = await system.user()
    job = await add_job(ada, title="Platform engineer", company="Initech", skills=["Go"],
                        description="Run our Kubernetes clusters.", remote=True)  # fmt: skip
    assert job["source"] == "user"
    assert not job["shared"]
    assert job["description"] == "Run our Kubernetes clusters."
    assert job["posting"]["title"] == "Platform engineer"  # the raw JSON, as sent

    saved = await patch(
        ada, f"/jobs/{job['job_id']}", {"saved": True, "notes": "ask about on-call"}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["saved"]
    assert saved.json()["notes"] == "ask about on-call"
    listed = (await ada.get("/jobs", params={"saved": "true"})).json()["items"]
    assert [j["job_id"] for j in listed] == [job["job_id"]]

    await patch(ada, f"/jobs/{job['job_id']}", {"dismissed": True})
    default = (await ada.get("/jobs")).json()["items"]
    assert job["job_id"] not in [j["job_id"] for j in default]
    dismissed = (await ada.get("/jobs", params={"dismissed": "true"})).json()["items"]
    assert [j["job_id"] for j in dismissed] == [job["job_id"]]


async def test_a_json_resume_job_posting_is_accepted_as_is(system: System) -> None:
    ada = await system.user()
    sample = json.loads((DATA / "sample.job.json").read_text())
    job = (await ada.post("/jobs", json=sample)).json()
    assert (job["title"], job["company"]) == ("Web Developer", "Microsoft")
    assert job["location"] == "Berlin, Berlin, DE"
    assert {"JavaScript", "MongoDB"} <= set(job["skills"])
    assert (job["salary_min"], job["posted_on"]) == (100000, "2024-07-01")
    assert "Responsibilities:" in job["description"]
    assert job["posting"] == sample


async def test_an_invalid_posting_is_refused_with_what_to_fix(system: System) -> None:
    ada = await system.user()
    no_title = await ada.post("/jobs", json={"company": "Initech"})
    assert no_title.status_code == 422
    assert "title" in no_title.json()["detail"]
    bad_schema = await ada.post("/jobs", json={"title": "X", "location": {"city": 5}})
    assert bad_schema.status_code == 422
    assert "JSON Resume job" in bad_schema.json()["detail"]


async def test_another_users_postings_are_never_visible(system: System) -> None:
    ada, bob = await system.user(), await system.user("Bob")
    job = await add_job(ada, title="Secret role", company="Hooli")
    assert (await bob.get(f"/jobs/{job['job_id']}")).status_code == 404
    assert (await patch(bob, f"/jobs/{job['job_id']}", {"saved": True})).status_code == 404
    ids = [j["job_id"] for j in (await bob.get("/jobs", params={"limit": 200})).json()["items"]]
    assert job["job_id"] not in ids


async def test_filters_combine_and_pages_cover_every_posting_once(system: System) -> None:
    ada = await system.user()
    tag = uuid4().hex[:8]
    made = [
        await add_job(ada, title=f"Python dev {tag}", location="Berlin", remote=True,
                      salary_min=70000, salary_max=90000, skills=["Python", "Postgres"],
                      posted_on="2026-10-01"),
        await add_job(ada, title=f"Java dev {tag}", location="Paris", remote=False,
                      salary_min=50000, salary_max=60000, skills=["Java"], posted_on="2026-01-01"),
        await add_job(ada, title=f"Data engineer {tag}", location="Berlin", remote=False,
                      salary_min=95000, salary_max=120000, skills=["python", "Spark"],
                      posted_on="2026-11-01"),
    ]  # fmt: skip
    python, java, data = (j["job_id"] for j in made)

    async def ids(**params: Any) -> set[str]:
        response = await ada.get("/jobs", params={"q": tag, "limit": 200, **params})
        assert response.status_code == 200, response.text
        return {j["job_id"] for j in response.json()["items"]}

    assert await ids() == {python, java, data}
    assert await ids(location="berlin") == {python, data}
    assert await ids(remote="true") == {python}
    assert await ids(salary_min=80000) == {python, data}
    assert await ids(salary_max=65000) == {java}
    assert await ids(posted_since="2026-09-01") == {python, data}
    assert await ids(skills=["PYTHON"]) == {python, data}
    assert await ids(skills=["python", "postgres"]) == {python}

    seen: list[str] = []
    cursor = None
    while True:
        params = {"q": tag, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await ada.get("/jobs", params=params)).json()
        seen += [j["job_id"] for j in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [data, java, python]  # newest first, each once
    assert (await ada.get("/jobs", params={"cursor": "nope"})).status_code == 422


async def _resume(caller: Caller, document: dict[str, Any]) -> str:
    resume_id = await caller.upload("resume.json", json.dumps(document).encode())
    assert (await caller.settled_resume(resume_id))["status"] == "parsed"
    return resume_id


async def test_a_posting_asking_for_the_resumes_skills_ranks_first_with_reasons(
    system: System,
) -> None:
    ada = await system.user()
    fit = await add_job(
        ada, title="Backend engineer (Python)", company="Initech",
        description="You will build services in Python.\n- Experience with PostgreSQL\n"
                    "- Docker and Kubernetes in production",
        skills=["Python", "PostgreSQL", "Docker", "Terraform"],
    )  # fmt: skip
    misfit = await add_job(
        ada, title="Registered nurse", company="St. Mary's",
        description="Provide patient care on a busy surgical ward.",
        skills=["Patient care", "Phlebotomy"],
    )  # fmt: skip
    resume_id = await _resume(ada, BACKEND_RESUME)

    async def scored() -> list[dict[str, Any]] | None:
        response = await ada.get(f"/resumes/{resume_id}/matches")
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items if {fit["job_id"], misfit["job_id"]} <= {i["job_id"] for i in items} else None

    items = await eventually(scored)
    ranked = [i["job_id"] for i in items if i["job_id"] in (fit["job_id"], misfit["job_id"])]
    assert ranked == [fit["job_id"], misfit["job_id"]]
    best = items[0]["match"]
    assert items[0]["match"]["score"] > items[1]["match"]["score"] + 20
    assert {"Python", "PostgreSQL", "Docker"} <= set(best["explanation"]["matched_skills"])
    assert best["explanation"]["missing_skills"] == ["Terraform"]
    support = {
        s["requirement"]: s["bullets"] for s in best["explanation"]["supported_requirements"]
    }
    assert any("Postgres" in b for b in support["PostgreSQL"])
    assert best["model"] == LOCAL_MODEL

    via_jobs = (await ada.get("/jobs", params={"match_for": resume_id})).json()["items"]
    assert via_jobs[0]["job_id"] == fit["job_id"]

    bob = await system.user("Bob")
    assert (await bob.get(f"/resumes/{resume_id}/matches")).status_code == 404
    assert (await bob.get("/jobs", params={"match_for": resume_id})).status_code == 404


async def test_job_matched_is_emitted_once_per_job_and_resume_version(system: System) -> None:
    ada = await system.user()
    profile = {"preferences": {"match_threshold": 40}}
    assert (await ada.put("/profiles/me", json=profile)).status_code == 200
    resume_id = await _resume(ada, BACKEND_RESUME)  # scored when the posting arrives
    job = await add_job(ada, title="Python backend engineer", company="Initech",
                        skills=["Python", "PostgreSQL", "Docker"],
                        description="Build Python services on PostgreSQL.")  # fmt: skip

    async def matched() -> list[dict[str, Any]]:
        events = (await ada.get("/events", params={"limit": 200})).json()["items"]
        return [e["event"] for e in events if e["event"]["type"] == "JobMatched"]

    found = await eventually(matched)
    assert [(e["data"]["job_id"], e["data"]["resume_id"], e["data"]["resume_version"])
            for e in found] == [(job["job_id"], resume_id, 1)]  # fmt: skip

    # Redelivered (twice) to a second copy of the service: scored again, announced never.
    history = await system.deps.events.load("job", job["job_id"])
    added = history.events[0]
    assert added.envelope.type == "JobPostingAdded"
    engine = system.engines["jobs"]  # a copy of the jobs service, as its role
    deps = JobsDeps(engine, system.events_of(JOBS), system.deps.documents, StaticEmbedder(),
                    PostgresJobsStore(engine))  # fmt: skip
    await on_posting(added, deps)
    await on_posting(added, deps)
    after = await system.deps.events.load("job", job["job_id"])
    assert [e.envelope.type for e in after.events] == ["JobPostingAdded", "JobMatched"]
