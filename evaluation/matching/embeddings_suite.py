"""Local embedders side by side: speed on posting texts, and what they retrieve.

Embedders: the shipped all-MiniLM-L6-v2 on numpy (256 word pieces, the baseline and the
reference), the same model cut at 128 word pieces, and the static table distilled from
it (`StaticEmbedder`, made by evaluation/training/static_embeddings.py on SkillSpan: none
of the texts below was seen in its making). An ONNX Runtime variant is not here: building
the graph needs the `onnx` package, which is not installed (no torch to export with either).

- Speed: texts/s on the evaluation's posting texts (the service's `posting_text`, up to
  4,000 characters), one BLAS thread and two.
- Agreement with the model: for each TEST resume (the service's resume text), the 10
  nearest postings by the full model, and the share of them each embedder also puts in
  its top 10 (recall@10).
- Dense retrieval alone on the occupational layer: every TEST resume against all
  postings by cosine, graded by O*NET code (3 same occupation, 2 broad group, 1 major
  group): NDCG@5, NDCG@10, MRR. The hybrid ranking's figures per embedder are in the
  matching suite when it can take an embedder (see below).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from evaluation.matching import calibration, metrics, postings, rankers
from jobtrail.jobs import matching
from jobtrail.jobs.adapters.minilm import MiniLMEmbedder
from jobtrail.jobs.adapters.static import StaticEmbedder

Matrix = npt.NDArray[np.float32]
K = 10
QUICK_RESUMES = 20


class Memo:
    """An `Embedder` over a variant that embeds each distinct text once per run."""

    dimensions = 384

    def __init__(self, model: str, embed: Callable[[Sequence[str]], Matrix]) -> None:
        self.model = model
        self._embed = embed
        self._known: dict[str, Matrix] = {}

    def embed_now(self, texts: Sequence[str]) -> Matrix:
        missing = list(dict.fromkeys(t for t in texts if t not in self._known))
        if missing:
            with threadpool_limits(limits=2):
                self._known.update(zip(missing, self._embed(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self._known[t] for t in texts]).astype(np.float32)

    async def embed(self, texts: Sequence[str]) -> Matrix:
        return self.embed_now(texts)


@dataclass
class Variant:
    name: str
    embed: Callable[[Sequence[str]], Matrix]
    memo: Any


def variants() -> list[Variant]:
    full = MiniLMEmbedder()
    short = MiniLMEmbedder(max_tokens=128)
    static = StaticEmbedder()
    return [
        # The reference shares the matching suite's disk cache of MiniLM vectors.
        Variant("MiniLM, numpy, 256 pieces (shipped before; reference)", full.embed_now,
                rankers.CachedEmbedder(lambda: full)),
        Variant("MiniLM, numpy, 128 pieces", short.embed_now,
                Memo("minilm-128", short.embed_now)),
        Variant(f"static table distilled from MiniLM (`{static.model}`)", static.embed_now,
                Memo(static.model, static.embed_now)),
    ]  # fmt: skip


def speed(embed: Callable[[Sequence[str]], Matrix], texts: list[str], threads: int) -> float:
    """Texts per second, best of two passes after a warm-up."""
    with threadpool_limits(limits=threads):
        embed(texts[:4])
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            embed(texts)
            best = min(best, time.perf_counter() - start)
    return len(texts) / best


def dense(cases: list[calibration.Case], memo: Any) -> tuple[list[list[int]], dict[str, float]]:
    """Every case's postings ranked by cosine alone; NDCG@5/@10 and MRR by O*NET grade."""
    orders, totals = [], {"ndcg5": 0.0, "ndcg10": 0.0, "mrr": 0.0}
    for case in cases:
        resume_text = matching.resume_profile(case.resume)[1] or case.resume_text
        texts = [matching.posting_text(p) for p in case.postings]
        vectors = memo.embed_now([resume_text, *texts])
        scores = [float(s) for s in vectors[1:] @ vectors[0]]
        order = rankers.order(scores, [p["id"] for p in case.postings])
        grades = [float(case.grades[case.postings[i]["id"]]) for i in order]
        totals["ndcg5"] += metrics.ndcg(grades, 5)
        totals["ndcg10"] += metrics.ndcg(grades, 10)
        totals["mrr"] += metrics.reciprocal_rank(grades)
        orders.append(order)
    return orders, {k: v / max(len(cases), 1) for k, v in totals.items()}


