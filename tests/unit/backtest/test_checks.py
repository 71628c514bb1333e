"""The look-ahead comparison: decisions before the cutoff must match market by market."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from courtside.backtest.engine import RunResult
from courtside.backtest.honesty import compare_before, lookahead_check
from courtside.backtest.records import TradeRow

ROW = TradeRow(
    date=date(2023, 3, 1), tour="atp", tournament="T", level="tour_250", surface="Hard", round="1st Round",
    match="A vs B", player_a="A", player_b="B", odds_a=1.9, odds_b=1.9, event_ticker="E", ticker="E-A",
    market_player="A", route="Y-A", side="yes",
    price=D("0.51"), contracts=D(10), maker=False, fee=D("0.1750"), p_model=0.6, p_market_fair=0.5,
    p_blend=0.6, edge=D("0.0725"), result="completed", winner="A", settlement_value=D(1), pnl=D("4.7250"),
    bankroll=D(1000),
)  # fmt: skip
LATER = replace(ROW, date=date(2023, 4, 1), ticker="F-A")


def test_identical_decisions_before_the_cutoff_pass_whatever_comes_after() -> None:
    report = compare_before(date(2023, 3, 15), [ROW, LATER], [ROW])
    assert report.passed
    assert report.compared == 1


def test_a_moved_probability_fails_without_counting_as_a_changed_order() -> None:
    report = compare_before(date(2023, 3, 15), [ROW], [replace(ROW, p_model=0.6001)])
    assert not report.passed
    assert report.orders_changed == 0


def test_a_different_size_or_a_missing_trade_is_a_changed_order() -> None:
    other = replace(ROW, ticker="G-A")
    report = compare_before(date(2023, 3, 15), [ROW, other], [replace(ROW, contracts=D(9))])
    assert report.orders_changed == 2
    assert len(report.differences) == 2


def test_a_moved_forecast_of_an_untraded_match_fails_the_check() -> None:
    day = date(2023, 3, 1)
    full = RunResult(rows=[ROW], forecasts=[(day, "E", 0.6), (day, "F", 0.41), (date(2023, 4, 1), "G", 0.5)])
    same = RunResult(rows=[ROW], forecasts=[(day, "E", 0.6), (day, "F", 0.41)])
    moved = RunResult(rows=[ROW], forecasts=[(day, "E", 0.6), (day, "F", 0.4100001)])
    honest = lookahead_check(lambda c: full if c is None else same, date(2023, 3, 15))
    assert honest.passed
    assert honest.forecasts_compared == 2
    leaky = lookahead_check(lambda c: full if c is None else moved, date(2023, 3, 15))
    assert not leaky.passed  # no trade moved, but a forecast did
    assert leaky.orders_changed == 0
    assert leaky.forecasts_changed == 1
    assert "F" in leaky.differences[0]
