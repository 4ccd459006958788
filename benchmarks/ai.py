"""AI jobs: enqueue latency, time to result per kind (offline provider), cached results,
and the dispatch round trip and throughput of our worker path beside Celery + Redis.

The API figures run the gateway and every service in this process on the stack (as the
integration tests do). The dispatch figures use the real `ai-worker-run` consumer and
the AI worker's subscription (faststream, one job at a time) with a no-op handler that
publishes "done" on core NATS; the peer is a Celery worker (`-P solo -c 1`, one worker)
with a Redis broker and result backend, Redis from Debian's packages started here on a free
port. The same client measures both:
enqueue, then wait until the worker reports the job done.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from nats.aio.msg import Msg

from benchmarks.context import Bench
from benchmarks.figures import Figure, Target
from benchmarks.measurement import Stat, percentile
from benchmarks.servers import fresh_log, with_fresh_database
from jobtrail.ai_worker.declarations import RUN
from jobtrail.eventlog import AggregateHistory, EventStore
from jobtrail.eventlog.connection import jetstream
from jobtrail.eventlog.subscriptions import FaststreamConsumers, Subscription
from jobtrail.events import EventContext, RecordedEvent, seal, uuid7
from jobtrail.events.ai import AIJobQueued
from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.settings import GatewaySettings
from tests.support.system import Caller, connection_settings, running_system

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "tests" / "data" / "sample.resume.json"
POSTING = {
    "title": "Compression Engineer",
    "company": "Hooli",
    "description": "An algorithm expert who knows Javascript and MP4.",
    "skills": ["Javascript", "MP4"],
}
KINDS = ("tailor_resume", "cover_letter", "summarize_resume", "research_prompt", "interview_prep")
POLL = 0.005
TIMEOUT = 30.0
CONTEXT = EventContext(actor="user:bench", correlation_id="bench")


async def run(bench: Bench) -> list[Figure]:
    await fresh_log(bench.nc)
    figures = await _api_figures(bench)
    await fresh_log(bench.nc)
    figures += await _dispatch_figures(bench)
    return figures


# ---- through the API ----------------------------------------------------------------------


async def _api_figures(bench: Bench) -> list[Figure]:
    count = max(5, bench.plan.uploads // 2)
    async with running_system(with_fresh_database(bench.stack, "bench_ai")) as system:
        caller = await system.user("Bench")
        resumes = [await _resume(caller, n) for n in range(count + 1)]
        per_kind = {k: [await _to_result(caller, k, r) for r in resumes[1:]] for k in KINDS}
        await _to_result(caller, "summarize_resume", resumes[0], "first")  # fills the cache
        cached = [
            await _to_result(caller, "summarize_resume", resumes[0], "cached") for _ in range(count)
        ]
        worker = {k: await _worker_ms(system.deps.events, ids) for k, ids in _ids.items()}
    # A gateway process alone, as deployed: the workers' CPU is not on its event loop.
    app = create_app(GatewaySettings(**connection_settings(bench.stack)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as api:
            alone = Caller(api, caller.email, caller.user_id, caller.token, caller.tokens)
            enqueue = [await _enqueue(alone, "summarize_resume", r) for r in resumes * 3]
    enqueue_ms = [s * 1000 for s, _ in enqueue]
    figures = [
        _latency(
            "ai-enqueue", "POST /ai-jobs enqueue, p95", enqueue_ms, 0.95,
            Target("p95 < 30 ms", below=30),
            f"{len(enqueue_ms)} sequential POSTs (summarize_resume) to a gateway running "
            "alone (the workers measured above share one event loop with it otherwise): "
            "budget query, resume aggregate read, AIJobQueued append; no read-model wait "
            "(GET answers a just-queued job from the log)",
        ),
        _latency(
            "ai-cached", "cached AI result (POST → SUCCESS), p50",
            [s * 1000 for s, _ in cached], 0.5, Target("< 100 ms", below=100),
            f"{len(cached)} repeats of one summarize_resume request, answered from the cache; "
            f"cached={sorted({c for _, c in cached})}; in the worker (AIJobQueued → "
            f"AIOutputReady, event timestamps) p50 {percentile(worker['cached'], 0.5):.1f} ms",
        ),
    ]  # fmt: skip
    for kind, timed in per_kind.items():
        figures.append(
            _latency(
                f"ai-result-{kind}", f"time to result, {kind} (offline), p50",
                [s * 1000 for s, _ in timed], 0.5, Target("—"),
                f"{len(timed)} jobs on distinct resumes (no cache hits: "
                f"cached={sorted({c for _, c in timed})}), POST → SUCCESS polled every 5 ms; "
                f"in the worker (AIJobQueued → AIOutputReady, event timestamps) p50 "
                f"{percentile(worker[kind], 0.5):.1f} ms",
            )
        )  # fmt: skip
    return figures


def _latency(
    name: str, title: str, samples: list[float], q: float, target: Target, note: str
) -> Figure:
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    return Figure(
        name=name, title=title, unit="ms", ours=Stat((percentile(samples, q),)), baseline=None,
        baseline_label="—", target=target,
        notes=(note, f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(samples):.1f} ms"),
        extra={"p50_ms": p50, "p95_ms": p95, "samples_ms": samples},
    )  # fmt: skip


async def _resume(caller: Caller, number: int) -> str:
    resume: dict[str, Any] = json.loads(SAMPLE.read_text())
    resume["basics"]["name"] = f"Candidate {number}"
    resume_id = await caller.upload("resume.json", json.dumps(resume).encode())
    await caller.settled_resume(resume_id)
    return resume_id


def _body(kind: str, resume_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, "resume_id": resume_id}
    if kind in {"tailor_resume", "cover_letter", "interview_prep"}:
        body["job"] = POSTING
    return body


async def _enqueue(caller: Caller, kind: str, resume_id: str) -> tuple[float, str]:
    start = time.perf_counter()
    response = await caller.post("/ai-jobs", json=_body(kind, resume_id))
    elapsed = time.perf_counter() - start
    assert response.status_code == 202, response.text
    return elapsed, str(response.json()["ai_job_id"])


_ids: dict[str, list[str]] = {}


async def _worker_ms(events: EventStore, ids: list[str]) -> list[float]:
    """Queued → output ready inside the worker, from the events' own timestamps."""
    spans = []
    for ai_job_id in ids:
        history = await events.load("ai_job", ai_job_id)
        first, last = history.events[0].envelope, history.events[-1].envelope
        spans.append((last.occurred_at - first.occurred_at).total_seconds() * 1000)
    return spans


