"""An artifact from an older courtside is refused with a message that says to retrain."""

import hashlib
import json
import pickle
from pathlib import Path

import pytest

from courtside.domain.errors import ModelError
from courtside.model.artifact import FORMAT_VERSION, META, STATE, load


def _write(path: Path, version: int, blob: bytes) -> Path:
    path.mkdir()
    (path / STATE).write_bytes(blob)
    meta = {"format_version": version, "state_sha256": hashlib.sha256(blob).hexdigest()}
    (path / META).write_text(json.dumps(meta))
    return path


def test_an_older_format_is_refused_with_retrain_advice(tmp_path: Path) -> None:
    folder = _write(tmp_path / "old", FORMAT_VERSION - 1, pickle.dumps(("s", "m", "p")))
    with pytest.raises(ModelError, match="retrain"):
        load(folder)


def test_a_state_that_does_not_unpack_is_refused_with_retrain_advice(tmp_path: Path) -> None:
    folder = _write(tmp_path / "bad", FORMAT_VERSION, pickle.dumps(("only", "two")))
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
