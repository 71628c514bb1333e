"""Synthetic Kalshi books around the de-vigged close: grid, half-spread, implied asks, both markets."""

from decimal import Decimal as D

import pytest

from courtside.backtest.books import BookSpec, build_books, fair_probability, fair_settlement_price
from courtside.domain.errors import DataError
from courtside.domain.market import Level
from courtside.domain.money import PriceBand, TickGrid
from courtside.pricing.devig import shin


def test_each_market_quotes_outward_of_fair_on_the_cent_grid() -> None:
    books = build_books(0.537, "EV-A", "EV-B", BookSpec(half_spread=D("0.01"), levels=2, depth=D("50")))
    # A: fair 0.537 -> bid floor(0.527) = 0.52, ask ceil(0.547) = 0.55
    assert books.book_a.yes_bids == (Level(D("0.52"), D("50")), Level(D("0.51"), D("50")))
    assert books.book_a.best_yes_ask == Level(D("0.55"), D("50"))
    assert [lvl.price for lvl in books.book_a.yes_asks] == [D("0.55"), D("0.56")]
    # the asks are held as NO bids, as Kalshi sends them
    assert books.book_a.no_bids[0] == Level(D("0.45"), D("50"))
    # B: fair 0.463 -> bid 0.45, ask 0.48
    assert books.book_b.best_yes_bid == Level(D("0.45"), D("50"))
    assert books.book_b.best_yes_ask == Level(D("0.48"), D("50"))
    assert books.book_a.ticker == "EV-A"
    assert books.book_b.ticker == "EV-B"


def test_a_wider_half_spread_widens_both_markets() -> None:
    narrow = build_books(0.60, "A", "B", BookSpec(half_spread=D("0.01")))
    wide = build_books(0.60, "A", "B", BookSpec(half_spread=D("0.03")))
    assert narrow.book_a.spread() == D("0.02")
    assert wide.book_a.spread() == D("0.06")
    assert wide.book_b.spread() == D("0.06")


def test_buying_no_on_b_costs_the_same_as_the_yes_bid_of_b_implies() -> None:
    books = build_books(0.70, "A", "B", BookSpec(half_spread=D("0.02")))
    # NO on B is bought at 1 - best YES bid of B: 1 - 0.28 = 0.72; YES on A asks 0.72 as well
    assert books.book_b.best_no_ask is not None
    assert books.book_b.best_no_ask.price == D("0.72")
    assert books.book_a.best_yes_ask is not None
    assert books.book_a.best_yes_ask.price == D("0.72")


def test_extreme_prices_leave_an_empty_side_instead_of_an_invalid_price() -> None:
    books = build_books(0.995, "A", "B", BookSpec(half_spread=D("0.01"), levels=3))
    assert books.book_a.yes_asks == ()
    assert books.book_a.best_yes_bid == Level(D("0.98"), D("100"))
    assert books.book_b.yes_bids == ()
    assert [lvl.price for lvl in books.book_b.yes_asks] == [D("0.02"), D("0.03"), D("0.04")]


def test_levels_follow_a_coarser_tick_grid() -> None:
    grid = TickGrid.of([PriceBand(D("0"), D("1"), D("0.05"))])
    books = build_books(0.52, "A", "B", BookSpec(half_spread=D("0.01"), levels=2, grid=grid))
    assert [lvl.price for lvl in books.book_a.yes_bids] == [D("0.50"), D("0.45")]
    assert [lvl.price for lvl in books.book_a.yes_asks] == [D("0.55"), D("0.60")]


def test_fair_probability_is_shin_and_refuses_missing_odds() -> None:
    assert fair_probability(1.70, 2.26) == pytest.approx(shin(1.70, 2.26))
    assert 0.56 < fair_probability(1.70, 2.26) < 0.58
    with pytest.raises(DataError):
        fair_probability(float("nan"), 2.0)
    with pytest.raises(DataError):
        fair_probability(1.0, 2.0)


def test_fair_settlement_price_rounds_to_the_cent() -> None:
    assert fair_settlement_price(0.537) == D("0.54")
    assert fair_settlement_price(0.4449) == D("0.44")
    assert fair_settlement_price(0.4450004) == D("0.45")
    assert fair_settlement_price(0.445) == D("0.44")  # half to even on the shortest repr
