"""`courtside backtest` on a few months of real data, with the as-of model: every report file, and the
look-ahead check through the CLI."""

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from courtside.cli import app
from courtside.cli.registry import register

pytestmark = [pytest.mark.data, pytest.mark.slow]


@pytest.fixture(scope="module")
def walks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of as-of model walks for the module: the runs over the same window and history
    walk the model once (`--cache`), so each test pays only for its own replay."""
    return tmp_path_factory.mktemp("walks")


def invoke(*args: str, cache: Path | None = None) -> dict[str, Any]:
    register(app)
    extra = ["--cache", str(cache)] if cache is not None else []
    res = CliRunner().invoke(app, ["backtest", *args, *extra, "--json"])
    assert res.exit_code == 0, res.output
    summary: dict[str, Any] = json.loads(res.stdout[res.stdout.index("{") :])
    return summary


def test_backtest_writes_every_report_file(data_dir: Path, tmp_path: Path, walks: Path) -> None:
    out = tmp_path / "bt"
    summary = invoke(
        "--data", str(data_dir), "--from", "2023-02-01", "--to", "2023-03-15", "--market", "average",
        "--half-spread", "0.01", "--history-years", "2", "--min-ev", "0.03", "--report", str(out),
        cache=walks,
    )  # fmt: skip
    for name in ("trades.csv", "summary.json", "equity.png", "calibration.png", "pnl_by_bucket.png"):
        assert (out / name).is_file(), name
    assert summary["matches_priced"] > 500  # the model priced most matches with odds
    assert summary["config"]["market"] == "average"
    assert summary["fee_schedule"]["fee_type"] == "quadratic_with_maker_fees"
    assert str(summary["model"]).startswith("walk_forward")
    with (out / "trades.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == summary["trades"]
    assert sum(Decimal(r["pnl"]) for r in rows) == Decimal(str(summary["pnl"]))
    assert set(summary["by"]) == {"tour", "level", "surface", "edge"}


def test_control_through_the_cli_trades_nothing(data_dir: Path, tmp_path: Path) -> None:
    summary = invoke(
        "--data", str(data_dir), "--from", "2022-06-01", "--to", "2022-08-31", "--control",
        "--min-value", "0", "--min-ev", "0", "--report", str(tmp_path / "control"),
    )  # fmt: skip
    assert summary["trades"] == 0
    assert summary["matches_priced"] == summary["matches"]


def test_the_model_passes_the_lookahead_check(data_dir: Path, tmp_path: Path, walks: Path) -> None:
    """The full run reuses the module's walk of this window; the run on data cut at the look-ahead
    day walks the model on that data alone."""
    register(app)
    args = ["--data", str(data_dir), "--from", "2023-02-01", "--to", "2023-03-15", "--history-years", "2",
            "--lookahead", "2023-03-06", "--report", str(tmp_path / "la"), "--cache", str(walks),
            "--json"]  # fmt: skip
    res = CliRunner().invoke(app, ["backtest", *args])
    summary = json.loads((tmp_path / "la" / "summary.json").read_text())
    assert summary["lookahead_check"]["trades_compared"] > 100
    assert summary["lookahead_check"]["passed"], summary["lookahead_check"]["differences"][:2]
    assert res.exit_code == 0


def test_a_window_beyond_the_data_fails_with_what_the_files_cover(data_dir: Path, tmp_path: Path) -> None:
    register(app)
    args = ["--data", str(data_dir), "--from", "2031-01-01", "--to", "2031-03-31", "--report", str(tmp_path)]
    res = CliRunner().invoke(app, ["backtest", *args])
    assert res.exit_code == 2
    assert "no odds rows dated 2031-01-01..2031-03-31" in " ".join(res.output.split())


def test_model_weight_zero_trusts_the_market_and_trades_nothing(
    data_dir: Path, tmp_path: Path, walks: Path
) -> None:
    """--model-weight reaches the trader's decide(): at 0 the probability is the books' own mid, which
    no route beats after the half-spread and the fee, however much the model disagrees."""
    summary = invoke(
        "--data", str(data_dir), "--from", "2023-02-01", "--to", "2023-03-15", "--history-years", "2",
        "--min-value", "0", "--min-ev", "0", "--model-weight", "0", "--report", str(tmp_path / "w0"),
        cache=walks,
    )  # fmt: skip
    assert summary["config"]["model_weight"] == 0.0
    assert summary["matches_priced"] > 500
    assert summary["trades"] == 0
    assert summary["traded_legs"]["p_model"] is None


def test_max_drawdown_through_the_cli_stops_new_positions(
    data_dir: Path, tmp_path: Path, walks: Path
) -> None:
    """A 1% limit trips in the window: no trade on or after the day it stopped, the reason counted."""
    out = tmp_path / "dd"
    summary = invoke(
        "--data", str(data_dir), "--from", "2023-02-01", "--to", "2023-03-15", "--market", "average",
        "--history-years", "2", "--min-ev", "0.03", "--max-drawdown", "0.01", "--report", str(out),
        cache=walks,
    )  # fmt: skip
    assert summary["config"]["max_drawdown"] == "0.01"
    stop = summary["trading_stopped"]
    assert stop is not None
    assert stop["reason"].startswith("REDUCING: max drawdown: equity $")
    with (out / "trades.csv").open(newline="") as fh:
        days = {r["date"] for r in csv.DictReader(fh)}
    assert days
    assert max(days) < stop["date"]
    assert summary["no_trade_reasons"]["risk: trading REDUCING: no new positions"] > 0


def test_a_cached_walk_replays_exactly_as_a_fresh_one(data_dir: Path, tmp_path: Path, walks: Path) -> None:
    """The same run again over the module's cache (its first run walked the model and wrote it): the
    trades and every figure are the fresh run's, digit for digit."""
    first = tmp_path / "first"
    args = [
        "--data", str(data_dir), "--from", "2023-02-01", "--to", "2023-03-15", "--market", "average",
        "--half-spread", "0.01", "--history-years", "2", "--min-ev", "0.03",
    ]  # fmt: skip
    fresh = invoke(*args, "--report", str(first), cache=walks)
    cached = list(walks.glob("asof-*.csv"))
    again = invoke(*args, "--report", str(tmp_path / "again"), cache=walks)
    assert list(walks.glob("asof-*.csv")) == cached  # read back, not walked and written again
    assert (tmp_path / "again" / "trades.csv").read_bytes() == (first / "trades.csv").read_bytes()
    assert {k: v for k, v in again.items() if k != "config"} == {
        k: v for k, v in fresh.items() if k != "config"
    }


def test_the_cache_key_follows_every_input(data_dir: Path) -> None:
    """One odds row more or less, or other model settings, is another walk; a copy is the same one."""
    from dataclasses import replace
    from datetime import date

    from courtside.backtest.predictions import _inputs_key
    from courtside.backtest.run import BacktestConfig, load_window
    from courtside.domain.tennis import Tour
    from courtside.model.walkforward import TrainConfig

    cfg = BacktestConfig(data_dir, date(2023, 2, 1), date(2023, 2, 28), tours=(Tour.ATP,))
    _, _, odds = load_window(cfg, None)
    train, start = TrainConfig(refit=cfg.refit), cfg.start
    assert _inputs_key((odds,), start, train) == _inputs_key((odds.copy(),), start, train)
    assert _inputs_key((odds,), start, train) != _inputs_key((odds.iloc[:-1],), start, train)
    assert _inputs_key((odds,), start, train) != _inputs_key((odds,), start, replace(train, refit="monthly"))
    assert _inputs_key((odds,), start, train) != _inputs_key((odds,), date(2023, 2, 2), train)
