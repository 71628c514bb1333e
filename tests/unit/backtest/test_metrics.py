"""Headline figures of a list of bets against hand-worked values."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from courtside.reports.metrics import (
    Bet,
    bootstrap_roi,
    by_bucket,
    edge_bucket,
    hit_rate,
    max_drawdown,
    mean_clv,
    roi,
    summarise,
    weekly_pnl,
    weekly_sharpe,
)


def bet(day: date, pnl: str, cost: str = "10", clv: float | None = None, contracts: str = "20") -> Bet:
    return Bet(day, D(contracts), D(cost), D("0.1"), D(pnl), 0.5, D("1"), clv)


DAYS = [date(2023, 1, 2), date(2023, 1, 4), date(2023, 1, 10), date(2023, 1, 25)]


def test_roi_hit_rate_and_drawdown() -> None:
    bets = [bet(d, p) for d, p in zip(DAYS, ["10", "-30", "5", "-10"], strict=True)]
    assert roi(bets) == pytest.approx(-25 / 40)
    assert hit_rate(bets) == pytest.approx(0.5)
    # equity 100 -> 110 -> 80 -> 85 -> 75: the worst fall is 35 from the 110 peak
    worst, pct = max_drawdown(bets, D("100"))
    assert worst == D("35")
    assert pct == pytest.approx(35 / 110)
    assert roi([]) is None
    assert hit_rate([]) is None


def test_drawdown_is_measured_on_end_of_day_equity() -> None:
    # one day: -30 then +40 settle together in the evening; the day is +10, so no drawdown
    same_day = [bet(DAYS[0], "-30"), bet(DAYS[0], "40"), bet(DAYS[1], "-5")]
    worst, pct = max_drawdown(same_day, D("100"))
    assert worst == D("5")
    assert pct == pytest.approx(5 / 110)


def test_weekly_series_fills_empty_weeks_and_sharpe_uses_them() -> None:
    bets = [bet(d, p) for d, p in zip(DAYS, ["10", "-30", "5", "-10"], strict=True)]
    weeks = weekly_pnl(bets)
    assert list(weeks.values()) == [D("-20"), D("5"), D("0"), D("-10")]
    returns = [-0.2, 0.05, 0.0, -0.1]
    mean = sum(returns) / 4
    sd = (sum((r - mean) ** 2 for r in returns) / 3) ** 0.5
    assert weekly_sharpe(bets, D("100")) == pytest.approx(mean / sd * 52**0.5)


def test_clv_is_contract_weighted() -> None:
    bets = [bet(DAYS[0], "1", clv=0.02, contracts="10"), bet(DAYS[1], "1", clv=-0.01, contracts="30")]
    assert mean_clv(bets) == pytest.approx((0.2 - 0.3) / 40)


def test_bootstrap_interval_is_seeded_and_brackets_the_roi() -> None:
    bets = [bet(date(2023, 1, 2) + timedelta(weeks=i % 20), str((i % 7) - 3), "10") for i in range(200)]
    low, high = bootstrap_roi(bets, seed=3) or (0.0, 0.0)
    assert low < (roi(bets) or 0.0) < high
    assert bootstrap_roi(bets, seed=3) == (low, high)
    assert bootstrap_roi(bets[:1]) is None


def test_buckets_and_edge_labels() -> None:
    bets = [bet(DAYS[0], "2"), bet(DAYS[1], "-1"), bet(DAYS[2], "4")]
    rows = by_bucket(bets, ["wta", "atp", "wta"])
    assert [(r.bucket, r.trades, r.pnl) for r in rows] == [("atp", 1, D("-1")), ("wta", 2, D("6"))]
    assert edge_bucket(-0.01) == "<0.00"
    assert edge_bucket(0.01) == "0.00-0.02"
    assert edge_bucket(0.05) == "0.04-0.06"
    assert edge_bucket(0.2) == ">=0.10"


def test_summary_of_no_bets_is_empty_not_an_error() -> None:
    summary = summarise([], D("1000"))
    assert summary.trades == 0
    assert summary.pnl == D("0")
    assert summary.roi is None
