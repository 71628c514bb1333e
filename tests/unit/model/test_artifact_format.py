"""The artifact is data, not code: it round-trips exactly, and a pickle or a tampered file is refused."""

import hashlib
import io
import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.unit.model.synth import synthetic_matches

from courtside.domain.errors import ModelError
from courtside.domain.tennis import Level, MatchContext, Surface, Tour
from courtside.model.artifact import ARRAYS, FORMAT_VERSION, META, STATE, Artifact, load, save
from courtside.model.dataset import build
from courtside.model.predictor import ArtifactPredictor
from courtside.model.walkforward import TrainConfig, fit_model

CTX = MatchContext(Tour.ATP, pd.Timestamp("2016-03-07").date(), Surface.HARD, Level.MASTERS, "R32", 3)


def _saved(tmp_path: Path, learner: str = "logistic", calibrator: str = "temperature") -> Path:
    history = synthetic_matches(n_weeks=40)
    ff, state = build(history)
    config = TrainConfig(learner=learner, calibrator=calibrator, train_years=5, calibration_months=3)
    model = fit_model(history, ff, history["tourney_date"].max(), config)
    players = pd.DataFrame({"key": sorted(state.elo.index), "full_name": "x", "dob": None})
    return save(Artifact(state, model, players, {"model_version": "test"}), tmp_path / "model")


@pytest.mark.parametrize(("learner", "calibrator"), [("logistic", "temperature"), ("gbm", "isotonic")])
def test_a_saved_artifact_predicts_exactly_as_the_one_in_memory(
    tmp_path: Path, learner: str, calibrator: str
) -> None:
    folder = _saved(tmp_path, learner, calibrator)
    loaded = load(folder)
    again = ArtifactPredictor(loaded)
    assert not (folder / STATE).exists()
    with np.load(folder / ARRAYS, allow_pickle=False) as arrays:  # nothing in it needs unpickling
        assert all(arrays[k].dtype != object for k in arrays.files)
    history = synthetic_matches(n_weeks=40)
    ff, state = build(history)
    config = TrainConfig(learner=learner, calibrator=calibrator, train_years=5, calibration_months=3)
    model = fit_model(history, ff, history["tourney_date"].max(), config)
    fresh = ArtifactPredictor(Artifact(state, model, loaded.players, {"model_version": "test"}))
    for a, b in (("atp:1000", "atp:1001"), ("atp:1005", "atp:1020")):
        assert again.predict(a, b, CTX).p_a == fresh.predict(a, b, CTX).p_a


def test_an_array_file_carrying_a_pickle_is_refused_even_with_a_matching_checksum(tmp_path: Path) -> None:
    folder = _saved(tmp_path)
    with np.load(folder / ARRAYS, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["elo_keys"] = np.array([object()], dtype=object)  # an object array is stored as a pickle
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    (folder / ARRAYS).write_bytes(buffer.getvalue())
    meta = json.loads((folder / META).read_text())
    meta["files"][ARRAYS] = hashlib.sha256(buffer.getvalue()).hexdigest()  # a forger fixes the digest too
    (folder / META).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="does not unpack"):
        load(folder)


def test_a_tampered_file_is_refused(tmp_path: Path) -> None:
    folder = _saved(tmp_path)
    blob = bytearray((folder / ARRAYS).read_bytes())
    blob[-40] ^= 0xFF
    (folder / ARRAYS).write_bytes(bytes(blob))
    with pytest.raises(ModelError, match="does not match the checksum"):
        load(folder)


def test_a_pickled_artifact_of_an_older_format_is_refused_with_retrain_advice(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    blob = pickle.dumps(("s", "m", "p"))
    (folder / STATE).write_bytes(blob)
    meta = {"format_version": FORMAT_VERSION - 1, "state_sha256": hashlib.sha256(blob).hexdigest()}
    (folder / META).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="retrain"):
        load(folder)
    meta["format_version"] = FORMAT_VERSION  # claiming the new format does not get a pickle loaded
    (folder / META).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="retrain"):
        load(folder)


def test_the_model_fingerprint_changes_with_any_rating_or_training_setting() -> None:
    from dataclasses import replace

    from courtside.model.ratings import EloParams
    from courtside.model.walkforward import TrainConfig, fingerprint

    base = fingerprint(EloParams(), TrainConfig())
    assert base == fingerprint(None, None)  # the defaults name themselves
    assert fingerprint(replace(EloParams(), mov_weight=0.25), TrainConfig()) != base
    assert fingerprint(EloParams(), TrainConfig(calibration_months=12)) != base
    assert len(base) == 8


def test_the_fingerprint_is_the_same_in_every_process() -> None:
    import subprocess
    import sys

    code = "from courtside.model.walkforward import fingerprint; print(fingerprint())"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(seen) == 1  # sets in the settings must not make it depend on hash randomisation
