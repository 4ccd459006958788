"""Ranking metrics and judge agreement, against values worked out by hand."""

import math

import pytest

from evaluation.matching import metrics


def test_dcg_discounts_each_rank_by_log2_of_rank_plus_one():
    # (2^3-1)/log2(2) + (2^0-1)/log2(3) + (2^2-1)/log2(4) = 7 + 0 + 1.5
    assert metrics.dcg([3, 0, 2], k=3) == pytest.approx(8.5)


def test_ndcg_of_the_ideal_order_is_one_and_of_a_swap_is_hand_computed():
    assert metrics.ndcg([3, 2, 0], k=3) == pytest.approx(1.0)
    # ranked [2, 3, 0]: 3 + 7/log2(3) = 7.41650; ideal [3, 2, 0]: 7 + 3/log2(3) = 8.89279
    assert metrics.ndcg([2, 3, 0], k=3) == pytest.approx(7.416508 / 8.892789, rel=1e-6)


def test_ndcg_cuts_at_k_but_takes_the_ideal_from_all_candidates():
    # Only the first 2 count: ranked [0, 1] = 1/log2(3); the ideal from all grades is [3, 1].
    ranked = [0, 1, 3]
    expected = (1 / math.log2(3)) / (7 + 1 / math.log2(3))
    assert metrics.ndcg(ranked, k=2) == pytest.approx(expected)


def test_ndcg_is_zero_when_nothing_is_relevant():
    assert metrics.ndcg([0, 0, 0], k=5) == 0.0


def test_reciprocal_rank_is_one_over_the_rank_of_the_first_grade_three():
    assert metrics.reciprocal_rank([2, 1, 3, 3]) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank([3]) == 1.0
    assert metrics.reciprocal_rank([2, 2, 1]) == 0.0
    assert metrics.reciprocal_rank([2, 2.5, 1], relevant=2.5) == pytest.approx(0.5)


def test_expected_random_reciprocal_rank_matches_enumeration():
    # 3 candidates, one relevant: it is first, second or third with equal chance.
    assert metrics.expected_random_rr([3, 0, 0]) == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)
    # 3 candidates, two relevant: first relevant at rank 1 w.p. 2/3, at rank 2 w.p. 1/3.
    assert metrics.expected_random_rr([3, 3, 0]) == pytest.approx(2 / 3 + 1 / 6)


def test_expected_random_ndcg_is_the_mean_over_all_orders():
    from itertools import permutations

    grades = [3, 1, 0, 0]
    orders = list(permutations(grades))
    mean = sum(metrics.ndcg(list(o), 2) for o in orders) / len(orders)
    assert metrics.expected_random_ndcg(grades, 2) == pytest.approx(mean)


def test_weighted_kappa_is_one_for_perfect_agreement_and_below_for_disagreement():
    assert metrics.weighted_kappa([0, 1, 2, 3], [0, 1, 2, 3]) == pytest.approx(1.0)
    # Hand-computed: a=[0,0,3,3], b=[0,1,3,2], weights (i-j)^2/9. Observed disagreement
    # (1/9 + 1/9)/4 = 1/18; expected from the margins (a: 0 and 3 at 1/2; b: each grade at
    # 1/4) = 2 * 1/8 * (0 + 1 + 4 + 9)/9 = 7/18; kappa = 1 - (1/18)/(7/18) = 6/7.
    assert metrics.weighted_kappa([0, 0, 3, 3], [0, 1, 3, 2]) == pytest.approx(6 / 7)
    assert metrics.weighted_kappa([0, 3], [3, 0]) < 0


def test_band_table_counts_mean_grade_and_share_of_relevant_pairs_per_band():
    from evaluation.matching import calibration

    pairs = [(5.0, 0), (19.5, 1), (20.0, 3), (85.0, 3), (100.0, 2)]
    table = {row["band"]: row for row in calibration.band_table(pairs)}
    assert table["0–19"]["count"] == 2
    assert table["0–19"]["mean_grade"] == pytest.approx(0.5)
    assert table["20–39"]["share_3"] == 1.0
    assert table["80–100"]["count"] == 2
    assert table["80–100"]["share_3"] == pytest.approx(0.5)
    assert math.isnan(table["40–59"]["mean_grade"])
