"""`make eval` suite `matching`: rankers against three layers of relevance judgements.

Layers (figures on the TEST split of resumes only; see calibration.py for the split):
1. Occupational relevance at scale: resumes of known O*NET occupation (dotin CVs by their
   designations, jsonresume-fake by label) against ALL generated postings (~380, no
   sampling), graded 3/2/1/0 by O*NET code. NDCG@5, NDCG@10, MRR (first grade-3 posting).
2. Gold: 32 TEST resumes × 10 postings judged by hand twice (GUIDELINES.md); each resume
   ranks its 10 judged postings; grade = mean of the two judges; MRR counts the first
   posting with mean grade ≥ 2.5.
3. Pairwise checks from templates (pairwise.py): pass rate per check type.
Random is the exact expectation of a uniformly random order (no sampling).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from evaluation.matching import (
    calibration,
    gold,
    metrics,
    onet,
    pairwise,
    postings,
    rankers,
    resumes,
)

QUICK_RESUMES = 20


def _fmt(value: float) -> str:
    return "–" if value != value else f"{value:.3f}"  # NaN → dash


def _layer(
    scorer: Callable[..., list[float]] | None,
    cases: list[tuple[Any, str, list[dict[str, Any]], dict[str, float]]],
    relevant: float,
    pairs: list[tuple[float, float]] | None = None,
    per_case: list[dict[str, float]] | None = None,
) -> dict[str, float]:
    """Mean NDCG@5, NDCG@10, MRR of `scorer` over cases (resume, text, candidates, grades)."""
    totals: dict[str, float] = defaultdict(float)
    for resume, text, candidates, grades in cases:
        every = [grades[p["id"]] for p in candidates]
        if scorer is None:
            case = {
                "ndcg5": metrics.expected_random_ndcg(every, 5),
                "ndcg10": metrics.expected_random_ndcg(every, 10),
                "mrr": metrics.expected_random_rr(every, relevant),
            }
        else:
            scores = scorer(resume, text, candidates)
            if pairs is not None:
                pairs.extend(zip(scores, every, strict=True))
            ranked = [every[i] for i in rankers.order(scores, [p["id"] for p in candidates])]
            case = {
                "ndcg5": metrics.ndcg(ranked, 5),
                "ndcg10": metrics.ndcg(ranked, 10),
                "mrr": metrics.reciprocal_rank(ranked, relevant),
            }
        for key, value in case.items():
            totals[key] += value
        if per_case is not None:
            per_case.append(case)
    n = len(cases) or 1
    return {k: v / n for k, v in totals.items()}


def _pairwise(
    scorer: Callable[..., list[float]] | None, checks: list[pairwise.Case]
) -> dict[str, float]:
    passed: dict[str, list[float]] = defaultdict(list)
    for case in checks:
        if scorer is None:
            passed[case.kind].append(0.5)
            continue
        better, worse = scorer(case.resume, case.resume_text, [case.better, case.worse])
        ok = better >= worse if case.ties_pass else better > worse
        passed[case.kind].append(1.0 if ok else 0.0)
    return {kind: sum(v) / len(v) for kind, v in passed.items()}


def run(quick: bool) -> str:
    """The matching report, as Markdown."""
    started = time.perf_counter()
    records = postings.load()
    public = [postings.public(p) for p in records]
    all_resumes, census = resumes.load()
    occupational = calibration.cases("test", QUICK_RESUMES if quick else None)
    occ_cases = [
        (c.resume, c.resume_text, c.postings, {k: float(v) for k, v in c.grades.items()})
        for c in occupational
    ]
    codes = {r.id: r.onet_code for r in resumes.load()[0]}
    computing = [codes[c.resume_id].startswith("15-") for c in occupational]
    by_id = {r.id: r for r in all_resumes}
    by_posting = {p["id"]: p for p in public}
    gold_grades = gold.grades()
    gold_groups: dict[str, dict[str, float]] = defaultdict(dict)
    for (rid, pid), value in gold_grades.items():
        gold_groups[rid][pid] = value
    gold_cases = [
        (by_id[rid].document, by_id[rid].text, [by_posting[p] for p in sorted(g)], g)
        for rid, g in sorted(gold_groups.items())
    ]
    checks = pairwise.cases()

    embedder = rankers.CachedEmbedder()
    scorers: dict[str, Callable[..., list[float]] | None] = {
        "random (expected)": None,
        "TF-IDF cosine": rankers.TfIdf(public),
        "BM25 (resume text as query)": rankers.Bm25(public),
        "current matcher (v1, frozen)": rankers.BaselineV1(embedder),
    }
    new_status = "not built"
    if rankers.new_ranking_module() is not None:
        scorers["new ranking"] = rankers.NewRanking(embedder)
        static = rankers.static_embedder()
        if static is not None:
            scorers["new ranking, static embedder (service default)"] = rankers.NewRanking(static)
        new_status = (
            f"jobtrail.jobs.ranking ({getattr(rankers.new_ranking_module(), 'FORMULA', '?')})"
        )

    results: dict[str, dict[str, dict[str, float]]] = {}
    errors: dict[str, str] = {}
    scored: dict[str, tuple[list[tuple[float, float]], list[tuple[float, float]]]] = {}
    for name, scorer in scorers.items():
        occ_pairs: list[tuple[float, float]] = []
        gold_pairs: list[tuple[float, float]] = []
        per_case: list[dict[str, float]] = []
        try:
            results[name] = {
                "occupational": _layer(scorer, occ_cases, 3, occ_pairs, per_case),
                "gold": _layer(scorer, gold_cases, 2.5, gold_pairs) if gold_cases else {},
                "pairwise": _pairwise(scorer, checks),
            }
            scored[name] = (occ_pairs, gold_pairs)
            it = [case for case, flag in zip(per_case, computing, strict=True) if flag]
            results[name]["computing"] = {
                key: sum(c[key] for c in it) / (len(it) or 1) for key in ("ndcg5", "ndcg10")
            }
        except Exception as error:
            errors[name] = f"{type(error).__name__}: {error}"
        for scorer in scorers.values():
            if isinstance(scorer, (rankers.BaselineV1, rankers.NewRanking)):
                scorer.embedder.save()

    lines = ["## Matching", ""]
    lines += _header(records, all_resumes, census, quick)
    computed = sum(
        scorer.embedder.computed
        for scorer in scorers.values()
        if isinstance(scorer, (rankers.BaselineV1, rankers.NewRanking))
    )
    lines.append(f"- New ranking: {new_status}. Embeddings computed this run: {computed}.")
    lines += [
        "",
        f"### Layers (occupational: {len(occ_cases)} TEST resumes × all {len(public)} postings; "
        f"gold: {len(gold_cases)} resumes × their 10 judged postings)",
        "",
        "| ranker | occ NDCG@5 | occ NDCG@10 | occ MRR | gold NDCG@5 | gold NDCG@10 | gold MRR "
        f"| occ NDCG@10, computing resumes only ({sum(computing)}) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, layers in results.items():
        occ, gld = layers["occupational"], layers["gold"]
        lines.append(
            f"| {name} | {_fmt(occ['ndcg5'])} | {_fmt(occ['ndcg10'])} | {_fmt(occ['mrr'])} | "
            f"{_fmt(gld.get('ndcg5', math.nan))} | {_fmt(gld.get('ndcg10', math.nan))} | "
            f"{_fmt(gld.get('mrr', math.nan))} | {_fmt(layers['computing']['ndcg10'])} |"
        )
    for name, message in errors.items():
        lines.append(f"| {name} | failed: {message} | | | | | | |")
    kinds = sorted({c.kind for c in checks})
    counts = {k: sum(1 for c in checks if c.kind == k) for k in kinds}
    lines += [
        "",
        f"### Pairwise checks ({len(checks)} cases; pass rate)",
        "",
        "| ranker | " + " | ".join(f"{k} ({counts[k]})" for k in kinds) + " | all |",
        "|---|" + "---|" * (len(kinds) + 1),
    ]
    for name, layers in results.items():
        rates = layers["pairwise"]
        overall = sum(rates[k] * counts[k] for k in kinds) / len(checks)
        lines.append(
            f"| {name} | " + " | ".join(f"{rates[k]:.2f}" for k in kinds) + f" | {overall:.2f} |"
        )
    lines += [
        "",
        "has_vs_lacks: the posting requiring skills the resume shows beats the same posting "
        "requiring skills of the field it lacks. senior_resume / junior_resume: the posting at "
        "the resume's level beats the same posting at the other level. same_occupation: the "
        "resume's occupation beats another one naming as many of its skills. long_list: a "
        "posting listing 17 technologies including all of the resume's is not beaten by one "
        "listing 3 of them (ties pass). Cases from templates over 10 fields (pairwise.py).",
    ]
    agreement = gold.agreement()
    versus = gold.versus_codes(codes, {p["id"]: p["onet_code"] for p in records})
    lines += [
        "",
        "### Gold set agreement (judge a vs judge b)",
        "",
        f"{int(agreement['pairs'])} pairs judged twice: exact {agreement['exact']:.1%}, "
        f"within one grade {agreement['within_1']:.1%}, quadratic-weighted Cohen's kappa "
        f"{agreement['kappa']:.3f}.",
        "",
        f"Gold (mean grade, rounded half up) vs the O*NET-code grade on the same pairs: exact "
        f"{versus['exact']:.1%}, within one {versus['within_1']:.1%}, kappa {versus['kappa']:.3f} "
        "(how far the occupational layer's automatic grades are from a reading of the texts).",
    ]
    for name, (occ_pairs, gold_pairs) in scored.items():
        if name.startswith("new ranking"):
            lines += _calibration_section(name, occ_pairs, gold_pairs)
    lines.append("")
    lines.append(f"_matching suite: {time.perf_counter() - started:.0f} s_")
    return "\n".join(lines)


def _calibration_section(
    name: str, occ_pairs: list[tuple[float, float]], gold_pairs: list[tuple[float, float]]
) -> list[str]:
    out = [
        "",
        f"### Calibration: observed relevance per score band, {name} (TEST pairs)",
        "",
        "| score band | occ pairs | occ mean grade | occ share grade 3 "
        "| gold pairs | gold mean grade | gold share ≥ 2.5 |",
        "|---|---|---|---|---|---|---|",
    ]
    occ = calibration.band_table(occ_pairs, relevant=3)
    gld = calibration.band_table(gold_pairs, relevant=2.5)
    for o, g in zip(occ, gld, strict=True):
        out.append(
            f"| {o['band']} | {o['count']} | {_fmt(o['mean_grade'])} | {_fmt(o['share_3'])} "
            f"| {g['count']} | {_fmt(g['mean_grade'])} | {_fmt(g['share_3'])} |"
        )
    return out


def _header(
    records: tuple[dict[str, Any], ...],
    all_resumes: list[resumes.Resume],
    census: resumes.Census,
    quick: bool,
) -> list[str]:
    occupations = {onet.occupation_key(r.onet_code) for r in all_resumes}
    mapped = ", ".join(f"{census.mapped[s]}/{census.offered[s]} {s}" for s in census.offered)
    dev = sum(r.split == "dev" for r in all_resumes)
    return [
        f"- Postings: {len(records)} generated from O*NET 27.0 over "
        f"{len({p['onet_code'] for p in records})} occupations "
        "(evaluation/data/matching/postings.jsonl, seeded).",
        f"- Resumes of known occupation: {mapped} titles mapped confidently to "
        f"{len(occupations)} occupations ({census.methods['exact']} by exact title, "
        f"{census.methods['overlap']} by token overlap). Split by a hash of the id: {dev} DEV "
        f"(for fitting), {len(all_resumes) - dev} TEST. **All figures below are TEST only**"
        + (f" (quick mode: {QUICK_RESUMES} resumes)." if quick else "."),
        "- Grades: 3 same O*NET occupation, 2 same broad group, 1 same major group, 0 other. "
        "Occupational layer: each resume ranks ALL postings (no sampling); MRR = first grade 3. "
        "Gold layer: each resume ranks its 10 hand-judged postings, grade = mean of judges a "
        "and b; MRR = first posting with mean grade ≥ 2.5. Random = exact expectation.",
    ]