async def _to_result(
    caller: Caller, kind: str, resume_id: str, bucket: str | None = None
) -> tuple[float, bool]:
    start = time.perf_counter()
    _, ai_job_id = await _enqueue(caller, kind, resume_id)
    _ids.setdefault(bucket or kind, []).append(ai_job_id)
    while True:
        body = (await caller.get(f"/ai-jobs/{ai_job_id}")).json()
        elapsed = time.perf_counter() - start
        if body["status"] == "SUCCESS":
            return elapsed, bool(body["result"]["cached"])
        if body["status"] in {"FAILURE", "CANCELLED"} or elapsed > TIMEOUT:
            raise AssertionError(f"AI job {ai_job_id} ended {body['status']}: {body}")
        await asyncio.sleep(POLL)


# ---- dispatch: our worker path beside Celery + Redis -----------------------------------------


async def _dispatch_figures(bench: Bench) -> list[Figure]:
    round_trips = bench.plan.awaited
    burst = bench.plan.appends * 3
    ours_latency, ours_rate = [], []
    async with _our_worker(bench) as ours:
        await ours.round_trip()  # warm-up
        for _ in range(bench.plan.repetitions):
            ours_latency.append(
                percentile([await ours.round_trip() for _ in range(round_trips)], 0.5)
            )
            ours_rate.append(await ours.throughput(burst))
    peer_latency: list[float] = []
    peer_rate: list[float] = []
    peer_note = "Celery + Redis not measured: redis-server is not installed"
    if shutil.which("redis-server"):
        with _celery_worker() as celery_version:
            for _ in range(bench.plan.repetitions):
                latency, rate = await asyncio.to_thread(_celery_run, round_trips, burst)
                peer_latency.append(latency)
                peer_rate.append(rate)
        peer_note = f"Celery {celery_version}, worker -P solo -c 1, Redis broker + backend"
    return [
        Figure(
            name="ai-dispatch", title="AI job dispatch round trip, no-op job, p50", unit="ms",
            ours=Stat(tuple(s * 1000 for s in ours_latency)),
            baseline=Stat(tuple(s * 1000 for s in peer_latency)) if peer_latency else None,
            baseline_label="Celery + Redis", target=Target("≤ 1.5 ms p50", below=1.5001),
            notes=(
                f"{round_trips} sequential enqueue → worker → done round trips per repetition; "
                "ours: EventStore.append(AIJobQueued) with the concurrency check → the "
                "ai-worker-run durable consumer (faststream, ordered) → no-op handler → core NATS "
                "publish; the median of per-repetition p50s",
                peer_note,
            ),
        ),
        Figure(
            name="ai-throughput", title="no-op AI jobs per second, one worker", unit="jobs/s",
            ours=Stat(tuple(ours_rate)),
            baseline=Stat(tuple(peer_rate)) if peer_rate else None,
            baseline_label="Celery + Redis", target=Target("≥ 1,000/s", at_least=1000),
            notes=(
                f"{burst} jobs enqueued at once (ours: publish_many; Celery: apply_async), "
                "timed until the last is reported done",
                peer_note,
            ),
        ),
    ]  # fmt: skip


