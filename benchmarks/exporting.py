"""Figure 12: PDF and DOCX exports, rendering alone and end to end through the system.

Rendering: each format and template renders distinct copies of the JSON Resume sample (two
pages; the name and email change per copy, so no cache answers) in this process, the way
the exporter does; p50 of the wall time of one render, after warm-ups.

End to end: the gateway, the exporter and the resume service run in this process on the
stack, as the integration tests run them (`tests.support.system.running_system`). One user
asks for PDF exports (classic template) of a resume version one after another; each is
timed from POST /resumes/{id}/versions/{v}/exports until GET /exports/{id} (polled every
10 ms) no longer says `pending`: the request, the event, the render, the S3 put, the
ExportReady event and the projection.
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
from jobtrail.exporter.render import TEMPLATES, render_resume
from tests.support.system import Caller, running_system

SAMPLE = Path(__file__).parents[1] / "tests" / "data" / "sample.resume.json"
POLL = 0.010
WARMUPS = 3
TIMEOUT = 30.0
FORMATS = ("pdf", "docx")


async def run(bench: Bench) -> list[Figure]:
    renders = bench.plan.uploads * 2
    figures = [
        await asyncio.to_thread(_render_figure, fmt, template, renders)
        for fmt in FORMATS
        for template in TEMPLATES
    ]
    figures.append(await _end_to_end(bench))
    return figures


def _render_figure(fmt: str, template: str, count: int) -> Figure:
    sample = json.loads(SAMPLE.read_text())
    seconds = []
    sizes = []
    for number in range(WARMUPS + count):
        resume = _copy(sample, number)
        start = time.perf_counter()
        rendered = render_resume(resume, fmt, template, 1)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
        if number >= WARMUPS:
            seconds.append(elapsed)
            sizes.append(len(rendered.data))
    p50, p95 = percentile(seconds, 0.50), percentile(seconds, 0.95)
    target = Target("p50 < 300 ms", below=300) if fmt == "pdf" else Target("—")
    return Figure(
        name=f"export-{fmt}-{template}",
        title=f"{fmt.upper()} render, {template} template (2-page resume), p50",
        unit="ms",
        ours=Stat((p50 * 1000,)),
        baseline=None,
        baseline_label="—",
        target=target,
        notes=(
            f"{count} renders of distinct copies ({WARMUPS} warm-ups excluded); "
            f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {max(seconds) * 1000:.1f} ms; "
            f"{min(sizes):,}–{max(sizes):,} B",
        ),
        extra={
            "p50_ms": p50 * 1000,
            "p95_ms": p95 * 1000,
            "samples_ms": [s * 1000 for s in seconds],
        },
    )


async def _end_to_end(bench: Bench) -> Figure:
    await fresh_log(bench.nc)  # the services must not start on the other figures' events
    async with running_system(with_fresh_database(bench.stack, "bench_export")) as system:
        caller = await system.user("Bench")
        resume_id = await _parsed_resume(caller)
        outcomes = [
            await _export_until_settled(caller, resume_id)
            for _ in range(WARMUPS + bench.plan.uploads)
        ]
    timed = outcomes[WARMUPS:]
    seconds = [elapsed for elapsed, _ in timed]
    statuses = sorted({status for _, status in timed})
    p50, p95 = percentile(seconds, 0.50), percentile(seconds, 0.95)
    return Figure(
        name="export",
        title="PDF export request → ready (classic, 2 pages), p50",
        unit="ms",
        ours=Stat((p50 * 1000,)),
        baseline=None,
        baseline_label="—",
        target=Target("p50 < 300 ms", below=300),
        notes=(
            f"{len(timed)} sequential exports ({WARMUPS} warm-ups excluded), one user; "
            f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms",
            f"final statuses: {', '.join(statuses)}; gateway, exporter and this client share "
            "one process and event loop; includes the S3 put and both events",
        ),
        extra={
            "p50_ms": p50 * 1000,
            "p95_ms": p95 * 1000,
            "samples_ms": [s * 1000 for s in seconds],
        },
    )


async def _parsed_resume(caller: Caller) -> str:
    resume_id = await caller.upload("resume.json", SAMPLE.read_bytes())
    settled = await caller.settled_resume(resume_id)
    assert settled["status"] == "parsed", settled
    return resume_id


async def _export_until_settled(caller: Caller, resume_id: str) -> tuple[float, str]:
    start = time.perf_counter()
    response = await caller.post(
        f"/resumes/{resume_id}/versions/1/exports", json={"format": "pdf", "template": "classic"}
    )
    assert response.status_code == 202, response.text
    export_id = response.json()["export_id"]
    while True:
        status = str((await caller.get(f"/exports/{export_id}")).json()["status"])
        elapsed = time.perf_counter() - start
        if status != "pending":
            return elapsed, status
        if elapsed > TIMEOUT:
            raise AssertionError(f"export {export_id} still pending after {TIMEOUT:.0f} s")
        await asyncio.sleep(POLL)


def _copy(sample: dict[str, Any], number: int) -> dict[str, Any]:
    resume = copy.deepcopy(sample)
    resume["basics"]["name"] = f"Candidate Number {number}"
    resume["basics"]["email"] = f"candidate{number}@example.com"
    return resume
