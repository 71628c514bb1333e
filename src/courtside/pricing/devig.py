"""Turning bookmaker decimal odds into fair probabilities.

Shin (1993) models the margin as coming from insider trading; for two outcomes it has a closed
form. Proportional normalisation is kept for comparison (tennis-modelling.md §2.4: Shin is better
calibrated at equal log loss).
"""

from __future__ import annotations

import math


def implied(odds_a: float, odds_b: float) -> tuple[float, float]:
    """Raw implied probabilities 1/odds; refuses odds <= 1."""
    if not (odds_a > 1.0 and odds_b > 1.0) or math.isnan(odds_a) or math.isnan(odds_b):
        raise ValueError(f"decimal odds must be > 1, got {odds_a}, {odds_b}")
    return 1.0 / odds_a, 1.0 / odds_b


def proportional(odds_a: float, odds_b: float) -> float:
    """P(A) by dividing the implied probabilities by their sum."""
    pa, pb = implied(odds_a, odds_b)
    return pa / (pa + pb)


def shin(odds_a: float, odds_b: float) -> float:
    """P(A) under Shin's model, two outcomes (Jullien & Salanie closed form for z, then p_i)."""
    pa, pb = implied(odds_a, odds_b)
    booksum = pa + pb
    if booksum <= 1.0:
        return pa / booksum
    diff_sq = (pa - pb) ** 2
    z = ((booksum - 1.0) * (diff_sq - booksum)) / (booksum * (diff_sq - 1.0))
    z = min(max(z, 0.0), 0.999)

    def fair(p: float) -> float:
        return (math.sqrt(z * z + 4.0 * (1.0 - z) * p * p / booksum) - z) / (2.0 * (1.0 - z))

    fa, fb = fair(pa), fair(pb)
    return fa / (fa + fb)
