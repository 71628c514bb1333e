"""Resting-order management (pure) and the journal's P&L and state bookkeeping."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import create_engine

from courtside.domain.orders import BookSide, Fill, Order, OrderStatus, Outcome, Settlement
from courtside.execution.resting import stale_reason, without_own
from courtside.markets.match import parse_match
from courtside.store.journal import Journal
from courtside.strategy.decide import Candidate, NoTrade, PricedMatch, StrategyParams, choose
from trader_factories import NOW, book, event, series

D = Decimal


def _order(side: BookSide, price: str, remaining: str) -> Order:
    outcome = Outcome.YES if side is BookSide.BID else Outcome.NO
    return Order(
        "o1",
        "cs-1",
        "T",
        side,
        outcome,
        OrderStatus.RESTING,
        D(price),
        D(remaining),
        D(0),
        D(remaining),
        D(0),
        D(0),
        D(0),
        D(0),
        NOW,
    )


def test_without_own_removes_our_interest_only() -> None:
    b = book("T", yes=[("0.51", "10"), ("0.50", "100")], no=[("0.47", "5")])
    mine = without_own(b, [_order(BookSide.BID, "0.51", "10"), _order(BookSide.ASK, "0.53", "2")])
    assert [(lv.price, lv.size) for lv in mine.yes_bids] == [(D("0.50"), D(100))]
    assert [(lv.price, lv.size) for lv in mine.no_bids] == [(D("0.47"), D(3))]


def test_stale_reason_for_each_case() -> None:
    m = parse_match(event(), series())
    a, b = m.tickers
    books = {
        a: book(a, yes=[("0.50", "100")], no=[("0.48", "20")]),
        b: book(b, yes=[("0.44", "30")], no=[("0.54", "40")]),
    }
    lim = StrategyParams(max_hours=1000)
    d = choose(PricedMatch(m, 0.6), books, lim, NOW)
    assert isinstance(d, Candidate)
    label, price = d.quote.route.label, d.quote.yes_price
    assert stale_reason(label, price, m, d, NOW, lim, halted=False) is None
    assert stale_reason(label, price, m, d, NOW, lim, halted=True) == "trading halted"
    assert stale_reason(label, price, None, d, NOW, lim, halted=False) == "match no longer listed as open"
    assert (
        stale_reason(label, price, m, d, m.start - timedelta(minutes=5), lim, halted=False)
        == "match start is near"
    )
    assert stale_reason(label, price, m, NoTrade(("x",)), NOW, lim, halted=False) == "edge gone: x"
    assert "reprice" in (stale_reason(label, price - D("0.01"), m, d, NOW, lim, halted=False) or "")


def test_realized_pnl_and_trading_state() -> None:
    j = Journal(create_engine("sqlite://"), "live", exchange="test")
    fill = Fill("f1", "o1", "T-A", BookSide.BID, Outcome.YES, D(10), D("0.40"), True, D("0.1680"), NOW)
    assert j.add_fills([fill, fill]) == 1  # a fill is recorded once
    st = Settlement("T-A", "T", "no", D(10), D(0), D("4.00"), D(0), D(0), D(0), NOW)
    assert j.add_settlements([st, replace(st)]) == 1
    assert j.realized_since(NOW - timedelta(hours=1)) == D("-4.1680")
    assert j.realized_since(NOW + timedelta(hours=1)) == 0
    assert j.state() == ("ACTIVE", "")
    j.set_state("HALTED", "manual", NOW)
    assert j.state() == ("HALTED", "manual")