def hybrid(cases: list[calibration.Case], memo: Any) -> dict[str, float] | None:
    """The hybrid ranking (jobtrail.jobs.ranking) with this embedder, if it is built."""
    if rankers.new_ranking_module() is None:
        return None
    ranker = rankers.NewRanking(memo)
    totals = {"ndcg5": 0.0, "ndcg10": 0.0, "mrr": 0.0}
    for case in cases:
        scores = ranker(case.resume, case.resume_text, case.postings)
        order = rankers.order(scores, [p["id"] for p in case.postings])
        grades = [float(case.grades[case.postings[i]["id"]]) for i in order]
        totals["ndcg5"] += metrics.ndcg(grades, 5)
        totals["ndcg10"] += metrics.ndcg(grades, 10)
        totals["mrr"] += metrics.reciprocal_rank(grades)
    return {k: v / max(len(cases), 1) for k, v in totals.items()}


def run(quick: bool) -> str:
    """Speed and quality of each local embedder, as Markdown."""
    started = time.perf_counter()
    cases = calibration.cases("test", QUICK_RESUMES if quick else None)
    sample = [matching.posting_text(p) for p in postings.load()[: 32 if quick else 96]]
    rows = []
    reference: list[list[int]] | None = None
    errors = []
    for variant in variants():
        rates = [speed(variant.embed, sample, threads) for threads in (1, 2)]
        orders, quality = dense(cases, variant.memo)
        if reference is None:
            reference = orders
        agreement = float(np.mean([len(set(a[:K]) & set(b[:K])) / K
                                   for a, b in zip(reference, orders, strict=True)]))  # fmt: skip
        try:
            mixed = hybrid(cases, variant.memo)
        except Exception as error:  # a broken ranker is reported, not fatal
            mixed = None
            errors.append(f"{variant.name}: {type(error).__name__}: {error}")
        if isinstance(variant.memo, rankers.CachedEmbedder):
            variant.memo.save()
        rows.append((variant.name, rates, agreement, quality, mixed))
    lines = [
        "## Embeddings: speed and retrieval quality",
        "",
        f"Speed: {len(sample)} posting texts (the service's `posting_text`, up to 4,000 "
        f"characters). Quality: {len(cases)} TEST resumes × all {len(postings.load())} postings "
        "of the occupational layer, graded by O*NET code"
        + (f" (quick mode: {QUICK_RESUMES} resumes)" if quick else "") + ".",
        "",
        "| embedder | texts/s, 1 thread | texts/s, 2 threads | recall@10 vs MiniLM "
        "| dense NDCG@5 | dense NDCG@10 | dense MRR | hybrid NDCG@5 | hybrid NDCG@10 "
        "| hybrid MRR |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for name, rates, agreement, quality, mixed in rows:
        tail = "| – | – | – |"
        if mixed is not None:
            tail = f"| {mixed['ndcg5']:.3f} | {mixed['ndcg10']:.3f} | {mixed['mrr']:.3f} |"
        lines.append(
            f"| {name} | {rates[0]:,.1f} | {rates[1]:,.1f} | {agreement:.3f} | "
            f"{quality['ndcg5']:.3f} | {quality['ndcg10']:.3f} | {quality['mrr']:.3f} {tail}"
        )
    lines += [
        "",
        "Dense: cosine of the service's resume text and posting text alone. Hybrid: the new "
        "ranking (`jobtrail.jobs.ranking.rank`) with that embedder inside"
        + ("" if rankers.new_ranking_module() is not None else " (not built yet)") + ". "
        "recall@10 vs MiniLM: share of the reference's dense top 10 each embedder also ranks "
        "in its top 10. Threads are BLAS threads (numpy's matrix products); the static table "
        "does a gather and a sum per text, no matrix product. No ONNX Runtime row: building "
        "the graph needs the `onnx` package, which is not installed (and there is no torch "
        "to export with).",
        *(f"- ranking failed: {e}" for e in errors),
        f"_{time.perf_counter() - started:.0f} s_",
    ]  # fmt: skip
    return "\n".join(lines)
