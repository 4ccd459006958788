"""The Celery peer of the AI-dispatch figures: one no-op task on a Redis broker and backend.

Imported by the Celery worker the benchmark starts (`celery -A benchmarks.celery_app …`)
and by the benchmark itself; the Redis URL comes from `BENCH_REDIS_URL`.
"""

from __future__ import annotations

import os

from celery import Celery

REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
app = Celery("bench", broker=REDIS, backend=REDIS)
app.conf.update(
    task_default_queue="bench-ai",
    broker_connection_retry_on_startup=True,
    worker_prefetch_multiplier=16,  # like our consumer's fetch batch
    result_expires=600,
)


@app.task(name="bench.noop")  # type: ignore[untyped-decorator]
def noop(ai_job_id: str) -> str:
    """The same no-op both sides run: receive the job, report it done."""
    return ai_job_id
