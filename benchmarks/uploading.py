"""Figure 5: resume upload → parsed, end to end through the running system.

The gateway (with its projectors) and the resume service run in this process on the
stack, as the integration tests run them (`tests.support.system.running_system`). One
user uploads distinct ~200 KB PDFs one after another; each is timed from the POST until
GET /resumes/{id} (polled every 10 ms) no longer says `processing`.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from pathlib import Path
from typing import Any

from benchmarks.context import Bench
from benchmarks.figures import Figure, Target
from benchmarks.measurement import Stat, percentile
from benchmarks.servers import fresh_log, with_fresh_database
from tests.support.documents import resume_pdf
from tests.support.system import Caller, running_system

SAMPLE = Path(__file__).parents[1] / "tests" / "data" / "sample.resume.json"
PDF_BYTES = 200_000
POLL = 0.010
WARMUPS = 2
TIMEOUT = 30.0


async def run(bench: Bench) -> list[Figure]:
    pdfs = await asyncio.to_thread(long_pdfs, WARMUPS + bench.plan.uploads)
    await fresh_log(bench.nc)  # the services must not start on the other figures' events
    async with running_system(with_fresh_database(bench.stack, "bench_upload")) as system:
        caller = await system.user("Bench")
        outcomes = [await upload_until_settled(caller, pdf) for pdf in pdfs]
    timed = outcomes[WARMUPS:]
    seconds = [elapsed for elapsed, _ in timed]
    statuses = sorted({status for _, status in timed})
    p50, p95 = percentile(seconds, 0.50), percentile(seconds, 0.95)
    sizes = [len(pdf) for pdf in pdfs]
    return [
        Figure(
            name="upload",
            title="resume upload → parsed (~200 KB PDF), p50",
            unit="ms",
            ours=Stat((p50 * 1000,)),
            baseline=None,
            baseline_label="—",
            target=Target("p50 < 1 s", below=1000),
            notes=(
                f"{len(timed)} sequential uploads ({WARMUPS} warm-ups excluded), one user, "
                f"distinct PDFs of {min(sizes):,}–{max(sizes):,} B; "
                f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                f"max {max(seconds) * 1000:.0f} ms",
                f"final statuses: {', '.join(statuses)}; gateway, resume service and this client "
                "share one process and event loop; logs at WARNING",
            ),
            extra={
                "p50_ms": p50 * 1000,
                "p95_ms": p95 * 1000,
                "samples_ms": [s * 1000 for s in seconds],
                "pdf_bytes": sizes,
                "statuses": statuses,
            },
        )
    ]


async def upload_until_settled(caller: Caller, pdf: bytes) -> tuple[float, str]:
    start = time.perf_counter()
    resume_id = await caller.upload("resume.pdf", pdf)
    while True:
        response = await caller.get(f"/resumes/{resume_id}")
        status = str(response.json()["status"])
        elapsed = time.perf_counter() - start
        if status != "processing":
            return elapsed, status
        if elapsed > TIMEOUT:
            raise AssertionError(f"resume {resume_id} still processing after {TIMEOUT:.0f} s")
        await asyncio.sleep(POLL)


def long_pdfs(count: int) -> list[bytes]:
    """`count` different resumes, each with enough jobs and highlights to reach ~200 KB."""
    sample: dict[str, Any] = json.loads(SAMPLE.read_text())
    jobs = _jobs_for_size(sample)
    return [resume_pdf(_long_resume(sample, jobs, number)) for number in range(count)]


def _jobs_for_size(sample: dict[str, Any]) -> int:
    jobs = 8
    while len(resume_pdf(_long_resume(sample, jobs, 0))) < PDF_BYTES:
        jobs += 4
    return jobs


def _long_resume(sample: dict[str, Any], jobs: int, number: int) -> dict[str, Any]:
    resume = copy.deepcopy(sample)
    resume["basics"]["name"] = f"Candidate Number {number}"
    resume["basics"]["email"] = f"candidate{number}@example.com"
    base = sample["work"]
    resume["work"] = [_job(base[i % len(base)], i) for i in range(jobs)]
    return resume


def _job(job: dict[str, Any], index: int) -> dict[str, Any]:
    highlights = list(job.get("highlights") or ["Shipped the product"]) * 3
    return {
        **job,
        "name": f"{job.get('name', 'Company')} {index}",
        "highlights": [f"{text} (result {index}.{n})" for n, text in enumerate(highlights)],
    }
