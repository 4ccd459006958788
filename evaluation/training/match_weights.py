"""Fit the hybrid ranking's weights and calibration on the evaluation's DEV split.

`OMP_NUM_THREADS=1 python -m evaluation.training.match_weights [--limit N]`

1. For every DEV resume of the occupational layer (`evaluation.matching.calibration.
   dev_cases`: never TEST) and every posting, compute `jobtrail.jobs.ranking.features`
   exactly as `ranking.rank` does (BM25 among the case's postings, embedding cosine with
   the service's default embedder unless `--embedder minilm`, skills, title, seniority,
   years, recency).
2. Fit a logistic model (scikit-learn) of relevance with soft labels: each pair counts
   as relevant with weight grade/3 and as not relevant with weight 1 - grade/3.
3. Fit an isotonic map from the model's logit to 100 × grade/3 (so a score says the
   expected grade: ≥ 80 means mostly grade-3 pairs), thinned to a few knots, its flat top
   stretched to logit 12 so the best matches keep their order.

It prints the constants to paste into ranking.py (for MiniLM: WEIGHTS, BIAS, CALIBRATION;
for another embedder: its entry in FITS) and the DEV
figures (NDCG@5 of the fitted model, band table). Weights are forced non-negative: every
feature is built so that more means a better fit.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from jobtrail.jobs import ranking

TOP = 12.0  # the logit that maps to 100


def pair_features(
    limit: int | None, embedder_name: str = "static"
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Features (pairs × WEIGHTS keys), grades, and the case each pair belongs to."""
    from evaluation.matching import calibration, rankers

    embedder = rankers.static_embedder() if embedder_name == "static" else None
    embedder = embedder or rankers.CachedEmbedder()
    names = list(ranking.WEIGHTS)
    rows: list[list[float]] = []
    grades: list[int] = []
    groups: list[int] = []
    wanted_of: dict[str, dict[str, Any]] = {}
    try:
        for number, case in enumerate(calibration.dev_cases(limit)):
            texts = [ranking.posting_text(p) for p in case.postings]
            vectors = embedder.embed_now([case.resume_text, *texts])
            similarities = vectors[1:] @ vectors[0]
            lexical = ranking.lexical_scores(case.resume_text, texts)
            facts = ranking.resume_facts(case.resume)
            for i, posting in enumerate(case.postings):
                pid = str(posting["id"])
                if pid not in wanted_of:
                    wanted_of[pid] = ranking.requirements(posting)
                values = ranking.features(facts, wanted_of[pid], float(similarities[i]), lexical[i])
                rows.append([values[n] for n in names])
                grades.append(case.grades[pid])
                groups.append(number)
    finally:
        embedder.save()
    return np.array(rows), np.array(grades), groups


def fit(x: np.ndarray, grades: np.ndarray) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    soft = grades / 3.0
    features = np.vstack([x, x])
    labels = np.concatenate([np.ones(len(x)), np.zeros(len(x))])
    weights = np.concatenate([soft, 1 - soft])
    keep = weights > 0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(features[keep], labels[keep], sample_weight=weights[keep])
    coef = {n: max(0.0, float(c)) for n, c in zip(ranking.WEIGHTS, model.coef_[0], strict=True)}
    return coef, float(model.intercept_[0])


def refit_bias(z0: np.ndarray, soft: np.ndarray, start: float) -> float:
    """The intercept that fits best once the floored weights are fixed (Newton steps on
    the soft-label log loss)."""
    bias = start
    for _ in range(50):
        p = 1 / (1 + np.exp(-(z0 + bias)))
        step = float(np.sum(p - soft)) / max(float(np.sum(p * (1 - p))), 1e-9)
        bias -= step
        if abs(step) < 1e-6:
            break
    return bias


def calibrate(z: np.ndarray, grades: np.ndarray, knots: int = 16) -> list[tuple[float, float]]:
    """Isotonic 100 × grade / 3 on the logit, as knots; the top is stretched to logit
    TOP (a flat top would tie the best matches)."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0, y_max=100, out_of_bounds="clip")
    iso.fit(z, 100 * grades / 3.0)
    # Most pairs are unrelated: place knots densely where the relevant few are (the top).
    grid = np.concatenate([np.linspace(0, 0.9, knots - 6), [0.94, 0.97, 0.985, 0.993, 0.997, 1]])
    qs = [float(q) for q in np.unique(np.quantile(z, grid))]
    ys = [float(y) for y in np.maximum.accumulate(iso.predict(qs))]
    top = max(ys)
    first_top = ys.index(top)
    xs, ys = [-TOP, *qs[:first_top]], [0.0, *ys[:first_top]]
    xs.append(TOP)
    ys.append(100.0)
    return [(round(x, 4), round(y, 1)) for x, y in zip(xs, ys, strict=True)]


def ndcg_at(scores: Sequence[float], grades: Sequence[int], k: int = 5) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    gain = sum((2 ** grades[i] - 1) / math.log2(r + 2) for r, i in enumerate(order))
    ideal = sorted(grades, reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return gain / best if best else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="DEV resumes to use")
    parser.add_argument("--embedder", choices=("static", "minilm"), default="static",
                        help="the service's default (static) or the full MiniLM")  # fmt: skip
    args = parser.parse_args()
    x, grades, groups = pair_features(args.limit, args.embedder)
    names = list(ranking.WEIGHTS)
    coef, bias = fit(x, grades)
    coef = {n: max(c, ranking.FLOORS.get(n, 0.0)) for n, c in coef.items()}  # as shipped
    bias = refit_bias(x @ np.array([coef[n] for n in names]), grades / 3.0, bias)
    z = bias + x @ np.array([coef[n] for n in names])
    p = 1 / (1 + np.exp(-z))
    knots = calibrate(z, grades)
    by_case: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        by_case.setdefault(g, []).append(i)
    for label, values in (("fitted", p), *((f"{n} alone", x[:, j]) for j, n in enumerate(names))):
        ndcg = np.mean([ndcg_at([values[i] for i in idx], [grades[i] for i in idx])
                        for idx in by_case.values()])  # fmt: skip
        print(f"DEV NDCG@5 {label}: {ndcg:.3f}")
    scores = np.interp(z, [k[0] for k in knots], [k[1] for k in knots])
    for low, high in ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100)):
        inside = (scores >= low) & (scores <= high + 0.999)
        if inside.any():
            share = float(np.mean(grades[inside] == 3))
            print(f"DEV band {low}-{high}: {int(inside.sum())} pairs, grade 3: {share:.2f}, "
                  f"mean grade {float(np.mean(grades[inside])):.2f}")  # fmt: skip
    print(f"\n# {len(by_case)} DEV resumes, {len(grades)} pairs")
    print("WEIGHTS: dict[str, float] = {")
    print("    " + ", ".join(f'"{n}": {coef[n]:.3f}' for n in names) + ",")
    print("}  # fmt: skip")
    print(f"BIAS = {bias:.3f}")
    print(f"CALIBRATION: tuple[tuple[float, float], ...] = {tuple(knots)!r}")


if __name__ == "__main__":
    main()
