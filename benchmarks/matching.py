"""Figures 13–15: vector search for matches, ingestion with embedding, local embedding.

Search (`match-search`): 100,000 postings (20,000 with --quick) of 384 floats, made
synthetically but shaped like real sentence embeddings: 400 topic centroids, each
posting a centroid plus Gaussian noise (cosine to its centroid ≈ 0.7), unit length; query
vectors are drawn the same way, as a resume near some topics would be. They are loaded
with binary COPY into the jobs service's own `jobs.postings` table (its migrations, its
HNSW index: m=16, ef_construction=64, cosine), and each query runs the service's own
SQLAlchemy statement (`adapters.store.nearest_postings`: visible to the user, not a duplicate,
nearest first) for the top 20. Recall@20 compares those ids with an exact numpy search
over the same vectors in the same run; the baseline is PostgreSQL's exact search (the
same statement with index scans off), timed on fewer queries.

Ingestion (`match-ingest`): a file feed (JSON Lines, written at run time) of 1,000 postings
(200 with --quick) made from the evaluation's O*NET postings (evaluation/data/matching:
realistic lengths, up to 4,000 characters embedded), each with its own id and one of 400
companies, through `Ingestion.run`: parse, embed with the service's default local
embedder, look up duplicates, store the document, upsert the indexed row, append
`JobPostingIngested`. Baseline in the same run: the same path with all-MiniLM-L6-v2 on
numpy as the embedder (the model ingestion used before), on fewer postings.

Embedding (`match-embed`): the service's default local embedder (the static table
distilled from all-MiniLM-L6-v2) on the same posting texts; baseline: all-MiniLM-L6-v2 on
numpy (256 word pieces, batches of 32), the previous default, in the same run.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from pgvector.psycopg import register_vector_async
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.context import Bench
from benchmarks.figures import Figure, Target
from benchmarks.measurement import Stat, percentile
from jobtrail.jobs import matching as job_matching
from jobtrail.jobs.adapters.minilm import MiniLMEmbedder
from jobtrail.jobs.adapters.store import nearest_postings
from jobtrail.jobs.bootstrap import connected
from jobtrail.jobs.embedding import Embedder
from jobtrail.jobs.settings import JobsSettings
from tests.support.system import connection_settings

Matrix = npt.NDArray[np.float32]
DIMENSIONS = 384
TOPICS = 400
K = 20
SEED = 20261122
EVAL_POSTINGS = (
    Path(__file__).resolve().parents[1] / "evaluation" / "data" / "matching" / "postings.jsonl"
)


async def run(bench: Bench) -> list[Figure]:
    quick = bench.plan.quick
    settings = JobsSettings(**connection_settings(bench.stack))
    async with connected(settings) as parts:
        embedder = parts.deps.embedder
        minilm = MiniLMEmbedder()
        figures = [_embedding(embedder, minilm, 64 if quick else 384)]
        print(f"  match-embed: {figures[-1].ours.median:.1f} texts/s "
              f"(MiniLM {_median(figures[-1].baseline):.1f})", file=sys.stderr)  # fmt: skip
        figures.append(await _ingestion(parts, minilm, 200 if quick else 1000,
                                        40 if quick else 100))  # fmt: skip
        print(f"  match-ingest: {figures[-1].ours.median:.1f} postings/s "
              f"(MiniLM {_median(figures[-1].baseline):.1f})", file=sys.stderr)  # fmt: skip
        figures.append(await _search(parts.deps.engine, 20_000 if quick else 100_000,
                                     100 if quick else 300, 10 if quick else 20))  # fmt: skip
    return figures


def _median(stat: Stat | None) -> float:
    return stat.median if stat is not None else float("nan")


def _realistic(count: int, run: int) -> list[dict[str, object]]:
    """`count` postings made from the evaluation's O*NET postings, each one new."""
    records = [json.loads(line) for line in EVAL_POSTINGS.read_text("utf-8").splitlines() if line]
    rng = random.Random(SEED + run)
    made = []
    for number in range(count):
        record = records[number % len(records)]
        made.append({
            "id": f"bench-{run}-{number}-{uuid4().hex[:8]}",
            "title": record["title"],
            "company": f"Company {rng.randrange(400)}",
            "location": rng.choice(["Berlin", "London", "Remote", "Paris", "Austin, TX"]),
            "description": record["description"],
            "skills": record.get("skills") or [],
        })  # fmt: skip
    return made


