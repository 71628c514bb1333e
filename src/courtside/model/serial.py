"""The model state as plain arrays and JSON: what an artifact holds instead of a pickle.

Loading a pickle runs whatever code it names, so an artifact from elsewhere (`--model PATH`) could
take over the machine. Here every number is a NumPy array read with `allow_pickle=False` (an object
array in the file is refused), text is JSON, the players table is Parquet and a LightGBM model is
its own text format: loading parses data and never imports or calls anything the file names.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from courtside.domain.errors import ModelError
from courtside.model.calibration import Calibrator, Identity, SymmetricIsotonic, Temperature
from courtside.model.dataset import ModelState
from courtside.model.features import FORM_WINDOW, FeatureState, PlayerForm
from courtside.model.learner import GBMLearner, Learner, LogisticLearner
from courtside.model.ratings import EloParams, EloState
from courtside.model.walkforward import FittedModel

Arrays = dict[str, np.ndarray]
_DAYS = 16
_FLOATS = ("residual", "event_minutes", "last_minutes", "rank", "points", "height", "age")
_INTS = ("last_event_day", "prev_event_day", "event_matches", "age_day")
_TEXTS = ("last_event", "hand", "ioc")


def _text(values: list[str]) -> np.ndarray:
    return np.array(values, dtype=np.str_) if values else np.zeros(0, dtype="<U1")


def pack_elo(elo: EloState) -> tuple[Arrays, dict[str, Any]]:
    arrays = {
        "elo_keys": _text(list(elo.index)),
        "elo_r_all": np.array(elo.r_all, dtype=float),
        "elo_n_all": np.array(elo.n_all, dtype=float),
        "elo_r_surf": np.array(elo.r_surf, dtype=float).reshape(len(elo.r_surf), -1),
        "elo_n_surf": np.array(elo.n_surf, dtype=float).reshape(len(elo.n_surf), -1),
        "elo_last_day": np.array(elo.last_day, dtype=np.int64),
        "elo_r_dom": np.array(elo.r_dom, dtype=float),
        "elo_n_dom": np.array(elo.n_dom, dtype=float),
    }
    return arrays, {"elo_params": asdict(elo.params)}


def unpack_elo(a: Arrays, info: dict[str, Any]) -> EloState:
    params = dict(info["elo_params"])
    params.setdefault("newcomer_rating", {})  # an artifact from before level seeds: every unranked
    elo = EloState(EloParams(**params))  # newcomer starts from init_unranked, as it was trained
    keys = [str(k) for k in a["elo_keys"]]
    sizes = {len(a[f"elo_{n}"]) for n in ("r_all", "n_all", "last_day", "r_dom", "n_dom")}
    if sizes != {len(keys)} or a["elo_r_surf"].shape[1:] != (len(keys),):
        raise ModelError("artifact ratings and player keys differ in length")
    elo.index = {k: i for i, k in enumerate(keys)}
    elo.r_all, elo.n_all = a["elo_r_all"].tolist(), a["elo_n_all"].tolist()
    elo.r_surf, elo.n_surf = (
        [row.tolist() for row in a["elo_r_surf"]],
        [row.tolist() for row in a["elo_n_surf"]],
    )
    elo.last_day = [int(x) for x in a["elo_last_day"]]
    elo.r_dom, elo.n_dom = a["elo_r_dom"].tolist(), a["elo_n_dom"].tolist()
    return elo


def pack_features(fs: FeatureState) -> tuple[Arrays, dict[str, Any]]:
    forms = list(fs.players.values())
    n = len(forms)
    results = np.full((n, FORM_WINDOW), -1, dtype=np.int8)
    days = np.full((n, _DAYS), np.iinfo(np.int64).min, dtype=np.int64)
    for i, f in enumerate(forms):
        results[i, : len(f.results)] = list(f.results)
        days[i, : len(f.days)] = list(f.days)
    arrays: Arrays = {"fs_keys": _text(list(fs.players)), "fs_results": results, "fs_days": days}
    for name in _FLOATS:
        arrays[f"fs_{name}"] = np.array([getattr(f, name) for f in forms], dtype=float)
    for name in _INTS:
        arrays[f"fs_{name}"] = np.array([getattr(f, name) for f in forms], dtype=np.int64)
    for name in _TEXTS:
        arrays[f"fs_{name}"] = _text([getattr(f, name) for f in forms])
    keys = sorted({k for pair in fs.h2h for k in pair})
    at = {k: i for i, k in enumerate(keys)}
    arrays["h2h_keys"] = _text(keys)
    arrays["h2h"] = np.array([(at[a], at[b], c) for (a, b), c in fs.h2h.items()], dtype=np.int64).reshape(
        -1, 3
    )
    return arrays, {"event_names": fs.event_names}


def unpack_features(a: Arrays, info: dict[str, Any]) -> FeatureState:
    fs = FeatureState()
    columns = {name: a[f"fs_{name}"].tolist() for name in (*_FLOATS, *_INTS, *_TEXTS)}
    for i, key in enumerate(a["fs_keys"].tolist()):
        form = PlayerForm(
            deque((int(x) for x in a["fs_results"][i] if x >= 0), maxlen=FORM_WINDOW),
            0.0,
            deque((int(x) for x in a["fs_days"][i] if x != np.iinfo(np.int64).min), maxlen=_DAYS),
        )
        for name, values in columns.items():
            setattr(form, name, values[i])
        fs.players[str(key)] = form
    keys = a["h2h_keys"].tolist()
    fs.h2h = {(keys[x], keys[y]): int(c) for x, y, c in a["h2h"].tolist()}
    fs.event_names = {str(k): str(v) for k, v in info.get("event_names", {}).items()}
    return fs


def pack_model(model: FittedModel) -> tuple[Arrays, dict[str, Any], str | None]:
    """(arrays, JSON facts, LightGBM text or None) of a fitted learner and calibrator."""
    arrays: Arrays = {}
    info: dict[str, Any] = {
        "fitted_until": str(model.fitted_until.date()),
        "n_train": model.n_train,
        "holdout": model.holdout,
        "learner": model.learner.name,
        "calibrator": model.calibrator.name,
    }
    booster = None
    learner = model.learner
    if isinstance(learner, LogisticLearner):
        if learner.scale is None or learner.coef is None:
            raise ModelError("cannot save an unfitted learner")
        arrays["logistic_scale"], arrays["logistic_coef"] = learner.scale, learner.coef
        info["logistic_c"] = learner.c
    elif isinstance(learner, GBMLearner):
        booster = learner.booster.model_to_string()
        info["gbm_rounds"], info["gbm_params"] = learner.rounds, learner.params
    cal = model.calibrator
    if isinstance(cal, Temperature):
        info["temperature"] = cal.a
    elif isinstance(cal, SymmetricIsotonic) and cal.x is not None:
        arrays["isotonic_x"], arrays["isotonic_y"] = cal.thresholds()
    elif isinstance(cal, SymmetricIsotonic):
        info["calibrator"] = "none"  # never fitted: it applies as the identity
    return arrays, info, booster


def unpack_model(a: Arrays, info: dict[str, Any], booster: str | None) -> FittedModel:
    learner: Learner
    if info["learner"] == "logistic":
        learner = LogisticLearner(
            c=float(info["logistic_c"]), scale=a["logistic_scale"], coef=a["logistic_coef"]
        )
    elif info["learner"] == "gbm" and booster is not None:
        import lightgbm as lgb

        learner = GBMLearner(rounds=int(info["gbm_rounds"]), params=dict(info["gbm_params"]))
        learner.booster = lgb.Booster(model_str=booster)
    else:
        raise ModelError(f"artifact has an unknown learner {info['learner']!r}")
    calibrator: Calibrator
    if info["calibrator"] == "temperature":
        calibrator = Temperature(a=float(info["temperature"]))
    elif info["calibrator"] == "isotonic":
        calibrator = SymmetricIsotonic.from_thresholds(a["isotonic_x"], a["isotonic_y"])
    else:
        calibrator = Identity()
    holdout = {str(k): float(v) for k, v in info.get("holdout", {}).items()}
    return FittedModel(learner, calibrator, pd.Timestamp(info["fitted_until"]), int(info["n_train"]), holdout)


def pack_state(state: ModelState) -> tuple[Arrays, dict[str, Any]]:
    elo_a, elo_i = pack_elo(state.elo)
    fs_a, fs_i = pack_features(state.features)
    return {**elo_a, **fs_a}, {**elo_i, **fs_i}


def unpack_state(a: Arrays, info: dict[str, Any]) -> ModelState:
    return ModelState(unpack_elo(a, info), unpack_features(a, info))
