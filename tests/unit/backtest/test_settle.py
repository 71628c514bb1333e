"""Settlement values and P&L against hand-worked numbers (fees: kalshi-api.md §4.1)."""

from decimal import Decimal as D

import pytest

from courtside.backtest.settle import MatchResult, leg_value, settle_order, yes_value
from courtside.domain.errors import DataError
from courtside.domain.orders import Outcome


def test_completed_match_pays_the_winner_one_dollar() -> None:
    assert yes_value(True, MatchResult.COMPLETED, 0.3, for_a=True) == D("1")
    assert yes_value(True, MatchResult.COMPLETED, 0.3, for_a=False) == D("0")
    assert leg_value(D("0"), Outcome.NO) == D("1")


def test_walkover_and_retirement_settle_at_the_pre_match_fair_price() -> None:
    for result in (MatchResult.WALKOVER, MatchResult.RETIRED, MatchResult.AWARDED):
        assert yes_value(False, result, 0.537, for_a=True) == D("0.54")
        assert yes_value(False, result, 0.537, for_a=False) == D("0.46")
    # NO on B is worth what YES on A is worth
    assert leg_value(yes_value(True, MatchResult.RETIRED, 0.537, for_a=False), Outcome.NO) == D("0.54")


def test_winning_taker_yes_order() -> None:
    # fee = ceil4(0.07 x 10 x 0.55 x 0.45 = 0.17325) = 0.1733; pnl = 10 x 0.45 - 0.1733
    order = settle_order(D("10"), D("0.55"), D("1"))
    assert order.fee == D("0.1733")
    assert order.pnl == D("4.3267")


def test_losing_no_order() -> None:
    # fee = ceil4(0.07 x 10 x 0.48 x 0.52 = 0.17472) = 0.1748; pnl = -4.80 - 0.1748
    order = settle_order(D("10"), D("0.48"), D("0"))
    assert order.pnl == D("-4.9748")


def test_walkover_loses_only_the_gap_to_fair_plus_the_fee() -> None:
    order = settle_order(D("10"), D("0.55"), D("0.54"))
    assert order.pnl == D("-0.2733")


def test_maker_fill_pays_a_quarter_rate() -> None:
    # 0.0175 x 10 x 0.55 x 0.45 = 0.0433125 -> 0.0434
    order = settle_order(D("10"), D("0.55"), D("1"), maker=True)
    assert order.fee == D("0.0434")
    assert order.pnl == D("4.4566")


def test_result_comments_from_tennis_data() -> None:
    assert MatchResult.parse("Completed") is MatchResult.COMPLETED
    assert MatchResult.parse(" Retired") is MatchResult.RETIRED
    assert MatchResult.parse("Walkover") is MatchResult.WALKOVER
    assert MatchResult.parse("Awarded") is MatchResult.AWARDED
    assert MatchResult.parse("Disqualified") is MatchResult.AWARDED
    with pytest.raises(DataError):
        MatchResult.parse("Postponed")


def test_typos_of_the_odds_files_are_read_and_non_results_refused() -> None:
    assert MatchResult.parse("Rrtired") is MatchResult.RETIRED  # atp_2021.csv
    assert MatchResult.parse("Walkoer") is MatchResult.WALKOVER  # wta_2018.csv
    assert MatchResult.parse("Complted") is MatchResult.COMPLETED
    for comment in ("Sched", "Cancelled", ""):  # atp_2019, wta_2021: not a result
        with pytest.raises(DataError):
            MatchResult.parse(comment)


def test_refuses_impossible_orders() -> None:
    with pytest.raises(DataError):
        settle_order(D("0"), D("0.5"), D("1"))
    with pytest.raises(DataError):
        settle_order(D("1"), D("1"), D("1"))
