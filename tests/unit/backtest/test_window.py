"""Which odds rows a backtest window reads: any season label, files that open in the previous December,
missing bookmaker columns, and a clear refusal when the window holds nothing to replay."""

from datetime import date
from pathlib import Path

import pytest

from courtside.backtest.books import MarketSource
from courtside.backtest.engine import RunResult
from courtside.backtest.run import BacktestConfig, coverage_warning, load_window
from courtside.domain.errors import DataError

HEADER = "ATP,Location,Tournament,Date,Series,Court,Surface,Round,Best of,Winner,Loser,Comment"
ROWS = (
    # a season file that opens in the previous December, as atp_2013.csv does (2012-12-31)
    ("2027-12-31", "Zed A.", "Bly B.", "Completed"),
    ("2028-01-02", "Cox C.", "Dunn D.", "Retired"),
    ("2028-03-05", "Eads E.", "Fox F.", "Rrtired"),
)


def season(
    folder: Path, name: str, rows: tuple[tuple[str, str, str, str], ...], odds: dict[str, str]
) -> None:
    """A tennis-data season file with only the bookmaker columns given."""
    (folder / "tennis_odds").mkdir(parents=True, exist_ok=True)
    cols = ",".join(odds)
    lines = [f"{HEADER},{cols}" if cols else HEADER]
    for day, w, lo, comment in rows:
        values = ",".join(odds.values())
        lines.append(
            f"1,X,Open,{day},ATP250,Outdoor,Hard,1st Round,3,{w},{lo},{comment}"
            + (f",{values}" if values else "")
        )
    (folder / "tennis_odds" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def config(
    folder: Path, start: date, end: date, market: MarketSource = MarketSource.PINNACLE
) -> BacktestConfig:
    return BacktestConfig(data_dir=folder, start=start, end=end, market=market)


def test_a_window_ending_in_december_reads_the_next_season_file(tmp_path: Path) -> None:
    season(tmp_path, "atp_2028.csv", ROWS, {"PSW": "1.5", "PSL": "2.7"})
    specs, _, _ = load_window(config(tmp_path, date(2027, 12, 1), date(2027, 12, 31)), None)
    assert [(s.day, s.winner) for s in specs] == [(date(2027, 12, 31), "Zed A.")]


def test_typos_in_comment_are_results_and_seasons_past_2023_are_read(tmp_path: Path) -> None:
    season(tmp_path, "atp_2028.csv", ROWS, {"PSW": "1.5", "PSL": "2.7"})
    specs, skipped, _ = load_window(config(tmp_path, date(2028, 1, 1), date(2028, 12, 31)), None)
    assert [s.result.value for s in specs] == ["retired", "retired"]
    assert not skipped


def test_a_file_without_the_chosen_bookmaker_is_refused_with_the_reason(tmp_path: Path) -> None:
    season(tmp_path, "atp_2028.csv", ROWS, {"B365W": "1.5", "B365L": "2.7"})
    with pytest.raises(DataError, match=r"3 no pinnacle odds.*other --market"):
        load_window(config(tmp_path, date(2027, 12, 1), date(2028, 12, 31)), None)


def test_one_tour_without_average_odds_does_not_stop_the_other(tmp_path: Path) -> None:
    season(tmp_path, "atp_2028.csv", ROWS, {"AvgW": "1.5", "AvgL": "2.6"})
    season(tmp_path, "wta_2028.csv", ROWS, {"PSW": "1.5", "PSL": "2.7"})
    cfg = config(tmp_path, date(2028, 1, 1), date(2028, 12, 31), MarketSource.AVERAGE)
    specs, skipped, _ = load_window(cfg, None)
    assert {s.tour.value for s in specs} == {"atp"}
    assert skipped == {"no average odds": 2}


def test_a_window_beyond_the_data_says_what_the_files_cover(tmp_path: Path) -> None:
    season(tmp_path, "atp_2028.csv", ROWS, {"PSW": "1.5", "PSL": "2.7"})
    with pytest.raises(DataError, match=r"no season file"):
        load_window(config(tmp_path, date(2031, 1, 1), date(2031, 6, 30)), None)
    with pytest.raises(DataError, match=r"cover 2027-12-31\.\.2028-03-05"):
        load_window(config(tmp_path, date(2028, 6, 1), date(2028, 9, 30)), None)


def test_the_truncated_lookahead_run_may_be_empty(tmp_path: Path) -> None:
    season(tmp_path, "atp_2028.csv", ROWS, {"PSW": "1.5", "PSL": "2.7"})
    specs, _, _ = load_window(config(tmp_path, date(2028, 1, 1), date(2028, 12, 31)), date(2028, 1, 1))
    assert specs == []


def test_a_model_that_priced_few_matches_is_reported() -> None:
    assert coverage_warning(RunResult(matches=100, priced=95), control=False) is None
    warning = coverage_warning(RunResult(matches=100, priced=0), control=False)
    assert warning is not None
    assert "0 of 100" in warning
    assert "tennis_atp" in warning
    assert coverage_warning(RunResult(matches=100, priced=0), control=True) is None
