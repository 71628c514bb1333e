"""Scores of probabilistic forecasts (tennis-modelling.md §4): accuracy, log loss, Brier, ECE, bootstrap.

All take the probability given to the actual winner, so they are orientation-free; ECE and the
reliability curve use both orientations (p with outcome 1 and 1 - p with outcome 0).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

EPS = 1e-12
ECE_BINS = 10


@dataclass(frozen=True, slots=True)
class Scores:
    """Headline scores of one forecaster on one set of matches."""

    n: int
    accuracy: float
    log_loss: float
    brier: float
    ece: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def scores(p_winner: np.ndarray) -> Scores:
    """Scores from the probabilities given to the actual winners (p = 0.5 counts half right)."""
    p = np.asarray(p_winner, dtype=float)
    if len(p) == 0:
        return Scores(0, float("nan"), float("nan"), float("nan"), float("nan"))
    acc = float(np.mean(np.where(p > 0.5, 1.0, np.where(p == 0.5, 0.5, 0.0))))
    ll = float(-np.mean(np.log(np.clip(p, EPS, 1.0))))
    brier = float(np.mean((1.0 - p) ** 2))
    return Scores(len(p), acc, ll, brier, ece(p))


def reliability(p_winner: np.ndarray, bins: int = ECE_BINS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean forecast, observed frequency, count) per equal-width bin over both orientations."""
    p = np.r_[p_winner, 1.0 - np.asarray(p_winner, dtype=float)]
    y = np.r_[np.ones(len(p_winner)), np.zeros(len(p_winner))]
    idx = np.minimum((p * bins).astype(int), bins - 1)
    count = np.bincount(idx, minlength=bins).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(idx, weights=p, minlength=bins) / count
        freq = np.bincount(idx, weights=y, minlength=bins) / count
    return mean_p, freq, count


def ece(p_winner: np.ndarray, bins: int = ECE_BINS) -> float:
    """Expected calibration error: count-weighted mean |forecast - frequency| over the bins."""
    mean_p, freq, count = reliability(p_winner, bins)
    ok = count > 0
    return float(np.sum(count[ok] * np.abs(mean_p[ok] - freq[ok])) / np.sum(count[ok]))


@dataclass(frozen=True, slots=True)
class PairedDiff:
    """Mean per-match log-loss difference (A - B) with a block-bootstrap 95% interval."""

    n: int
    mean: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def paired_log_loss_diff(
    p_a: np.ndarray, p_b: np.ndarray, blocks: np.ndarray, *, reps: int = 1000, seed: int = 20240101
) -> PairedDiff:
    """Bootstrap over calendar-week blocks of the per-match log-loss difference (negative: A better)."""
    d = -np.log(np.clip(p_a, EPS, 1.0)) + np.log(np.clip(p_b, EPS, 1.0))
    if len(d) == 0:
        return PairedDiff(0, float("nan"), float("nan"), float("nan"))
    _, block_of = np.unique(blocks, return_inverse=True)
    sums = np.bincount(block_of, weights=d)
    counts = np.bincount(block_of).astype(float)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(sums), size=(reps, len(sums)))
    means = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    return PairedDiff(len(d), float(d.mean()), float(low), float(high))
