"""`courtside model evaluate` and `train` on a small real slice (two tours, 2019-2021 tour level)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from courtside.cli import app
from courtside.cli.registry import register
from courtside.data.sources import load_matches
from courtside.domain.tennis import Level, MatchContext, Surface, Tour
from courtside.model.artifact import load, roll_forward
from courtside.model.evaluate import PREDICTION_COLUMNS
from courtside.model.predictor import ArtifactPredictor, UnknownPlayerError, load_predictor
from courtside.model.walkforward import TrainConfig, fingerprint

pytestmark = [pytest.mark.data, pytest.mark.slow]
YEARS = (2019, 2020, 2021)


@pytest.fixture(scope="module")
def slice_dir(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder of the same layout holding a few real seasons (symlinks, nothing copied)."""
    root = tmp_path_factory.mktemp("slice")
    for tour in ("atp", "wta"):
        folder = root / f"tennis_{tour}"
        folder.mkdir()
        (folder / f"{tour}_players.csv").symlink_to(data_dir / f"tennis_{tour}" / f"{tour}_players.csv")
        for year in YEARS:
            name = f"{tour}_matches_{year}.csv"
            (folder / name).symlink_to(data_dir / f"tennis_{tour}" / name)
    odds = root / "tennis_odds"
    odds.mkdir()
    for tour in ("atp", "wta"):
        (odds / f"{tour}_2021.csv").symlink_to(data_dir / "tennis_odds" / f"{tour}_2021.csv")
    return root


def _invoke(*args: str) -> str:
    register(app)
    res = CliRunner().invoke(app, ["model", *args])
    assert res.exit_code == 0, res.output
    return res.stdout


def test_evaluate_writes_exact_csv_and_a_report_beside_the_market(slice_dir: Path, tmp_path: Path) -> None:
    pred, rep = tmp_path / "pred.csv", tmp_path / "report"
    out = _invoke(
        "evaluate", "--data", str(slice_dir), "--train-until", "2020-12-31", "--test-from", "2021-01-01",
        "--test-to", "2021-03-31", "--predictions", str(pred), "--out", str(rep), "--json",
        "--refit", "quarterly",
    )  # fmt: skip
    with pred.open() as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == PREDICTION_COLUMNS
    assert len(rows) > 500
    p = [float(r[-1]) for r in rows[1:]]
    assert all(0.0 < x < 1.0 for x in p)
    assert sum(x > 0.5 for x in p) / len(p) > 0.6  # the winner is usually the favourite
    assert all("2021-01-01" <= r[0] <= "2021-03-31" for r in rows[1:])
    report = json.loads(out[out.index("{") :])
    assert {f["forecaster"] for f in report["market"]} == {"model", "elo", "pinnacle", "average"}
    model_rows = [g for g in report["groups"] if g["forecaster"] == "model" and g["level"] == "tour_level"]
    assert {g["tour"] for g in model_rows} == {"atp", "wta"}
    assert all(0.5 < g["log_loss"] < 0.68 for g in model_rows)
    assert report["counts"]["test_matches"] == len(rows) - 1
    assert {"report.json", "report.md", "reliability.png"} <= {f.name for f in rep.iterdir()}


def test_train_artifact_round_trip_load_time_and_roll_forward(slice_dir: Path, tmp_path: Path) -> None:
    art_dir = tmp_path / "model"
    meta = json.loads(
        _invoke("train", "--data", str(slice_dir), "--until", "2021-06-30", "--out", str(art_dir), "--json")
    )
    assert meta["data_to"] <= "2021-06-30"
    # the version names the rating and training settings (train fits once: no refit schedule)
    assert meta["model_version"].endswith("-" + fingerprint(None, TrainConfig(refit="none")))
    predictor = load_predictor(art_dir)  # its load time is measured in benchmarks/bench_model.py
    ctx = MatchContext(Tour.ATP, date(2021, 7, 5), Surface.GRASS, Level.GRAND_SLAM, "R32", 5, "Wimbledon")
    djokovic, alcaraz = "atp:104925", "atp:207989"
    first = predictor.predict(djokovic, alcaraz, ctx)
    assert first.p_a > 0.7
    assert first.p_a + predictor.predict(alcaraz, djokovic, ctx).p_a == 1.0
    assert abs(first.contributions["rating"]) > 0.5
    players = predictor.artifact.players
    assert {"key", "full_name", "ioc", "hand", "dob", "first_seen", "last_seen"} <= set(players.columns)
    with pytest.raises(UnknownPlayerError):
        predictor.predict("atp:1", djokovic, ctx)
    later = load_matches(slice_dir, years=range(2021, 2022))
    later = later[later["tourney_date"] > "2021-06-30"]
    rolled = ArtifactPredictor(roll_forward(load(art_dir), later))
    assert rolled.predict(djokovic, alcaraz, ctx).p_a != first.p_a


def test_evaluate_without_odds_files_and_past_the_data_end(slice_dir: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    for tour in ("atp", "wta"):
        (bare / f"tennis_{tour}").symlink_to(slice_dir / f"tennis_{tour}")
    pred, rep = tmp_path / "pred.csv", tmp_path / "report"
    out = _invoke(
        "evaluate", "--data", str(bare), "--train-until", "2021-06-30", "--test-from", "2021-07-01",
        "--predictions", str(pred), "--out", str(rep), "--refit", "none", "--json",
    )  # fmt: skip
    report = json.loads(out[out.index("{") :])
    assert report["market"] == []
    assert report["counts"]["test_matches"] > 100
    late = tmp_path / "late.csv"
    out = _invoke(
        "evaluate", "--data", str(bare), "--train-until", "2021-06-30", "--test-from", "2030-01-01",
        "--predictions", str(late), "--out", str(tmp_path / "late"), "--json",
    )  # fmt: skip
    assert json.loads(out[out.index("{") :])["counts"]["test_matches"] == 0
    assert late.read_text().strip() == ",".join(PREDICTION_COLUMNS)
