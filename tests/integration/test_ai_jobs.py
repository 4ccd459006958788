"""AI jobs end to end: the gateway's API, the ai-worker (offline provider) on the real
NATS, PostgreSQL and S3, and the worker's handler driven directly where a test needs a
provider that misbehaves, a worker that dies, or a cancellation mid-work."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from jobtrail.ai_worker.bootstrap import setup as ai_worker_setup
from jobtrail.ai_worker.cache import ResultCache
from jobtrail.ai_worker.declarations import SERVICE as AI_WORKER
from jobtrail.ai_worker.handlers import AIDeps, Pricing, on_dead_letter, run_job
from jobtrail.ai_worker.llm import Completion, LLMRequest, LLMUnavailable
from jobtrail.ai_worker.offline import OfflineLLM
from jobtrail.ai_worker.reliability import CircuitBreaker, RateLimiter, RetryPolicy
from jobtrail.ai_worker.settings import AIWorkerSettings
from jobtrail.events import EventContext, RecordedEvent, seal, uuid7
from jobtrail.events.ai import AIJobCancelled, AIJobQueued
from jobtrail.events.resumes import ResumeVersionCreated
from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.privacy import keys_for
from tests.support.ai_jobs import ask, finished
from tests.support.system import PASSWORD, Caller, System, connection_settings

DATA = Path(__file__).parents[1] / "data"
POSTING = {
    "title": "Compression Engineer",
    "company": "Hooli",
    "description": "We need an algorithm expert who knows Javascript and MP4.",
    "skills": ["Javascript", "MP4", "Kubernetes"],
}
KINDS = ["tailor_resume", "cover_letter", "summarize_resume", "research_prompt", "interview_prep"]


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "sample.resume.json").read_text())
    return loaded


async def a_resume(caller: Caller, resume: dict[str, Any] | None = None) -> str:
    data = json.dumps(resume or sample()).encode()
    resume_id = await caller.upload("resume.json", data)
    assert (await caller.settled_resume(resume_id))["status"] == "parsed"
    return resume_id


@pytest.mark.parametrize("kind", KINDS)
async def test_each_kind_ends_with_a_faithful_offline_output(system: System, kind: str) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)
    saved = await ada.put(
        "/profiles/me", json={"preferences": {"roles": ["CTO"], "locations": ["Berlin"]}}
    )
    assert saved.status_code == 200, saved.text
    body: dict[str, Any] = {"kind": kind, "resume_id": resume_id}
    if kind in {"tailor_resume", "cover_letter", "interview_prep"}:
        body["job"] = POSTING

    job = await finished(ada, await ask(ada, **body))

    assert job["status"] == "SUCCESS", job
    assert job["progress"] == 100
    assert job["error"] is None
    assert job["result"]["based_on_version"] == 1
    assert job["result"]["stale"] is False
    assert job["prompt_tokens"] > 0
    assert job["cost_usd"] == 0.0
    output = await ada.get(job["result"]["url"])
    assert output.status_code == 200, output.text
    text = json.dumps(output.json())
    assert "Pied Piper" in text
    if kind == "research_prompt":
        assert "Roles: CTO" in text  # from the profile's preferences
        assert "Locations: Berlin" in text


async def test_a_tailored_resume_is_a_proposal_until_the_user_accepts_it(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)

    job = await finished(
        ada, await ask(ada, kind="tailor_resume", resume_id=resume_id, job=POSTING)
    )

    proposed = job["result"]["document_version"]
    assert proposed == 2
    version = (await ada.get(f"/resumes/{resume_id}/versions/{proposed}")).json()
    assert version["source"] == "ai"
    assert version["proposal"] is True
    assert version["parent_version"] == 1
    assert version["current"] is False
    assert [w["name"] for w in version["resume"]["work"]] == ["Pied Piper"]
    assert (await ada.get(f"/resumes/{resume_id}")).json()["current_version"] == 1
    accepted = await ada.post(f"/resumes/{resume_id}/versions/{proposed}/accept")
    assert accepted.json()["current_version"] == proposed


async def test_a_result_based_on_an_older_version_says_so(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)
    edited = sample()
    edited["basics"]["label"] = "Founder"
    saved = await ada.post(
        f"/resumes/{resume_id}/versions", json={"base_version": 1, "resume": edited}
    )
    assert saved.status_code == 201, saved.text

    job = await finished(
        ada, await ask(ada, kind="summarize_resume", resume_id=resume_id, resume_version=1)
    )

    assert job["result"]["based_on_version"] == 1
    assert job["result"]["latest_resume_version"] == 2
    assert job["result"]["stale"] is True


async def test_a_repeated_request_is_answered_from_the_cache(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)
    body = {"kind": "cover_letter", "resume_id": resume_id, "job": POSTING, "tone": "warm"}
    posted = await ada.post("/jobs", json=POSTING)
    assert posted.status_code == 201, posted.text
    body = {"kind": "cover_letter", "resume_id": resume_id, "job_id": posted.json()["job_id"]}

    first = await finished(ada, await ask(ada, **body))
    second = await finished(ada, await ask(ada, **body))

    assert first["result"]["cached"] is False
    assert first["prompt_tokens"] > 0
    assert second["result"]["cached"] is True
    assert second["prompt_tokens"] == 0
    assert first["result"]["sha256"] == second["result"]["sha256"]


async def test_another_users_jobs_are_never_visible(system: System) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    resume_id = await a_resume(ada)
    ai_job_id = await ask(ada, kind="summarize_resume", resume_id=resume_id)
    await finished(ada, ai_job_id)

    for path in (f"/ai-jobs/{ai_job_id}", f"/ai-jobs/{ai_job_id}/output",
                 f"/ai-jobs/{ai_job_id}/events"):  # fmt: skip
        assert (await bob.get(path)).status_code == 404
    assert (await bob.api.delete(f"/ai-jobs/{ai_job_id}", headers=bob.auth)).status_code == 404
    assert (await bob.get("/ai-jobs")).json()["items"] == []
    refused = await bob.post("/ai-jobs", json={"kind": "summarize_resume", "resume_id": resume_id})
    assert refused.status_code == 404
    mine = await ada.get("/ai-jobs", params={"status": "SUCCESS", "kind": "summarize_resume"})
    assert [j["ai_job_id"] for j in mine.json()["items"]] == [ai_job_id]


async def test_bad_requests_are_explained(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)

    no_posting = await ada.post("/ai-jobs", json={"kind": "cover_letter", "resume_id": resume_id})
    unknown_posting = await ada.post(
        "/ai-jobs", json={"kind": "cover_letter", "resume_id": resume_id, "job_id": str(uuid7())}
    )
    unknown_kind = await ada.post("/ai-jobs", json={"kind": "poem", "resume_id": resume_id})

    assert no_posting.status_code == 422
    assert "job_id" in no_posting.json()["detail"]
    assert unknown_posting.status_code == 404
    assert unknown_kind.status_code == 422


async def test_progress_and_the_final_state_stream_as_server_sent_events(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)
    ai_job_id = await ask(ada, kind="interview_prep", resume_id=resume_id, job=POSTING)

    response = await ada.get(f"/ai-jobs/{ai_job_id}/events")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line.removeprefix("event: ") for line in response.text.splitlines()
              if line.startswith("event: ")]  # fmt: skip
    assert events[-1] == "end"
    last = [line for line in response.text.splitlines() if line.startswith("data: ")][-1]
    assert json.loads(last.removeprefix("data: "))["status"] == "SUCCESS"


async def test_cancelling_ends_the_job_or_explains_it_already_ended(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)
    ai_job_id = await ask(ada, kind="summarize_resume", resume_id=resume_id)

    cancelled = await ada.api.delete(f"/ai-jobs/{ai_job_id}", headers=ada.auth)

    if cancelled.status_code == 200:
        assert cancelled.json()["status"] == "CANCELLED"
        # From now on a worker's append conflicts with the cancellation and decides nothing.
        history = await system.deps.events.load("ai_job", ai_job_id)
        types = [e.envelope.type for e in history.events]
        assert types[-1] == "AIJobCancelled"
        assert "AIOutputReady" not in types
    else:
        assert cancelled.status_code == 409, cancelled.text
        assert "already ended" in cancelled.json()["detail"]


async def test_spent_budgets_refuse_new_work_with_429(system: System) -> None:
    settings = GatewaySettings(**connection_settings(system.stack), ai_daily_tokens_per_user=1)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as api:
            ada = await system.user("Ada")
            ada = Caller(api, ada.email, ada.user_id, ada.token, ada.tokens)
            resume_id = await a_resume(ada)
            body = {"kind": "summarize_resume", "resume_id": resume_id}
            await finished(ada, await ask(ada, **body))

            refused = await ada.post("/ai-jobs", json=body)
            usage = await ada.get("/ai-jobs/usage")

    assert refused.status_code == 429, refused.text
    assert usage.status_code == 200, usage.text
    assert usage.json()["today"]["tokens"] > 1
    assert usage.json()["limits"]["tokens_per_user"] == 1
    assert refused.json()["code"] == "ai_budget_exhausted"
    assert "daily AI budget" in refused.json()["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 24 * 3600  # until the budgets reset
    assert PASSWORD  # the same account works against both gateways


# ---- the worker's handler, driven directly ------------------------------------------------


class ScriptedLLM:
    """A provider whose answer a test chooses; it can also wait to be released."""

    name, model = "scripted", "scripted-1"

    def __init__(self, change: Any = None, gate: asyncio.Event | None = None) -> None:
        self.change, self.gate, self.calls = change, gate, 0
        self.started = asyncio.Event()

    async def complete(self, request: LLMRequest) -> Completion:
        self.calls += 1
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        done = await OfflineLLM().complete(request)
        output = copy.deepcopy(done.output)
        if self.change is not None:
            self.change(output)
        return Completion(output, self.model, 100, 50)


def deps_with(system: System, llm: Any) -> AIDeps:
    return AIDeps(
        events=system.events_of(AI_WORKER), documents=system.deps.documents,
        cache=ResultCache(system.engines["ai_worker"], keys_for(system.deps.events.client)),
        llm=llm, limiter=RateLimiter(100, 100),
        breaker=CircuitBreaker(), retry=RetryPolicy(attempts=1), pricing=Pricing(1.0, 2.0),
    )  # fmt: skip


async def queued(caller: Caller, kind: str, resume_id: str, **extra: Any) -> RecordedEvent:
    """An AIJobQueued as the worker would receive it; not published, so only this test's
    handler runs it."""
    event = AIJobQueued(
        ai_job_id=uuid7(), user_id=UUID(caller.user_id), kind=kind,
        resume_id=UUID(resume_id), resume_version=1, **extra,
    )  # fmt: skip
    context = EventContext(actor="user:test", correlation_id="test", owner_id=event.user_id)
    (envelope,) = seal([event], aggregate_id=event.ai_job_id, base_version=0, context=context)
    return RecordedEvent(envelope, 0)


async def job_events(system: System, recorded: RecordedEvent) -> list[Any]:
    history = await system.deps.events.load("ai_job", recorded.envelope.aggregate_id)
    return [e.event for e in history.events]


async def test_an_output_that_adds_an_employer_is_refused(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)

    def add_employer(output: dict[str, Any]) -> None:
        output["work"].insert(0, {"name": "Initech", "position": "CEO/President"})

    recorded = await queued(ada, "tailor_resume", resume_id)
    await run_job(recorded, deps_with(system, ScriptedLLM(add_employer)))

    failed = (await job_events(system, recorded))[-1]
    assert failed.type == "AIJobFailed"
    assert failed.code == "unfaithful"
    assert "employer: Initech" in failed.invented
    assert failed.prompt_tokens == 100  # what the refused answer cost is still counted
    resume = (await ada.get(f"/resumes/{resume_id}")).json()
    assert resume["latest_version"] == 1  # nothing was offered


async def test_a_worker_killed_mid_job_leaves_it_to_a_redelivery_that_completes_once(
    system: System,
) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)
    recorded = await queued(ada, "tailor_resume", resume_id)
    stuck = ScriptedLLM(gate=asyncio.Event())
    first = asyncio.create_task(run_job(recorded, deps_with(system, stuck)))
    await asyncio.wait_for(stuck.started.wait(), 10)

    first.cancel()  # the worker dies: its message is never acknowledged
    with pytest.raises(asyncio.CancelledError):
        await first
    await run_job(recorded, deps_with(system, ScriptedLLM()))  # the redelivery
    await run_job(recorded, deps_with(system, ScriptedLLM()))  # and one more, to be sure

    types = [e.type for e in await job_events(system, recorded)]
    assert types.count("AIOutputReady") == 1
    assert types[-1] == "AIOutputReady"
    history = await system.deps.events.load("resume", resume_id)
    created = [e.event for e in history.events if isinstance(e.event, ResumeVersionCreated)]
    assert [(v.version, v.source, v.proposal) for v in created] == [
        (1, "import", False), (2, "ai", True),
    ]  # fmt: skip


async def test_a_job_cancelled_mid_work_offers_nothing(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)
    recorded = await queued(ada, "tailor_resume", resume_id)
    gate = asyncio.Event()
    llm = ScriptedLLM(gate=gate)
    running = asyncio.create_task(run_job(recorded, deps_with(system, llm)))
    await asyncio.wait_for(llm.started.wait(), 10)

    history = await system.deps.events.load("ai_job", recorded.envelope.aggregate_id)
    cancel = AIJobCancelled(ai_job_id=UUID(recorded.envelope.aggregate_id))
    await system.deps.events.append(history, [cancel], EventContext("user:test", "test"))
    gate.set()
    await asyncio.wait_for(running, 10)

    types = [e.type for e in await job_events(system, recorded)]
    assert types[-1] == "AIJobCancelled"
    assert "AIOutputReady" not in types
    assert (await ada.get(f"/resumes/{resume_id}")).json()["latest_version"] == 1


async def test_a_cached_output_is_served_without_calling_the_model(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)
    llm = ScriptedLLM()
    for _ in range(2):
        await run_job(await queued(ada, "summarize_resume", resume_id), deps_with(system, llm))
    assert llm.calls == 1


async def test_several_worker_copies_share_the_jobs_and_each_job_completes_once(
    system: System,
) -> None:
    ada = await system.user("Ada")
    resume_ids = [await a_resume(ada) for _ in range(3)]
    stop = asyncio.Event()
    settings = AIWorkerSettings(**connection_settings(system.stack))
    async with ai_worker_setup(settings) as second:
        tasks = [asyncio.create_task(task(stop)) for task in second.tasks]
        try:
            ids = [
                await ask(ada, kind=kind, resume_id=resume_id, job=POSTING)
                for resume_id in resume_ids
                for kind in ("tailor_resume", "cover_letter", "interview_prep")
            ]
            ended = [await finished(ada, ai_job_id) for ai_job_id in ids]
        finally:
            stop.set()
            await asyncio.gather(*tasks)

    assert {job["status"] for job in ended} == {"SUCCESS"}
    for ai_job_id in ids:
        history = await system.deps.events.load("ai_job", ai_job_id)
        types = [e.envelope.type for e in history.events]
        assert types.count("AIOutputReady") == 1
        assert "AIJobProgressed" in types


class DownLLM:
    name, model = "down", "down-1"

    async def complete(self, request: LLMRequest) -> Completion:
        raise LLMUnavailable("the AI provider answered 503")


async def test_a_provider_that_stays_down_ends_in_a_failure_after_the_last_attempt(
    system: System,
) -> None:
    ada = await system.user("Ada")
    resume_id = await a_resume(ada)
    recorded = await queued(ada, "summarize_resume", resume_id)
    deps = deps_with(system, DownLLM())

    with pytest.raises(LLMUnavailable):  # the consumer redelivers it with its backoff …
        await run_job(recorded, deps)
    # … then dead-letters it, twice here: the second one must change nothing
    await on_dead_letter(deps)(recorded, "LLMUnavailable: the AI provider answered 503")
    await on_dead_letter(deps)(recorded, "LLMUnavailable: the AI provider answered 503")

    failures = [e for e in await job_events(system, recorded) if e.type == "AIJobFailed"]
    assert len(failures) == 1
    assert failures[0].code == "processing_failed"
    assert "503" in failures[0].reason
