"""Learners on antisymmetric difference features, symmetric by construction.

Both are trained on each match in both orientations. The GBM is made exactly symmetric at
prediction time, p = (f(d, c) + 1 - f(-d, c)) / 2, so p(A beats B) = 1 - p(B beats A) holds to
the last bit; the logistic model has no intercept and no centring, so it is antisymmetric as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import lightgbm as lgb
import numpy as np
from sklearn.linear_model import LogisticRegression

from courtside.domain.errors import ModelError
from courtside.model.features import CONTEXT_NAMES, DIFF_NAMES

CLIP = {"event_minutes": 600.0, "prev_minutes": 300.0, "age": 25.0, "height": 40.0}


class Learner(Protocol):
    """A model of P(A beats B) from difference features `diffs` and symmetric `context`."""

    name: str

    def fit(self, diffs: np.ndarray, context: np.ndarray, weight: np.ndarray | None = None) -> None: ...

    def predict(self, diffs: np.ndarray, context: np.ndarray) -> np.ndarray: ...

    def logit_terms(self, diffs: np.ndarray, context: np.ndarray) -> dict[str, np.ndarray]: ...


def clean_diffs(diffs: np.ndarray) -> np.ndarray:
    """Clip data-entry outliers symmetrically (so -clip(x) == clip(-x)); NaN stays NaN."""
    out = np.array(diffs, dtype=float, copy=True)
    for name, bound in CLIP.items():
        j = DIFF_NAMES.index(name)
        out[:, j] = np.clip(out[:, j], -bound, bound)
    return out


def _both(diffs: np.ndarray, context: np.ndarray, weight: np.ndarray | None) -> tuple[np.ndarray, ...]:
    x = np.hstack([np.vstack([diffs, -diffs]), np.vstack([context, context])])
    y = np.r_[np.ones(len(diffs)), np.zeros(len(diffs))]
    w = np.ones(2 * len(diffs)) if weight is None else np.r_[weight, weight]
    return x, y, w


@dataclass
class GBMLearner:
    """LightGBM on [differences, context], symmetrised at prediction."""

    name: str = "gbm"
    rounds: int = 300
    params: dict[str, Any] = field(
        default_factory=lambda: {
            "objective": "binary",
            "learning_rate": 0.06,
            "num_leaves": 31,
            "min_data_in_leaf": 400,
            "feature_fraction": 0.8,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "lambda_l2": 10.0,
            "max_bin": 127,
            "verbose": -1,
            "num_threads": 2,
            "seed": 7,
            "deterministic": True,
        }
    )
    booster: Any = None

    def fit(self, diffs: np.ndarray, context: np.ndarray, weight: np.ndarray | None = None) -> None:
        if len(diffs) == 0:
            raise ModelError("no completed matches to train the learner on")
        x, y, w = _both(clean_diffs(diffs), context, weight)
        data = lgb.Dataset(x, y, weight=w, feature_name=[*DIFF_NAMES, *CONTEXT_NAMES])
        self.booster = lgb.train(self.params, data, self.rounds)

    def _raw(self, diffs: np.ndarray, context: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.booster is None:
            raise ModelError("learner is not fitted")
        d = clean_diffs(diffs)
        fwd = self.booster.predict(np.hstack([d, context]))
        rev = self.booster.predict(np.hstack([-d, context]))
        return np.asarray(fwd, dtype=float), np.asarray(rev, dtype=float)

    def predict(self, diffs: np.ndarray, context: np.ndarray) -> np.ndarray:
        fwd, rev = self._raw(diffs, context)
        return np.asarray((fwd + 1.0 - rev) / 2.0, dtype=float)

    def logit_terms(self, diffs: np.ndarray, context: np.ndarray) -> dict[str, np.ndarray]:
        """Per-feature log-odds contributions (TreeSHAP), antisymmetrised like the prediction."""
        if self.booster is None:
            raise ModelError("learner is not fitted")
        d = clean_diffs(diffs)
        fwd = self.booster.predict(np.hstack([d, context]), pred_contrib=True)
        rev = self.booster.predict(np.hstack([-d, context]), pred_contrib=True)
        half = (np.asarray(fwd, dtype=float) - np.asarray(rev, dtype=float)) / 2.0
        return {name: half[:, j] for j, name in enumerate([*DIFF_NAMES, *CONTEXT_NAMES])}


@dataclass
class LogisticLearner:
    """L2 logistic regression without intercept on scaled (uncentred) differences."""

    name: str = "logistic"
    c: float = 1.0
    scale: np.ndarray | None = None
    coef: np.ndarray | None = None

    def _x(self, diffs: np.ndarray) -> np.ndarray:
        d = np.nan_to_num(clean_diffs(diffs), nan=0.0)
        if self.scale is None:
            raise ModelError("learner is not fitted")
        return np.asarray(d / self.scale, dtype=float)

    def fit(self, diffs: np.ndarray, context: np.ndarray, weight: np.ndarray | None = None) -> None:
        if len(diffs) == 0:
            raise ModelError("no completed matches to train the learner on")
        d = np.nan_to_num(clean_diffs(diffs), nan=0.0)
        self.scale = np.sqrt(np.mean(d**2, axis=0)) + 1e-9
        x, y, w = _both(d / self.scale, context[:, :0], weight)
        model = LogisticRegression(C=self.c, fit_intercept=False, max_iter=500)
        model.fit(x, y, sample_weight=w)
        self.coef = np.asarray(model.coef_[0], dtype=float)

    def predict(self, diffs: np.ndarray, context: np.ndarray) -> np.ndarray:
        if self.coef is None:
            raise ModelError("learner is not fitted")
        z = self._x(diffs) @ self.coef
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=float)

    def logit_terms(self, diffs: np.ndarray, context: np.ndarray) -> dict[str, np.ndarray]:
        assert self.coef is not None
        terms = self._x(diffs) * self.coef
        return {name: terms[:, j] for j, name in enumerate(DIFF_NAMES)}


def make_learner(name: str) -> Learner:
    """A fresh learner by name: 'gbm' or 'logistic'."""
    if name == "gbm":
        return GBMLearner()
    if name == "logistic":
        return LogisticLearner()
    raise ModelError(f"unknown learner {name!r}: use 'gbm' or 'logistic'")
