"""Probability calibration fitted on a held-out later slice, kept symmetric in (A, B).

Temperature scaling rescales the log-odds by one factor (no intercept, so p(B) = 1 - p(A) holds).
Isotonic regression is symmetrised: g(p) = (h(p) + 1 - h(1 - p)) / 2, fitted on both orientations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.isotonic import IsotonicRegression

from courtside.domain.errors import ModelError

EPS = 1e-6


class Calibrator(Protocol):
    """Maps a raw P(A beats B) to a calibrated one."""

    name: str

    def fit(self, p: np.ndarray, y: np.ndarray) -> None: ...

    def apply(self, p: np.ndarray) -> np.ndarray: ...


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, EPS, 1.0 - EPS)
    return np.asarray(np.log(q) - np.log1p(-q), dtype=float)


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Mean negative log-likelihood (natural log) of outcomes y under probabilities p."""
    q = np.clip(p, EPS, 1.0 - EPS)
    return float(-np.mean(y * np.log(q) + (1.0 - y) * np.log1p(-q)))


@dataclass
class Identity:
    """No calibration (the raw learner output)."""

    name: str = "none"

    def fit(self, p: np.ndarray, y: np.ndarray) -> None:
        return None

    def apply(self, p: np.ndarray) -> np.ndarray:
        return np.asarray(p, dtype=float)


@dataclass
class Temperature:
    """p' = sigmoid(a * logit(p)); a < 1 softens an over-confident model."""

    name: str = "temperature"
    a: float = 1.0

    def fit(self, p: np.ndarray, y: np.ndarray) -> None:
        if len(p) == 0:
            raise ModelError("no matches to calibrate on")
        z = logit(p)

        def loss(a: float) -> float:
            return log_loss(1.0 / (1.0 + np.exp(-a * z)), y)

        self.a = float(minimize_scalar(loss, bounds=(0.3, 3.0), method="bounded").x)

    def apply(self, p: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.a * logit(p))), dtype=float)


@dataclass
class SymmetricIsotonic:
    """Isotonic regression on both orientations, symmetrised at application."""

    name: str = "isotonic"
    model: IsotonicRegression = field(
        default_factory=lambda: IsotonicRegression(y_min=EPS, y_max=1 - EPS, out_of_bounds="clip")
    )

    x: np.ndarray | None = None  # the fitted step function's thresholds (what an artifact keeps)
    y: np.ndarray | None = None

    def fit(self, p: np.ndarray, y: np.ndarray) -> None:
        if len(p) == 0:
            raise ModelError("no matches to calibrate on")
        self.model.fit(np.r_[p, 1.0 - p], np.r_[y, 1.0 - y])
        self.x = np.asarray(self.model.X_thresholds_, dtype=float)
        self.y = np.asarray(self.model.y_thresholds_, dtype=float)

    def thresholds(self) -> tuple[np.ndarray, np.ndarray]:
        if self.x is None or self.y is None:
            raise ModelError("calibrator is not fitted")
        return self.x, self.y

    @classmethod
    def from_thresholds(cls, x: np.ndarray, y: np.ndarray) -> SymmetricIsotonic:
        return cls(x=np.asarray(x, dtype=float), y=np.asarray(y, dtype=float))

    def _h(self, p: np.ndarray) -> np.ndarray:
        """The isotonic fit: linear between thresholds, clipped outside (IsotonicRegression.predict)."""
        x, y = self.thresholds()
        return np.asarray(np.interp(p, x, y), dtype=float)

    def apply(self, p: np.ndarray) -> np.ndarray:
        """Unfitted (too few matches to hold out), it leaves p as it is, like a temperature of 1."""
        p = np.asarray(p, dtype=float)
        if self.x is None:
            return p
        return np.asarray((self._h(p) + 1.0 - self._h(1.0 - p)) / 2.0, dtype=float)


def make_calibrator(name: str) -> Calibrator:
    """A fresh calibrator by name: 'temperature', 'isotonic' or 'none'."""
    table: dict[str, type[Identity] | type[Temperature] | type[SymmetricIsotonic]] = {
        "none": Identity,
        "temperature": Temperature,
        "isotonic": SymmetricIsotonic,
    }
    if name not in table:
        raise ModelError(f"unknown calibrator {name!r}: use one of {sorted(table)}")
    return table[name]()
