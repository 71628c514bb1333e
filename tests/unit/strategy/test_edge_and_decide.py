"""Routes, fees, edge and EV worked by hand; decide() thresholds, styles and sizing caps.

The book used throughout (p_a = 0.60):
  A (ZVE): YES bids 0.50 x100; NO bids 0.48 x20, 0.47 x50  -> YES asks 0.52 x20, 0.53 x50
  B (VAN): YES bids 0.44 x30;  NO bids 0.54 x40            -> YES ask 0.46 x40, NO ask 0.56 x30
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from courtside.domain.market import OrderBook
from courtside.domain.orders import BookSide, Outcome, TimeInForce
from courtside.markets.match import TennisMatch, parse_match
from courtside.pricing.edge import EdgeParams, Leg, Style, best_quote, maker_price, price_routes
from courtside.strategy.decide import (
    NoTrade,
    OrderIntent,
    OrderStyle,
    PricedMatch,
    StrategyParams,
    StrategyState,
    decide,
)
from courtside.strategy.sizing import SizingParams, size
from trader_factories import NOW, book, event, series, two_books

D = Decimal


def _match() -> TennisMatch:
    return parse_match(event(), series())


def _books(m: TennisMatch) -> dict[str, OrderBook]:
    return two_books(m.tickers)


def _quotes(p_a: float = 0.60, **edge: object):  # type: ignore[no-untyped-def]
    m = _match()
    books = _books(m)
    legs = [
        Leg(s.market.ticker, s.market.code, books[s.market.ticker], s.market.tick_grid) for s in (m.a, m.b)
    ]
    return price_routes(p_a, legs[0], legs[1], m.fees, EdgeParams(**edge))  # type: ignore[arg-type]


def _find(quotes, label: str, style: Style):  # type: ignore[no-untyped-def]
    return next(q for q in quotes if q.route.label == label and q.style is style)


def test_taker_yes_on_a_by_hand() -> None:
    q = _find(_quotes(), "Y-ZVE", Style.TAKER)
    assert (q.price, q.count, q.depth) == (D("0.52"), D(10), D(20))
    assert q.fee == D("0.1748")  # 0.07 x 10 x 0.52 x 0.48 = 0.17472, rounded up to the centicent
    assert q.value_edge == D("0.08")
    assert q.ev.quantize(D("0.00001")) == D("0.11632")  # (0.60 - 0.52 - 0.01748) / 0.53748


def test_no_on_b_is_the_same_bet_at_its_own_price() -> None:
    q = _find(_quotes(), "N-VAN", Style.TAKER)
    assert q.route.outcome is Outcome.NO
    assert q.route.side is BookSide.ASK
    assert (q.price, q.yes_price) == (D("0.56"), D("0.44"))  # NO at 0.56 is a V2 ask at YES 0.44
    assert q.fee == D("0.1725")  # 0.07 x 10 x 0.56 x 0.44 = 0.17248
    assert q.ev.quantize(D("0.00001")) == D("0.03941")


def test_taker_walks_depth_with_one_rounded_fee_per_level() -> None:
    q = _find(_quotes(ref_count=D(30)), "Y-ZVE", Style.TAKER)
    assert (q.count, q.price) == (D(30), D("0.53"))
    assert q.fee == D("0.3495") + D("0.1744")
    assert q.avg_price == (D("0.52") * 20 + D("0.53") * 10) / 30


def test_taker_walk_stops_where_the_level_has_no_value_left() -> None:
    q = _find(_quotes(p_a=0.545, ref_count=D(30)), "Y-ZVE", Style.TAKER)
    assert (q.count, q.price) == (D(20), D("0.52"))  # 0.53 > 0.545 - 0.02


def test_maker_improves_one_tick_without_crossing() -> None:
    quotes = _quotes()
    yes_a = _find(quotes, "Y-ZVE", Style.MAKER)
    assert yes_a.price == D("0.51")
    assert yes_a.fee == D("0.0438")  # 0.0175 x 10 x 0.51 x 0.49 = 0.0437325
    no_b = _find(quotes, "N-VAN", Style.MAKER)
    assert (no_b.price, no_b.yes_price) == (D("0.55"), D("0.45"))
    tight = book("T", yes=[("0.51", "5")], no=[("0.48", "5")])
    assert maker_price(tight, Outcome.YES, _match().a.market.tick_grid) == D("0.51")  # 0.52 would cross


def test_best_route_is_the_highest_ev_that_passes_guards() -> None:
    quotes = _quotes()
    best = best_quote(quotes)
    assert best is not None
    assert (best.route.label, best.style) == ("Y-ZVE", Style.MAKER)
    assert best_quote(quotes, Style.TAKER).route.label == "Y-ZVE"  # type: ignore[union-attr]


def test_guards_refuse_unbelievable_edges_and_wide_spreads() -> None:
    q = _find(_quotes(p_a=0.95), "Y-ZVE", Style.TAKER)
    assert any("believable" in r for r in q.refusals)
    q = _find(_quotes(max_spread=D("0.01")), "Y-ZVE", Style.TAKER)
    assert any("spread" in r for r in q.refusals)


def _decide(p_a: float = 0.60, bankroll: str = "1000", match: TennisMatch | None = None, **params: object):  # type: ignore[no-untyped-def]
    m = match or _match()
    sp = StrategyParams(**params)  # type: ignore[arg-type]
    state = StrategyState(now=NOW, bankroll=D(bankroll), open_exposure=D(0))
    return decide(PricedMatch(m, p_a), _books(m), sp, state)


def test_maker_decision_rests_until_the_start() -> None:
    d = _decide()
    assert isinstance(d, OrderIntent)
    assert (d.ticker, d.side, d.yes_price, d.count) == (
        _match().a.market.ticker,
        BookSide.BID,
        D("0.51"),
        D(10),
    )
    assert d.time_in_force is TimeInForce.GTC
    assert d.expiration == _match().start


def test_taker_decision_is_ioc_at_the_ask() -> None:
    d = _decide(order_style=OrderStyle.TAKER)
    assert isinstance(d, OrderIntent)
    assert (d.yes_price, d.time_in_force, d.expiration) == (D("0.52"), TimeInForce.IOC, None)


def test_auto_takes_when_the_taker_ev_clears_min_ev() -> None:
    d = _decide(order_style=OrderStyle.AUTO)
    assert isinstance(d, OrderIntent)
    assert d.quote.style is Style.TAKER
    d = _decide(order_style=OrderStyle.AUTO, min_ev=D("0.15"))
    assert isinstance(d, OrderIntent)
    assert d.quote.style is Style.MAKER


def test_min_value_and_min_ev_filter() -> None:
    d = _decide(min_value=D("0.10"))
    assert isinstance(d, NoTrade)
    assert any("min-value" in r for r in d.reasons)
    d = _decide(min_ev=D("0.20"))
    assert isinstance(d, NoTrade)
    assert any("min-ev" in r for r in d.reasons)


def test_min_volume_and_hours_to_start() -> None:
    d = _decide(min_volume=D(10_000))
    assert isinstance(d, NoTrade)
    assert any("min-volume" in r for r in d.reasons)
    d = _decide(max_hours=2.0)
    assert isinstance(d, NoTrade)
    assert any("max-hours" in r for r in d.reasons)
    late = replace(_match(), start=NOW + timedelta(minutes=5))
    d = _decide(match=late)
    assert isinstance(d, NoTrade)
    assert any("min" in r for r in d.reasons)


def test_max_size_caps_the_count() -> None:
    d = _decide(sizing=SizingParams(max_size=D(3)))
    assert isinstance(d, OrderIntent)
    assert d.count == 3
    assert d.binding_cap == "max-size"


@pytest.mark.parametrize(
    ("bankroll", "params", "count", "binding"),
    [
        ("1000", SizingParams(max_size=D(1000)), D(85), "kelly"),  # 0.25 x 0.17631 x 1000 / 0.51438 = 85.7
        ("1000", SizingParams(max_size=D(1000), max_match_fraction=D("0.02")), D(38), "match share"),  # 38.9
        ("100", SizingParams(max_size=D(1000)), D(8), "kelly"),  # 0.25 x 0.17631 x 100 / 0.51438 = 8.57
        ("100", SizingParams(max_size=D(1000), max_exposure=D(3)), D(5), "exposure"),  # 3 / 0.51438 = 5.8
        ("1000", SizingParams(max_size=D("2.7")), D(2), "max-size"),
    ],
)
def test_sizing_caps(bankroll: str, params: SizingParams, count: Decimal, binding: str) -> None:
    q = _find(_quotes(), "Y-ZVE", Style.MAKER)
    s = size(q, params, D(bankroll), D(0))
    assert (s.count, s.binding) == (count, binding)


def test_taker_size_never_exceeds_depth_at_the_price() -> None:
    q = _find(_quotes(ref_count=D(100), p_a=0.545), "Y-ZVE", Style.TAKER)
    s = size(q, SizingParams(max_size=D(1000)), D(100_000), D(0))
    assert (s.count, s.binding) == (D(20), "depth")


def test_a_refusal_shows_the_route_the_model_likes_and_the_guard_that_stopped_it() -> None:
    """p_a = 0.95 against a book near 0.50: backing A shows an edge no market really offers. The
    scan line must name A's route and the guard, not B's route with its negative edge."""
    for style in (OrderStyle.MAKER, OrderStyle.TAKER, OrderStyle.AUTO):
        d = _decide(p_a=0.95, order_style=style)
        assert isinstance(d, NoTrade)
        assert d.best is not None
        assert d.best.route.backs == "a", (style, d.best.route, d.reasons)
        assert any("believable" in r for r in d.reasons), (style, d.reasons)
