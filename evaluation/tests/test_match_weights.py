"""The fitting script of the ranking's weights: calibration knots and the refitted bias."""

from __future__ import annotations

import itertools

import numpy as np

from evaluation.training import match_weights


def test_calibration_knots_rise_and_span_the_probabilities() -> None:
    rng = np.random.default_rng(7)
    z = rng.normal(-2, 2, 2000)
    grades = np.clip(np.round((z + 4) / 2 + rng.normal(0, 0.5, z.size)), 0, 3)
    knots = match_weights.calibrate(z, grades)
    assert knots[0] == (-match_weights.TOP, 0.0)
    assert knots[-1] == (match_weights.TOP, 100.0)
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in itertools.pairwise(knots))
    assert knots[-1][1] > knots[1][1]


def test_the_refitted_bias_makes_mean_probability_match_mean_label() -> None:
    z0 = np.linspace(-2, 2, 101)
    soft = np.full(101, 0.2)
    bias = match_weights.refit_bias(z0, soft, start=0.0)
    p = 1 / (1 + np.exp(-(z0 + bias)))
    assert abs(float(p.mean()) - 0.2) < 1e-4


def test_ndcg_is_one_for_the_ideal_order_and_less_otherwise() -> None:
    assert match_weights.ndcg_at([3, 2, 1, 0], [3, 2, 1, 0]) == 1.0
    assert match_weights.ndcg_at([0, 1, 2, 3], [3, 2, 1, 0]) < 1.0
