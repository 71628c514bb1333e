"""A real-data replay whose trades.csv is re-settled independently from the odds files and the fee formula."""

import csv
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest

from courtside.backtest.actor import ReplaySettings
from courtside.backtest.engine import RunResult
from courtside.backtest.honesty import lookahead_check
from courtside.backtest.matches import MatchSpec
from courtside.backtest.output import write_report
from courtside.backtest.run import BacktestConfig, load_window, replay
from courtside.pricing.devig import shin
from courtside.strategy.decide import OrderStyle, StrategyParams

pytestmark = pytest.mark.data


class Lean:
    """A stand-in forecaster: the close moved 6 points one way or the other, by row parity."""

    version = "lean: the close moved 6 points by row parity"

    def p_a(self, spec: MatchSpec) -> float | None:
        shift = 0.06 if spec.row % 2 else -0.06
        return min(0.97, max(0.03, spec.fair_a + shift))


def config(data_dir: Path, start: date, end: date) -> BacktestConfig:
    return BacktestConfig(
        data_dir=data_dir, start=start, end=end,
        trader=ReplaySettings(strategy=StrategyParams(order_style=OrderStyle.TAKER)),
    )  # fmt: skip


def _name(text: str) -> str:
    return " ".join(text.split())


def odds_rows(data_dir: Path, year: int) -> Iterator[tuple[tuple[str, str, frozenset[str]], dict[str, str]]]:
    for tour in ("atp", "wta"):
        with (data_dir / "tennis_odds" / f"{tour}_{year}.csv").open(newline="", encoding="latin-1") as fh:
            for rec in csv.DictReader(fh):
                names = frozenset({_name(rec["Winner"]), _name(rec["Loser"])})
                yield (tour, rec["Date"][:10], names), rec


def resettle(row: dict[str, str], rec: dict[str, str]) -> Decimal:
    """pnl from the match result, Pinnacle's close and Kalshi's taker fee, computed here from scratch."""
    yes_player = row["market_player"]
    won = _name(rec["Winner"]) == yes_player
    if rec["Comment"].strip() == "Completed":
        yes_value = Decimal(1 if won else 0)
    else:
        own, other = (rec["PSW"], rec["PSL"]) if won else (rec["PSL"], rec["PSW"])
        yes_value = Decimal(repr(shin(float(own), float(other)))).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    value = yes_value if row["side"] == "yes" else 1 - yes_value
    count, price = Decimal(row["contracts"]), Decimal(row["price"])
    rate = Decimal("0.0175") if row["maker"] == "true" else Decimal("0.07")
    fee = (rate * count * price * (1 - price) * 10000).to_integral_value(ROUND_CEILING) / 10000
    assert Decimal(row["fee"]) == fee
    return count * (value - price) - fee


def test_trades_csv_resettles_exactly(data_dir: Path, tmp_path: Path) -> None:
    cfg = config(data_dir, date(2023, 1, 1), date(2023, 4, 30))
    result, _ = replay(cfg, probabilities=Lean())
    summary, _ = write_report(tmp_path, result, cfg.as_dict(), title="lean")
    index = dict(odds_rows(data_dir, 2023))
    with (tmp_path / "trades.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 100
    assert {r["result"] for r in rows} >= {"completed", "retired"}
    total = Decimal(0)
    for row in rows:
        rec = index[(row["tour"], row["date"], frozenset({row["player_a"], row["player_b"]}))]
        a_won = _name(rec["Winner"]) == row["player_a"]
        assert (float(row["odds_a"]), float(row["odds_b"])) == (
            (float(rec["PSW"]), float(rec["PSL"])) if a_won else (float(rec["PSL"]), float(rec["PSW"]))
        )
        assert row["winner"] == _name(rec["Winner"])
        pnl = resettle(row, rec)
        assert Decimal(row["pnl"]) == pnl, row
        total += pnl
    assert Decimal(summary["pnl"]) == total
    for name in ("equity.png", "calibration.png", "pnl_by_bucket.png"):
        assert (tmp_path / name).stat().st_size > 1000


def test_control_run_trades_nothing_on_real_closes(data_dir: Path) -> None:
    cfg = replace(config(data_dir, date(2023, 1, 1), date(2023, 3, 31)), control=True)
    result, _ = replay(cfg)
    assert result.priced > 1000
    assert result.rows == []


def test_lookahead_check_catches_a_peek_and_passes_without_one(data_dir: Path) -> None:
    cfg = config(data_dir, date(2023, 1, 1), date(2023, 3, 31))
    cutoff = date(2023, 2, 20)
    honest = lookahead_check(lambda c: replay(cfg, c, probabilities=Lean())[0], cutoff)
    assert honest.passed
    assert honest.compared > 50

    class Peeking(Lean):
        """Knows how many matches the whole data set holds: the future leaks into every forecast."""

        def __init__(self, n: int) -> None:
            self.n = n

        def p_a(self, spec: MatchSpec) -> float | None:
            p = super().p_a(spec)
            return None if p is None else p + self.n * 1e-7

    def peeking(c: date | None) -> RunResult:
        n = len(load_window(cfg, c)[0])
        return replay(cfg, c, probabilities=Peeking(n))[0]

    leaky = lookahead_check(peeking, cutoff)
    assert not leaky.passed
    assert "full" in leaky.differences[0]
