"""Fitting the learner and calibrator as of a date, and the walk-forward engine built on it.

Features come from one chronological pass, so each match's features only know earlier rounds
and weeks. The learner is refit at the start of each test period (month or quarter) on completed
events that had finished before it (Monday at least 15 days earlier), so every test prediction is
made before its result is learned.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from rich.progress import Progress

from courtside.domain.errors import ModelError
from courtside.model.calibration import Calibrator, log_loss, make_calibrator
from courtside.model.dataset import FeatureFrame, ModelState, build
from courtside.model.learner import Learner, make_learner
from courtside.model.ratings import EloParams

TRAIN_LEVELS = frozenset({"grand_slam", "tour_finals", "masters", "tour_500", "tour_250", "olympics"})
EVENT_SPAN = pd.Timedelta(days=15)  # an event whose Monday is this far back has finished (slams: 2 weeks)
REFIT_FREQ = {"monthly": "MS", "quarterly": "QS", "none": ""}


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """How the learner is fitted; defaults are what won on the 2015-2021 tuning seasons."""

    learner: str = "logistic"
    calibrator: str = "temperature"
    train_years: int = 20
    calibration_months: int = 24
    levels: frozenset[str] = field(default=TRAIN_LEVELS)
    refit: str = "monthly"


@dataclass
class FittedModel:
    """A learner plus its calibrator, fitted on matches up to `fitted_until`."""

    learner: Learner
    calibrator: Calibrator
    fitted_until: pd.Timestamp
    n_train: int
    holdout: dict[str, float] = field(default_factory=dict)  # the calibration slice, before/after

    def predict(self, diffs: np.ndarray, context: np.ndarray) -> np.ndarray:
        """Calibrated P(A wins), with p(A, B) + p(B, A) == 1 exactly.

        Both orientations are scored; the favoured one keeps its probability (>= 0.5) and the
        other gets its complement, which is exact in floating point for p >= 0.5.
        """
        fwd = self.calibrator.apply(self.learner.predict(diffs, context))
        rev = self.calibrator.apply(self.learner.predict(-diffs, context))
        return np.where(fwd > rev, np.maximum(fwd, 0.5), np.where(fwd < rev, 1.0 - np.maximum(rev, 0.5), 0.5))


def fingerprint(params: EloParams | None = None, config: TrainConfig | None = None) -> str:
    """Eight hex digits naming the rating parameters and training settings, so reports name their model.

    Built from a canonical JSON (sets sorted, keys sorted), so it is the same in every process.
    """
    fields = {"elo": asdict(params or EloParams()), "train": asdict(config or TrainConfig())}
    text = json.dumps(
        fields, sort_keys=True, default=lambda v: sorted(v) if isinstance(v, frozenset) else str(v)
    )
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def _canonical(value: object) -> object:
    return sorted(value) if isinstance(value, frozenset) else str(value)


def trainable(matches: pd.DataFrame, config: TrainConfig) -> np.ndarray:
    """Rows the learner may learn from: completed matches of the training levels."""
    return np.asarray((matches["outcome"] == "completed") & matches["level"].isin(config.levels))


def fit_model(
    matches: pd.DataFrame, ff: FeatureFrame, until: pd.Timestamp, config: TrainConfig | None = None
) -> FittedModel:
    """Fit on rows dated <= until (and within train_years); the calibrator on the last months."""
    config = config or TrainConfig()
    dates = matches["tourney_date"]
    base = trainable(matches, config) & np.asarray(dates <= until)
    base &= np.asarray(dates > until - pd.DateOffset(years=config.train_years))
    if not base.any():
        raise ModelError(f"no completed matches of the training levels up to {until.date()}")
    cal_start = until - pd.DateOffset(months=config.calibration_months)
    early = base & np.asarray(dates <= cal_start)
    late = base & ~np.asarray(dates <= cal_start)
    calibrator = make_calibrator(config.calibrator)
    holdout: dict[str, float] = {}
    if config.calibrator != "none" and early.sum() > 1000 and late.sum() > 200:
        probe = make_learner(config.learner)
        probe.fit(ff.diffs[early], ff.context[early])
        p = probe.predict(ff.diffs[late], ff.context[late])
        calibrator.fit(np.r_[p, 1.0 - p], np.r_[np.ones(len(p)), np.zeros(len(p))])
        holdout = {
            "n": float(len(p)),
            "log_loss_raw": log_loss(p, np.ones(len(p))),
            "log_loss_calibrated": log_loss(calibrator.apply(p), np.ones(len(p))),
        }
    learner = make_learner(config.learner)
    learner.fit(ff.diffs[base], ff.context[base])
    return FittedModel(learner, calibrator, until, int(base.sum()), holdout)


def _periods(test_from: pd.Timestamp, test_to: pd.Timestamp, refit: str) -> list[pd.Timestamp]:
    if refit not in REFIT_FREQ:
        raise ModelError(f"unknown refit schedule {refit!r}: use one of {sorted(REFIT_FREQ)}")
    starts = [test_from]
    if REFIT_FREQ[refit]:
        starts += [d for d in pd.date_range(test_from, test_to, freq=REFIT_FREQ[refit]) if d > test_from]
    return [*starts, test_to + pd.Timedelta(days=1)]


@dataclass(frozen=True, slots=True)
class WalkForward:
    """The walk's output: the test rows with p_winner, their features, and the final state."""

    predictions: pd.DataFrame  # test rows of the match frame plus p_winner, p_elo, fitted_until
    features: FeatureFrame  # aligned with the whole input frame
    state: ModelState
    models: list[FittedModel]


def walk_forward(
    matches: pd.DataFrame,
    train_until: pd.Timestamp,
    test_from: pd.Timestamp,
    test_to: pd.Timestamp | None = None,
    *,
    config: TrainConfig | None = None,
    params: EloParams | None = None,
    progress: bool = False,
) -> WalkForward:
    """As-of P(winner wins) for every match dated in [test_from, test_to], learning as it walks."""
    config = config or TrainConfig()
    test_to = test_to if test_to is not None else matches["tourney_date"].max()
    frame = matches[matches["tourney_date"] <= test_to].reset_index(drop=True)
    ff, state = build(frame, params, progress=progress)
    dates = frame["tourney_date"]
    p_win = np.full(len(frame), np.nan)
    fitted = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    models: list[FittedModel] = []
    for start, stop in _walk(_periods(test_from, test_to, config.refit), progress):
        cutoff = train_until if not models else max(train_until, start - EVENT_SPAN)
        model = fit_model(frame, ff, cutoff, config)
        models.append(model)
        rows = np.asarray((dates >= start) & (dates < stop))
        if rows.any():
            p_win[rows] = model.predict(ff.diffs[rows], ff.context[rows])
            fitted[rows] = cutoff
    test = np.asarray(dates >= test_from)
    out = frame[test].copy()
    out["p_winner"] = p_win[test]
    out["p_elo"] = ff.pre[test, 6]
    out["fitted_until"] = fitted[test].to_numpy()
    return WalkForward(out, ff, state, models)


def _walk(bounds: list[pd.Timestamp], progress: bool) -> Iterator[tuple[pd.Timestamp, pd.Timestamp]]:
    pairs = list(itertools.pairwise(bounds))
    if not progress:
        yield from pairs
        return
    with Progress(transient=True) as bar:
        task = bar.add_task("walking forward (refit per period)", total=len(pairs))
        for pair in pairs:
            yield pair
            bar.advance(task)
