"""Scores, calibration error, the paired bootstrap and the calibrators behave as a user would expect."""

from __future__ import annotations

import numpy as np
import pytest

from courtside.model.calibration import SymmetricIsotonic, Temperature, log_loss
from courtside.model.metrics import ece, paired_log_loss_diff, scores


def test_scores_of_known_forecasts() -> None:
    s = scores(np.array([0.8, 0.6, 0.5, 0.3]))
    assert s.n == 4
    assert s.accuracy == pytest.approx((1 + 1 + 0.5 + 0) / 4)
    assert s.log_loss == pytest.approx(-np.mean(np.log([0.8, 0.6, 0.5, 0.3])))
    assert s.brier == pytest.approx(np.mean([0.04, 0.16, 0.25, 0.49]))


def test_ece_is_small_for_calibrated_and_large_for_overconfident_forecasts() -> None:
    rng = np.random.default_rng(1)
    truth = rng.uniform(0.5, 0.95, 20000)
    won = rng.random(20000) < truth
    p_winner = np.where(won, truth, 1.0 - truth)
    assert ece(p_winner) < 0.01
    overconfident = np.where(won, np.minimum(truth + 0.1, 0.99), np.maximum(1 - truth - 0.1, 0.01))
    assert ece(overconfident) > 0.05


def test_paired_bootstrap_sees_a_real_difference_and_no_difference_for_identical_forecasts() -> None:
    rng = np.random.default_rng(2)
    good = rng.uniform(0.6, 0.8, 3000)
    blocks = np.repeat(np.arange(100), 30)
    worse = paired_log_loss_diff(good * 0.9, good, blocks)
    assert worse.mean > 0
    assert worse.low > 0
    same = paired_log_loss_diff(good, good, blocks)
    assert same.mean == 0.0
    assert same.low == same.high == 0.0


def test_temperature_softens_an_overconfident_model_and_keeps_symmetry() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(0, 1, 20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-z))).astype(float)
    overconfident = 1 / (1 + np.exp(-2.0 * z))
    cal = Temperature()
    cal.fit(overconfident, y)
    assert cal.a == pytest.approx(0.5, abs=0.05)
    assert log_loss(cal.apply(overconfident), y) < log_loss(overconfident, y)
    p = np.array([0.2, 0.5, 0.9])
    assert np.allclose(cal.apply(p) + cal.apply(1 - p), 1.0)


def test_symmetric_isotonic_maps_p_and_its_complement_to_complements() -> None:
    rng = np.random.default_rng(4)
    p = rng.uniform(0.05, 0.95, 5000)
    y = (rng.random(5000) < p).astype(float)
    iso = SymmetricIsotonic()
    iso.fit(p, y)
    q = np.array([0.1, 0.35, 0.5, 0.8])
    assert np.allclose(iso.apply(q) + iso.apply(1 - q), 1.0)
