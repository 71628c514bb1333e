"""The versioned model artifact: a folder with meta.json (readable) and state.pkl (the model).

state.pkl holds the Elo and feature state of every player, the fitted learner and calibrator
and the players table (names, ioc, hand, dob, first/last seen) the trader builds its name
registry from. meta.json carries the format version, data range, build info, metrics and the
SHA-256 of state.pkl, checked on load so a truncated or swapped file is refused.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import platform
from dataclasses import dataclass, field
from datetime import UTC
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import ModelError
from courtside.model.dataset import ModelState, build
from courtside.model.ratings import EloParams
from courtside.model.walkforward import FittedModel, TrainConfig, fingerprint

# bump whenever the pickled state changes shape: an older artifact is then refused with "retrain"
FORMAT_VERSION = 2
META = "meta.json"
STATE = "state.pkl"


@dataclass
class Artifact:
    """Everything live prediction needs, plus where it came from."""

    state: ModelState
    model: FittedModel
    players: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.meta.get("model_version", ""))


def build_info(clock: Clock | None = None) -> dict[str, str]:
    """Git-free provenance: when, with which Python and library versions."""
    now = (clock or SystemClock()).now().astimezone(UTC)
    libs = {name: _version(name) for name in ("courtside", "numpy", "pandas", "scikit-learn", "lightgbm")}
    return {"built_at": now.isoformat(), "python": platform.python_version(), **libs}


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def make_meta(
    matches: pd.DataFrame,
    model: FittedModel,
    config: TrainConfig,
    clock: Clock | None = None,
    params: EloParams | None = None,
) -> dict[str, Any]:
    """meta.json content for a freshly trained model."""
    info = build_info(clock)
    first, last = matches["tourney_date"].min(), matches["tourney_date"].max()
    stamp = info["built_at"][:19].replace(":", "").replace("-", "")
    return {
        "format_version": FORMAT_VERSION,
        "model_version": f"courtside-elo-{config.learner}-{last:%Y%m%d}-{stamp}-"
        + fingerprint(params, config),
        "data_from": str(first.date()),
        "data_to": str(last.date()),
        "fitted_until": str(model.fitted_until.date()),
        "n_matches": len(matches),
        "n_train": model.n_train,
        "learner": config.learner,
        "calibrator": config.calibrator,
        "train_years": config.train_years,
        "metrics": {"calibration_slice": model.holdout},
        "build": info,
        "attribution": "Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract "
        "(CC BY-NC-SA 4.0): non-commercial use only",
    }


def save(artifact: Artifact, path: Path) -> Path:
    """Write the artifact folder; returns it."""
    path.mkdir(parents=True, exist_ok=True)
    blob = pickle.dumps((artifact.state, artifact.model, artifact.players), protocol=pickle.HIGHEST_PROTOCOL)
    (path / STATE).write_bytes(blob)
    meta = {**artifact.meta, "state_sha256": hashlib.sha256(blob).hexdigest()}
    (path / META).write_text(json.dumps(meta, indent=2, default=str))
    artifact.meta = meta
    return path


def load(path: Path) -> Artifact:
    """Read an artifact folder written by `save`, refusing a wrong version or checksum."""
    try:
        meta = json.loads((path / META).read_text())
        blob = (path / STATE).read_bytes()
    except (OSError, ValueError) as e:
        raise ModelError(f"no readable model artifact at {path}: {e}") from e
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"artifact {path} has format {meta.get('format_version')}, expected {FORMAT_VERSION}: "
            "retrain it with `courtside model train`"
        )
    if hashlib.sha256(blob).hexdigest() != meta.get("state_sha256"):
        raise ModelError(f"artifact {path}: {STATE} does not match the checksum in {META}")
    # the checksum above ties state.pkl to the meta.json we wrote, so this is our own pickle
    try:
        state, model, players = pickle.loads(blob)  # noqa: S301
    except (pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError, ImportError) as e:
        raise ModelError(
            f"artifact {path} was written by an incompatible courtside ({e!r}): "
            "retrain it with `courtside model train`"
        ) from e
    return Artifact(state, model, players, meta)


def roll_forward(artifact: Artifact, new_matches: pd.DataFrame, clock: Clock | None = None) -> Artifact:
    """Fold newly ingested results into the ratings and feature state; the learner is kept.

    `new_matches` is a load_matches-shaped frame in play order, dated no earlier than the artifact's
    data end and holding no match already folded in (rounds of an ongoing event may follow later).
    """
    if new_matches.empty:
        return artifact
    last = pd.Timestamp(artifact.meta.get("data_to", "1900-01-01"))
    first_new = new_matches["tourney_date"].min()
    if first_new < last:
        raise ModelError(
            f"new matches start {first_new.date()}, before the artifact's data end {last.date()}"
        )
    _, state = build(new_matches, state=artifact.state)
    meta = {**artifact.meta, "data_to": str(new_matches["tourney_date"].max().date())}
    meta["n_matches"] = int(meta.get("n_matches", 0)) + len(new_matches)
    meta["rolled_forward_at"] = (clock or SystemClock()).now().astimezone(UTC).isoformat()
    return Artifact(state, artifact.model, artifact.players, meta)
