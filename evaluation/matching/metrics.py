"""Ranking metrics with graded relevance: NDCG@k (exponential gain) and MRR.

NDCG@k = DCG@k / IDCG@k, DCG@k = Σ_{i=1..k} (2^g_i − 1) / log2(i + 1), where the ideal
ranking sorts every judged candidate by grade. MRR is the reciprocal rank of the first
candidate of grade ≥ `relevant` (3: the same occupation), 0 when none is ranked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def dcg(grades: Sequence[float], k: int) -> float:
    """Discounted cumulative gain of the first k grades, in ranked order."""
    return float(sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(grades[:k])))


def ndcg(
    ranked_grades: Sequence[float], k: int, all_grades: Sequence[float] | None = None
) -> float:
    """NDCG@k of a ranking; the ideal is built from `all_grades` (default: the ranking's)."""
    ideal = dcg(sorted(all_grades if all_grades is not None else ranked_grades, reverse=True), k)
    return dcg(ranked_grades, k) / ideal if ideal > 0 else 0.0


def reciprocal_rank(ranked_grades: Sequence[float], relevant: float = 3) -> float:
    """1 / rank of the first candidate with grade ≥ `relevant`; 0 if there is none."""
    for index, grade in enumerate(ranked_grades):
        if grade >= relevant:
            return 1.0 / (index + 1)
    return 0.0


def expected_random_ndcg(grades: Sequence[float], k: int) -> float:
    """NDCG@k of a uniformly random order, in expectation (exact, no sampling).

    Each position holds each candidate with probability 1/n, so E[DCG@k] is the mean gain
    times the sum of the first k discounts.
    """
    n = len(grades)
    if n == 0:
        return 0.0
    mean_gain = sum(2.0**g - 1.0 for g in grades) / n
    expected = mean_gain * sum(1.0 / math.log2(i + 2) for i in range(min(k, n)))
    ideal = dcg(sorted(grades, reverse=True), k)
    return expected / ideal if ideal > 0 else 0.0


def expected_random_rr(grades: Sequence[float], relevant: float = 3) -> float:
    """Expected reciprocal rank of the first relevant candidate in a random order (exact).

    With n candidates of which r are relevant, P(first relevant at rank i) =
    C(n − i, r − 1) / C(n, r).
    """
    n = len(grades)
    r = sum(1 for g in grades if g >= relevant)
    if r == 0:
        return 0.0
    total = math.comb(n, r)
    return sum(math.comb(n - i, r - 1) / total / i for i in range(1, n - r + 2))


def weighted_kappa(a: Sequence[int], b: Sequence[int], categories: int = 4) -> float:
    """Cohen's kappa with quadratic weights between two judges' grades 0..categories−1."""
    n = len(a)
    if n == 0:
        return 0.0
    observed = [[0.0] * categories for _ in range(categories)]
    for x, y in zip(a, b, strict=True):
        observed[x][y] += 1.0 / n
    row = [sum(observed[i]) for i in range(categories)]
    col = [sum(observed[i][j] for i in range(categories)) for j in range(categories)]
    weight = [
        [(i - j) ** 2 / (categories - 1) ** 2 for j in range(categories)] for i in range(categories)
    ]
    disagreement = sum(
        weight[i][j] * observed[i][j] for i in range(categories) for j in range(categories)
    )
    chance = sum(
        weight[i][j] * row[i] * col[j] for i in range(categories) for j in range(categories)
    )
    return 1.0 - disagreement / chance if chance > 0 else 1.0
