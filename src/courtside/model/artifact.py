"""The versioned model artifact: a folder of data files, none of them code.

meta.json (readable: format, data range, results through, build info, metrics, the SHA-256 of every
other file), model.json (settings and small fitted values), arrays.npz (ratings, feature state and
learner weights as NumPy arrays, loaded with allow_pickle=False), players.parquet (names, ioc, hand,
dob, first/last seen: the trader's name registry) and, for the GBM learner, booster.txt (LightGBM's text
format). Nothing is unpickled, so a `--model` from elsewhere cannot run code (model/serial.py); a file
whose digest differs from meta.json (truncated, swapped, edited) is refused.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import ModelError
from courtside.model.dataset import ModelState, build
from courtside.model.ratings import EloParams
from courtside.model.serial import pack_model, pack_state, unpack_model, unpack_state
from courtside.model.walkforward import FittedModel, TrainConfig, fingerprint

# bump whenever the files change shape: an older artifact is then refused with "retrain"
FORMAT_VERSION = 3
META = "meta.json"
MODEL = "model.json"
ARRAYS = "arrays.npz"
PLAYERS = "players.parquet"
BOOSTER = "booster.txt"
STATE = "state.pkl"  # the pickle of format 2 and before: refused


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
        "results_through": str(result_days(matches).max().date()),
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
    """Write the artifact folder (into a fresh folder, then renamed over `path`); returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        digests = _write_files(artifact, tmp)
        meta = {**artifact.meta, "format_version": FORMAT_VERSION, "files": digests}
        (tmp / META).write_text(json.dumps(meta, indent=2, default=str))
        _swap(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    artifact.meta = meta
    return path


def _write_files(artifact: Artifact, folder: Path) -> dict[str, str]:
    state_arrays, state_info = pack_state(artifact.state)
    model_arrays, model_info, booster = pack_model(artifact.model)
    blobs: dict[str, bytes] = {
        MODEL: json.dumps({"state": state_info, "model": model_info}, default=str).encode()
    }
    buffer = io.BytesIO()
    write_npz: Callable[..., None] = np.savez  # numpy's stub types **kwds like its allow_pickle flag
    write_npz(buffer, allow_pickle=False, **state_arrays, **model_arrays)
    blobs[ARRAYS] = buffer.getvalue()
    buffer = io.BytesIO()
    artifact.players.to_parquet(buffer, index=False)
    blobs[PLAYERS] = buffer.getvalue()
    if booster is not None:
        blobs[BOOSTER] = booster.encode()
    for name, blob in blobs.items():
        (folder / name).write_bytes(blob)
    return {name: hashlib.sha256(blob).hexdigest() for name, blob in blobs.items()}


def _swap(fresh: Path, path: Path) -> None:
    """Put `fresh` where `path` is: a reader sees the old folder or the new one, each whole."""
    if not path.exists():
        os.replace(fresh, path)
        return
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    os.replace(path, old)
    os.replace(fresh, path)
    shutil.rmtree(old, ignore_errors=True)


def load(path: Path) -> Artifact:
    """Read an artifact folder written by `save`, refusing a wrong version, digest or any code."""
    path = Path(path)
    try:
        meta = json.loads((path / META).read_text())
    except (OSError, ValueError) as e:
        raise ModelError(f"no readable model artifact at {path}: {e}") from e
    if meta.get("format_version") != FORMAT_VERSION or (path / STATE).exists():
        raise ModelError(
            f"artifact {path} has format {meta.get('format_version')}, expected {FORMAT_VERSION} "
            "(arrays and JSON, no pickle): retrain it with `courtside model train`"
        )
    blobs = _checked(path, meta.get("files"))
    try:
        info = json.loads(blobs[MODEL])
        with np.load(io.BytesIO(blobs[ARRAYS]), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        state = unpack_state(arrays, info["state"])
        model = unpack_model(arrays, info["model"], blobs[BOOSTER].decode() if BOOSTER in blobs else None)
        players = pd.read_parquet(io.BytesIO(blobs[PLAYERS]))
    except (ValueError, KeyError, TypeError, OSError) as e:
        raise ModelError(
            f"artifact {path} does not unpack ({e}): retrain it with `courtside model train`"
        ) from e
    return Artifact(state, model, players, meta)


def _checked(path: Path, files: Any) -> dict[str, bytes]:
    """The artifact's files, each matching the SHA-256 meta.json records for it."""
    if not isinstance(files, dict) or not {MODEL, ARRAYS, PLAYERS} <= set(files):
        raise ModelError(f"artifact {path}: {META} does not list its files; retrain it")
    blobs: dict[str, bytes] = {}
    for name, digest in files.items():
        if name not in (MODEL, ARRAYS, PLAYERS, BOOSTER):
            raise ModelError(f"artifact {path}: unexpected file {name!r} in {META}")
        try:
            blob = (path / name).read_bytes()
        except OSError as e:
            raise ModelError(f"artifact {path}: cannot read {name}: {e}") from e
        if hashlib.sha256(blob).hexdigest() != digest:
            raise ModelError(f"artifact {path}: {name} does not match the checksum in {META}")
        blobs[name] = blob
    return blobs


def result_days(matches: pd.DataFrame) -> pd.Series:
    """Each result's play day where the source gives it, else its event's Monday (Sackmann)."""
    if "day" not in matches.columns:
        return pd.to_datetime(matches["tourney_date"])
    return pd.to_datetime(matches["day"]).fillna(pd.to_datetime(matches["tourney_date"]))


def roll_forward(artifact: Artifact, new_matches: pd.DataFrame, clock: Clock | None = None) -> Artifact:
    """Fold results the artifact has not learned into its ratings and feature state; the learner is
    kept. `new_matches` is in play order; a result older than the artifact's newest (a late-reported
    one) is folded in now, from the current ratings, as a live rating system would."""
    if new_matches.empty:
        return artifact
    _, state = build(new_matches, state=artifact.state)
    newest = max(
        pd.Timestamp(artifact.meta.get("results_through", artifact.meta.get("data_to", "1900-01-01"))),
        result_days(new_matches).max(),
    )
    meta = {
        **artifact.meta,
        "data_to": str(
            max(
                pd.Timestamp(artifact.meta.get("data_to", "1900-01-01")), new_matches["tourney_date"].max()
            ).date()
        ),
    }
    meta["results_through"] = str(newest.date())
    meta["n_matches"] = int(meta.get("n_matches", 0)) + len(new_matches)
    meta["rolled_forward_at"] = (clock or SystemClock()).now().astimezone(UTC).isoformat()
    return Artifact(state, artifact.model, artifact.players, meta)
