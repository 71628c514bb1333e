"""Every risk check refuses with a reason, and lets a clean order through."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from courtside.domain.market import ExchangeStatus, ShardStatus
from courtside.markets.match import parse_match
from courtside.risk.checks import (
    Proposal,
    RiskLimits,
    RiskView,
    TradingState,
    check_drawdown,
    drawdown_breach,
    drawdown_stop,
    evaluate,
    kill_switch_on,
    strictest,
)
from courtside.strategy.decide import OrderIntent, PricedMatch, StrategyParams, StrategyState, decide
from trader_factories import NOW, book, event, series

D = Decimal
OPEN = ExchangeStatus(True, True, (ShardStatus(3, True, True),))


def _proposal(**match_changes: object) -> Proposal:
    m = replace(parse_match(event(), series()), **match_changes)  # type: ignore[arg-type]
    a, b = m.tickers
    books = {
        a: book(a, yes=[("0.50", "100")], no=[("0.48", "20")]),
        b: book(b, yes=[("0.44", "30")], no=[("0.54", "40")]),
    }
    intent = decide(
        PricedMatch(m, 0.6),
        books,
        StrategyParams(max_hours=1000, min_minutes=0),
        StrategyState(NOW, D(1000), D(0)),
    )
    assert isinstance(intent, OrderIntent)
    return Proposal(intent, m, books)


def _view(**kw: object) -> RiskView:
    return RiskView(**{"now": NOW, "exchange": OPEN, **kw})  # type: ignore[arg-type]


def test_a_clean_order_passes() -> None:
    assert evaluate(_proposal(), _view(), RiskLimits()) == []


@pytest.mark.parametrize(
    ("view", "limits", "needle"),
    [
        (_view(state=TradingState.HALTED, state_reason="manual"), RiskLimits(), "HALTED: manual"),
        (_view(state=TradingState.REDUCING), RiskLimits(), "REDUCING"),
        (_view(kill_switch=True), RiskLimits(kill_file=Path("var/KILL")), "kill switch"),
        (RiskView(now=NOW), RiskLimits(), "exchange status unknown"),
        (_view(unresolved=1), RiskLimits(), "unknown outcome"),
        (_view(exchange=ExchangeStatus(True, True, (ShardStatus(3, True, False),))), RiskLimits(), "shard 3"),
        (_view(exchange=ExchangeStatus(True, False)), RiskLimits(), "not trading"),
        (
            _view(traded_events=frozenset({"KXATPMATCH-26SEP08ZVEVAN"})),
            RiskLimits(),
            "one position per match",
        ),
        (_view(positions={"KXATPMATCH-26SEP08ZVEVAN-VAN": D(-3)}), RiskLimits(), "position in"),
        (_view(resting_tickers=frozenset({"KXATPMATCH-26SEP08ZVEVAN-ZVE"})), RiskLimits(), "already rests"),
        (_view(now=NOW + timedelta(minutes=5)), RiskLimits(max_book_age_s=60), "s old"),
        (_view(orders_this_scan=5), RiskLimits(max_orders_per_scan=5), "orders this scan"),
        (_view(open_exposure=D("499")), RiskLimits(max_exposure=D(500)), "exposure"),
        (_view(realized_today=D("-100")), RiskLimits(daily_loss_limit=D(100)), "daily loss"),
        (_view(equity=D(740), peak_equity=D(1000)), RiskLimits(max_drawdown=D("0.25")), "max drawdown"),
    ],
)
def test_each_check_gives_its_reason(view: RiskView, limits: RiskLimits, needle: str) -> None:
    reasons = evaluate(_proposal(), view, limits)
    assert any(needle in r for r in reasons), reasons


def test_shard_status_follows_the_match_shard() -> None:
    other_shard_closed = ExchangeStatus(True, True, (ShardStatus(0, True, False), ShardStatus(3, True, True)))
    assert evaluate(_proposal(), _view(exchange=other_shard_closed), RiskLimits()) == []


@pytest.mark.parametrize(
    ("equity", "peak", "limit", "trips"),
    [
        ("750", "1000", "0.25", True),  # exactly the limit below the mark
        ("750.01", "1000", "0.25", False),
        ("100", "1000", "0.25", True),
        ("1000", "1000", "0.25", False),
        ("1200", "1000", "0.25", False),  # above the mark (the caller raises the mark)
        ("100", "1000", None, False),  # off
        ("100", "1000", "0", False),  # 0 is off too
        ("-5", "0", "0.25", False),  # no positive mark yet: nothing to measure against
    ],
)
def test_drawdown_breach(equity: str, peak: str, limit: str | None, trips: bool) -> None:
    reason = drawdown_breach(D(equity), D(peak), None if limit is None else D(limit))
    assert (reason is not None) is trips


def test_drawdown_reason_gives_the_figures() -> None:
    reason = drawdown_breach(D("740"), D("1000"), D("0.25"))
    assert (
        reason
        == "max drawdown: equity $740.00 is 26.0% below its high-water mark $1000.00 (max-drawdown 25%)"
    )
    assert drawdown_breach(None, D(1000), D("0.25")) is None  # equity unknown: no verdict
    assert check_drawdown(_proposal(), _view(), RiskLimits()) is None  # a view without equity


def test_drawdown_stop_moves_active_to_reducing_and_never_back() -> None:
    down = _view(equity=D(700), peak_equity=D(1000))
    stop = drawdown_stop(down, RiskLimits())
    assert stop is not None
    state, reason = stop
    assert state is TradingState.REDUCING
    assert reason.startswith("max drawdown: equity $700.00 is 30.0% below")
    # already stopped (or halted): no change; recovered equity does not bring ACTIVE back either
    for current in (TradingState.REDUCING, TradingState.HALTED):
        assert drawdown_stop(replace(down, state=current), RiskLimits()) is None
        assert drawdown_stop(replace(down, state=current, equity=D(1000)), RiskLimits()) is None
    assert drawdown_stop(_view(equity=D(800), peak_equity=D(1000)), RiskLimits()) is None
    assert drawdown_stop(down, RiskLimits(max_drawdown=None)) is None


def test_reducing_refusal_carries_the_state_reason() -> None:
    view = _view(state=TradingState.REDUCING, state_reason="max drawdown: equity $700.00 is 30.0% below")
    reasons = evaluate(_proposal(), view, RiskLimits())
    assert reasons == ["trading REDUCING: no new positions (max drawdown: equity $700.00 is 30.0% below)"]


def test_strictest_state_wins_and_keeps_the_reasons_of_its_level() -> None:
    active, reducing, halted = TradingState.ACTIVE, TradingState.REDUCING, TradingState.HALTED
    assert strictest((active, "resumed"), (active, "")) == (active, "resumed")
    assert strictest((active, "resumed"), (reducing, "max drawdown: x")) == (reducing, "max drawdown: x")
    assert strictest((reducing, "manual"), (reducing, "max drawdown: x")) == (
        reducing,
        "manual; max drawdown: x",
    )
    assert strictest((halted, "manual kill"), (reducing, "max drawdown: x")) == (halted, "manual kill")
    assert strictest((reducing, "same"), (reducing, "same")) == (reducing, "same")
    assert strictest() == (active, "")


def test_limits_without_a_kill_file_never_read_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backtest's limits name no kill file: a var/KILL where it happens to run halts nothing; the
    trader's limits name the home's (app/settings.py)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "KILL").write_text("x", encoding="utf-8")
    assert not kill_switch_on(RiskLimits().kill_file)
    assert kill_switch_on(RiskLimits(kill_file=tmp_path / "var" / "KILL").kill_file)