def _rate(embed: Callable[[list[str]], object], texts: list[str], repeats: int) -> Stat:
    embed(texts[:8])  # warm-up
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        embed(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
    return Stat(tuple(rates))


def _embedding(embedder: Embedder, minilm: MiniLMEmbedder, count: int) -> Figure:
    texts = [job_matching.posting_text(p) for p in _realistic(count, 0)]
    now = getattr(embedder, "embed_now", None)
    if now is None:
        raise RuntimeError(f"the configured embedder {embedder.model} is not a local one")
    ours = _rate(now, texts, 5)
    baseline = _rate(minilm.embed_now, texts[: max(count // 4, 32)], 2)
    return Figure(
        name="match-embed",
        title=f"local embedding ({embedder.model}), posting texts, texts/s",
        unit="texts/s", ours=ours, baseline=baseline,
        baseline_label="all-MiniLM-L6-v2 on numpy (256 word pieces), the previous default",
        target=Target("≥ 10× the MiniLM path", min_ratio=10),
        notes=(f"{count} posting texts from the evaluation's O*NET postings (up to 4,000 "
               "characters), 5 repetitions; MiniLM on a quarter of them, 2 repetitions; "
               "both on 2 cores, no torch",),
    )  # fmt: skip


async def _ingest(parts: object, rows: list[dict[str, object]], folder: Path, name: str) -> float:
    from jobtrail.jobs.adapters.feeds import FileSource
    from jobtrail.jobs.bootstrap import Connected

    assert isinstance(parts, Connected)
    path = folder / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    parts.ingestion.sources["bench"] = [FileSource(path)]
    start = time.perf_counter()
    result = await parts.ingestion.run("bench")
    elapsed = time.perf_counter() - start
    if result is None or result.error is not None:
        raise RuntimeError(f"the benchmark feed failed: {result}")
    return (result.added + result.duplicates) / elapsed


async def _ingestion(parts: object, minilm: MiniLMEmbedder, count: int, old: int) -> Figure:
    from jobtrail.jobs.bootstrap import Connected

    assert isinstance(parts, Connected)
    rates = []
    with tempfile.TemporaryDirectory() as folder:
        for repetition in range(2):
            rows = _realistic(count, repetition + 1)
            rates.append(await _ingest(parts, rows, Path(folder), f"feed-{repetition}"))
        default = parts.deps.embedder
        parts.deps.embedder = minilm
        try:
            baseline = await _ingest(parts, _realistic(old, 9), Path(folder), "feed-minilm")
        finally:
            parts.deps.embedder = default
    return Figure(
        name="match-ingest",
        title="ingestion from a file feed, including embedding, postings/s",
        unit="postings/s", ours=Stat(tuple(rates)), baseline=Stat((baseline,)),
        baseline_label="the same ingestion with all-MiniLM-L6-v2 on numpy as the embedder",
        target=Target("≥ 200 postings/s", at_least=200),
        notes=(f"{count} new postings per run, 2 runs (baseline: {old} postings, 1 run): "
               "parse, embed, duplicate look-up, document put, indexed upsert, "
               "JobPostingIngested append; postings made from the evaluation's O*NET "
               "postings, 400 companies",),
    )  # fmt: skip


def _vectors(rng: np.random.Generator, centroids: Matrix, count: int) -> Matrix:
    picks = rng.integers(0, len(centroids), count)
    noise = rng.normal(0, 1 / np.sqrt(DIMENSIONS), (count, DIMENSIONS)).astype(np.float32)
    raw = centroids[picks] + noise
    unit: Matrix = (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype(np.float32)
    return unit


async def _search(engine: AsyncEngine, count: int, queries: int, exact_queries: int) -> Figure:
    rng = np.random.default_rng(SEED)
    centroids = rng.normal(0, 1, (TOPICS, DIMENSIONS)).astype(np.float32)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    vectors = _vectors(rng, centroids, count)
    probes = _vectors(rng, centroids, queries)
    ids = [uuid4() for _ in range(count)]
    load_start = time.perf_counter()
    async with engine.connect() as connection:
        await connection.execute(sa.text("DELETE FROM jobs.postings WHERE source = 'bench'"))
        await connection.execute(sa.text("DROP INDEX IF EXISTS jobs.ix_postings_embedding_hnsw"))
        await connection.commit()
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await register_vector_async(driver)
        columns = ("job_id, source, source_id, title, dedup_key, skills, requirements, "
                   "document_version, sha256, model, embedding, updated_at")  # fmt: skip
        async with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY jobs.postings ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types(["uuid", "text", "text", "text", "text", "text[]", "jsonb",
                            "int4", "text", "text", "vector", "timestamptz"])  # fmt: skip
            now = datetime.now(UTC)
            for number, (job_id, vector) in enumerate(zip(ids, vectors, strict=True)):
                await copy.write_row((job_id, "bench", str(number), f"posting {number}", "-",
                                      [], "[]", 1, "-", "synthetic", vector, now))  # fmt: skip
        await driver.commit()
        loaded = time.perf_counter() - load_start
        build_start = time.perf_counter()
        await connection.execute(sa.text("SET maintenance_work_mem = '1GB'"))
        await connection.execute(sa.text(
            "CREATE INDEX ix_postings_embedding_hnsw ON jobs.postings USING hnsw "
            "(embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
        ))  # fmt: skip
        await connection.commit()
        built = time.perf_counter() - build_start
        await connection.execute(sa.text("ANALYZE jobs.postings"))
        await connection.commit()
    truth = np.argsort(-(probes @ vectors.T), axis=1)[:, :K]
    position = {job_id: n for n, job_id in enumerate(ids)}
    owner = uuid4()
    latencies, recalls = [], []
    async with engine.connect() as connection:
        for warm in probes[:5]:
            await connection.execute(nearest_postings(warm.tolist(), owner, K))
        for probe, expected in zip(probes, truth, strict=True):
            start = time.perf_counter()
            rows = (await connection.execute(nearest_postings(probe.tolist(), owner, K))).all()
            latencies.append((time.perf_counter() - start) * 1000)
            found = {position.get(r.job_id) for r in rows}
            recalls.append(len(found & set(expected.tolist())) / K)
        await connection.execute(sa.text("SET enable_indexscan = off"))
        exact = []
        for probe in probes[:exact_queries]:
            start = time.perf_counter()
            await connection.execute(nearest_postings(probe.tolist(), owner, K))
            exact.append((time.perf_counter() - start) * 1000)
        await connection.rollback()
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    recall = float(np.mean(recalls))
    return Figure(
        name="match-search",
        title=f"top-{K} matches among {count:,} postings (HNSW via SQLAlchemy), p95",
        unit="ms",
        ours=Stat((p95,)),
        baseline=Stat((percentile(exact, 0.95),)),
        baseline_label="exact search in PostgreSQL (no index), p95",
        target=Target("p95 < 30 ms, recall@20 ≥ 0.95", below=30 if recall >= 0.95 else -1),
        notes=(
            f"{queries} queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms; recall@{K} {recall:.3f} "
            f"vs exact numpy search over the same vectors (min {min(recalls):.2f})",
            f"synthetic clustered vectors ({TOPICS} topics, cosine to centroid ≈ 0.7); "
            f"COPY {loaded:.1f} s, HNSW build {built:.1f} s (m=16, ef_construction=64)",
        ),
        extra={"p50_ms": p50, "p95_ms": p95, "recall_at_20": recall,
               "exact_p50_ms": percentile(exact, 0.5), "load_s": loaded, "build_s": built},
    )  # fmt: skip