class _OurWorker:
    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.waiting: dict[str, asyncio.Future[None]] = {}

    async def done(self, msg: Msg) -> None:
        future = self.waiting.pop(msg.subject.rsplit(".", 1)[-1], None)
        if future is not None and not future.done():
            future.set_result(None)

    def _expect(self, ai_job_id: UUID) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting[str(ai_job_id)] = future
        return future

    async def round_trip(self) -> float:
        job = _job()
        start = time.perf_counter()
        future = self._expect(job.ai_job_id)
        await self.store.append(AggregateHistory("ai_job", str(job.ai_job_id)), [job], CONTEXT)
        await asyncio.wait_for(future, TIMEOUT)
        return time.perf_counter() - start

    async def throughput(self, count: int) -> float:
        jobs = [_job() for _ in range(count)]
        envelopes = [
            seal([j], aggregate_id=j.ai_job_id, base_version=0, context=CONTEXT)[0] for j in jobs
        ]
        futures = [self._expect(j.ai_job_id) for j in jobs]
        start = time.perf_counter()
        await self.store.publish_many(envelopes)
        await asyncio.wait_for(asyncio.gather(*futures), TIMEOUT * 4)
        return count / (time.perf_counter() - start)


def _job() -> AIJobQueued:
    return AIJobQueued(
        ai_job_id=uuid7(), user_id=uuid7(), kind="summarize_resume", resume_id=uuid7(),
        resume_version=1,
    )  # fmt: skip


@asynccontextmanager
async def _our_worker(bench: Bench) -> AsyncIterator[_OurWorker]:
    async with jetstream(bench.stack.nats_url, "bench-ai-worker", ["ai-worker-run"]) as link:

        async def noop(recorded: RecordedEvent) -> None:
            await link.nc.publish(f"bench.ai.done.{recorded.envelope.aggregate_id}", b"")

        ours = _OurWorker(EventStore(bench.nc))
        sub = await bench.nc.subscribe("bench.ai.done.*", cb=ours.done)
        # As the AI worker runs it (on faststream), one job at a time like Celery's solo pool.
        run = Subscription(RUN, noop, ordered=True)
        consumers = FaststreamConsumers(link.nc, bench.stack.nats_url, link.topology, [run])
        stop = asyncio.Event()
        task = asyncio.create_task(consumers.run(stop))
        try:
            yield ours
        finally:
            stop.set()
            await task
            await sub.unsubscribe()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _celery_worker() -> Iterator[str]:
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    redis = subprocess.Popen(  # noqa: S603 - our own arguments
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.environ["BENCH_REDIS_URL"] = url
    worker = None
    try:
        from benchmarks import celery_app

        celery_app.app.conf.broker_url = celery_app.app.conf.result_backend = url
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "benchmarks.celery_app", "worker",
             "-P", "solo", "-c", "1", "-Q", "bench-ai", "--loglevel=WARNING",
             "--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env={**os.environ, "BENCH_REDIS_URL": url},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        celery_app.noop.delay("warm-up").get(timeout=60)
        import celery

        yield str(celery.__version__)
    finally:
        for process in (worker, redis):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


def _celery_run(round_trips: int, burst: int) -> tuple[float, float]:
    from benchmarks.celery_app import noop

    latencies = []
    for n in range(round_trips):
        start = time.perf_counter()
        noop.delay(str(n)).get(timeout=TIMEOUT)
        latencies.append(time.perf_counter() - start)
    start = time.perf_counter()
    results = [noop.delay(str(n)) for n in range(burst)]
    for result in results:
        result.get(timeout=TIMEOUT * 4)
    return percentile(latencies, 0.5), burst / (time.perf_counter() - start)
